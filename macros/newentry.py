"""`python -m macros new case|source|concept ID` (make new-case ID=...): write a commented
template for a new data file, from data/templates/<kind>.yml.

The templates are plain YAML with comments. What may change elsewhere is filled in when the
file is written, never copied into the template: allowed values from the JSON Schema
(`@enum(field.path)@`), one coding or profile entry per criterion of data/criteria/ with its
question and values (the lines between `# @for-each-criterion` and `# @end`), today's date
(`@today@`). Plain Python; no MkDocs.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import sys
from pathlib import Path

from . import schema
from .fieldref import reference
from .model import DATA_DIR, FOLDERS, RESERVED_IDS
from .yamlfile import load

KINDS = ("case", "source", "concept")
_ENUM = re.compile(r"@enum\(([a-z_.\[\]-]+)\)@")


class Refused(Exception):
    """The id or the target file is not acceptable; nothing was written."""


def _criteria(data_dir: Path) -> list[tuple[str, dict]]:
    """(id, criterion) in the criteria's order; a criterion that does not load is skipped
    (make check reports it)."""
    found = []
    for path in sorted((data_dir / "criteria").glob("*.yml")):
        doc, _ = load(path, str(path))
        if doc is not None and isinstance(doc.data, dict):
            found.append((path.stem, doc.data))
    return sorted(found, key=lambda kv: (kv[1].get("order", 0), kv[0]))


def _enums(kind: str, schema_dir: Path) -> dict[str, str]:
    [ref] = [k for k in reference(None, schema_dir) if k.kind == kind]
    return {f.path.replace("[]", ""): " | ".join(f.allowed) for f in ref.fields if f.allowed}


def expand(
    template: str,
    kind: str,
    data_dir: Path = DATA_DIR,
    today: str | None = None,
    schema_dir: Path = schema.SCHEMA_DIR,
) -> str:
    """The template with its placeholders filled from the schema and the data."""
    enums = _enums(kind, schema_dir)

    def enum(match: re.Match) -> str:
        if match.group(1) not in enums:
            raise KeyError(
                f"template names {match.group(1)!r}, which has no allowed values "
                f"in {kind}.schema.json"
            )
        return enums[match.group(1)]

    out, block, in_block = [], [], False
    for line in template.splitlines(keepends=True):
        marker = line.strip()
        if marker == "# @for-each-criterion":
            in_block, block = True, []
        elif marker == "# @end" and in_block:
            in_block = False
            for criterion_id, criterion in _criteria(data_dir):
                values = " | ".join(str(v.get("id")) for v in criterion.get("values", []))
                for item in block:
                    out.append(
                        item.replace('"@criterion@"', criterion_id)
                        .replace("@criterion@", criterion_id)
                        .replace("@question@", str(criterion.get("question", "")))
                        .replace("@values@", values)
                    )
        elif in_block:
            block.append(line)
        else:
            out.append(line)
    text = "".join(out).replace("@today@", today or datetime.date.today().isoformat())
    return _ENUM.sub(enum, text)


def _existing_ids(data_dir: Path) -> dict[str, str]:
    ids = {}
    for folder in FOLDERS.values():
        for path in sorted((data_dir / folder).glob("*.yml")):
            ids.setdefault(path.stem, f"data/{folder}/{path.name}")
    return ids


def create(kind: str, entry_id: str, data_dir: Path = DATA_DIR, today: str | None = None) -> Path:
    """Write data/<folder>/<id>.yml from the template; raise Refused when the id is malformed,
    reserved or taken."""
    if not schema.is_valid_id(entry_id):
        raise Refused(
            f"{entry_id!r} is not a valid id (expected lowercase ASCII letters and "
            "digits in words joined by single hyphens, at most 80 characters, "
            "e.g. caspian-naval-exercises-2025)"
        )
    if entry_id in RESERVED_IDS.get(kind, ()):
        raise Refused(
            f"id {entry_id!r} is taken by a page or heading of the site (expected another id)"
        )
    target = data_dir / FOLDERS[kind] / f"{entry_id}.yml"
    taken = _existing_ids(data_dir)
    if os.path.lexists(target) or entry_id in taken:
        where = taken.get(entry_id, f"data/{FOLDERS[kind]}/{entry_id}.yml")
        raise Refused(
            f"id {entry_id!r} is already used by {where} (expected a new id; edit "
            "that file to correct it)"
        )
    template = (data_dir / "templates" / f"{kind}.yml").read_text(encoding="utf-8")
    text = expand(template, kind, data_dir, today)
    with open(target, "x", encoding="utf-8") as handle:  # never overwrite, even in a race
        handle.write(text)
    return target


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m macros new", description="write a commented template for a new file"
    )
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("id", help="the new id, e.g. caspian-naval-exercises-2025")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    try:
        path = create(args.kind, args.id, args.data_dir)
    except Refused as refusal:
        print(f"refused: {refusal}", file=sys.stderr)
        return 1
    shown = os.path.relpath(path)
    print(
        f"wrote {shown}: replace every TODO, then run make fmt check "
        "(fields: /contribute/schema/ on the site)"
    )
    return 0
