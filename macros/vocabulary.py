"""The enumerated values of the data, with their labels, read from the JSON Schemas.

A vocabulary is a `$defs` entry whose `oneOf` lists each allowed value as
`{"const": value, "title": label, "description": one line}` (a role also has an
`x-plural-title`, the heading of its group on /cases/). The schema is the one place a value
and its label are written: validation, pages and documentation all read them from there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import DataError, Problem
from .schema import SCHEMA_DIR

# vocabulary name -> (schema kind, name under the schema's $defs)
VOCABULARIES = {
    "role": ("case", "role"),
    "form": ("case", "form"),
    "fact_check_status": ("case", "fact_check_status"),
    "event_kind": ("case", "event_kind"),
    "claim_kind": ("argument", "claim_kind"),
    "responder": ("argument", "responder"),
    "test": ("common", "test"),
    "vantage": ("perspectives", "vantage"),
}


@dataclass(frozen=True)
class Term:
    """One allowed value and what the pages call it."""

    value: str
    title: str
    description: str
    plural_title: str


@dataclass(frozen=True)
class Vocabulary:
    name: str
    title: str
    description: str
    terms: tuple[Term, ...]

    def __getitem__(self, value: str) -> Term:
        for term in self.terms:
            if term.value == value:
                return term
        raise KeyError(f"{self.name}: no value {value!r} in the schema")

    def values(self) -> list[str]:
        return [term.value for term in self.terms]


def _schema_path(name: str, schema_dir: Path) -> Path:
    return schema_dir / f"{VOCABULARIES[name][0]}.schema.json"


def _definition(name: str, schema_dir: Path) -> dict:
    kind, key = VOCABULARIES[name]
    schema = json.loads(_schema_path(name, schema_dir).read_text(encoding="utf-8"))
    return schema.get("$defs", {}).get(key, {})


def problems(schema_dir: Path = SCHEMA_DIR) -> list[Problem]:
    """What is missing for every value to have a label: run by `make check` and the build."""
    found = []
    for name, (kind, key) in VOCABULARIES.items():
        shown = f"data/schemas/{kind}.schema.json"
        where = f"$defs.{key}"
        definition = _definition(name, schema_dir)
        options = definition.get("oneOf")
        if not isinstance(options, list) or not options:
            found.append(
                Problem(
                    shown,
                    1,
                    1,
                    where,
                    "missing vocabulary (expected a oneOf "
                    'list of {"const", "title", "description"})',
                )
            )
            continue
        seen = set()
        for i, option in enumerate(options):
            missing = [
                k
                for k in ("const", "title", "description")
                if not isinstance(option, dict) or not isinstance(option.get(k), str)
            ]
            if missing:
                found.append(
                    Problem(
                        shown,
                        1,
                        1,
                        f"{where}.oneOf[{i}]",
                        f"missing {', '.join(missing)} (expected every value with "
                        "a const, a title and a one-line description)",
                    )
                )
            elif option["const"] in seen:
                found.append(
                    Problem(
                        shown,
                        1,
                        1,
                        f"{where}.oneOf[{i}]",
                        f"duplicate value {option['const']!r} (expected each once)",
                    )
                )
            else:
                seen.add(option["const"])
    return found


@lru_cache(maxsize=None)
def vocabulary(name: str, schema_dir: Path = SCHEMA_DIR) -> Vocabulary:
    found = [p for p in problems(schema_dir) if VOCABULARIES[name][1] in p.field]
    if found:
        raise DataError(found)
    definition = _definition(name, schema_dir)
    terms = tuple(
        Term(o["const"], o["title"], o["description"], o.get("x-plural-title", o["title"]))
        for o in definition["oneOf"]
    )
    return Vocabulary(name, definition.get("title", name), definition.get("description", ""), terms)


def all_vocabularies(schema_dir: Path = SCHEMA_DIR) -> list[Vocabulary]:
    return [vocabulary(name, schema_dir) for name in VOCABULARIES]
