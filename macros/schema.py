"""JSON Schema validation (draft 2020-12) with errors mapped back to file, line and field."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .errors import Problem
from .yamlfile import Located, dotted

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "data" / "schemas"
KINDS = ("case", "concept", "criterion", "source", "argument")


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _registry(schema_dir: Path) -> Registry:
    # Every schema registered up front: a lazily retrieving registry re-reads a file on each
    # $ref, which made validation of 1,000 cases take most of a minute.
    return Registry().with_resources(
        (path.as_uri(), Resource.from_contents(_read(path), default_specification=DRAFT202012))
        for path in sorted(schema_dir.glob("*.schema.json")))


@lru_cache(maxsize=None)
def validator(kind: str, schema_dir: Path = SCHEMA_DIR) -> Draft202012Validator:
    path = schema_dir / f"{kind}.schema.json"
    schema = {**_read(path), "$id": path.as_uri()}
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=_registry(schema_dir))


def _describe(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


_TYPE_NAMES = {"string": "text", "object": "a mapping of fields", "array": "a list",
               "integer": "a whole number", "number": "a number", "boolean": "true or false"}


def _problems_for(error, doc: Located) -> list[Problem]:
    path = tuple(error.absolute_path)
    line, col = doc.where(path)
    kind, schema, value = error.validator, error.schema, error.instance

    def at(field_path, message, position=None):
        ln, cl = position or doc.where(field_path)
        return Problem(doc.path, ln, cl, dotted(field_path), message)

    if kind == "additionalProperties" and isinstance(value, dict):
        known = sorted(schema.get("properties", {}))
        extra = [k for k in value if k not in schema.get("properties", {})]
        return [at(path + (k,), f"unknown field (expected one of: {', '.join(known)})")
                for k in extra]
    if kind == "required":
        missing = error.message.split("'")[1]
        described = schema.get("properties", {}).get(missing, {}).get("description")
        expected = f" (expected {described[0].lower() + described[1:].rstrip('.')})" if described else ""
        return [at(path + (missing,), f"missing required field{expected}", (line, col))]
    if kind == "enum":
        allowed = ", ".join(str(v) for v in schema["enum"])
        return [at(path, f"{_describe(value)} is not allowed (expected one of: {allowed})")]
    if kind == "type":
        expected = schema["type"]
        names = [expected] if isinstance(expected, str) else expected
        wanted = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
        return [at(path, f"got {_describe(value)} (expected {wanted})")]
    if kind in ("pattern", "maxLength", "minLength") and "description" in schema:
        return [at(path, f"{_describe(value)} is not valid (expected {schema['description']})")]
    if kind == "anyOf" and schema is not None and all("required" in s for s in schema["anyOf"]):
        options = " or ".join(s["required"][0] for s in schema["anyOf"])
        return [at(path, f"missing a name field (expected {options})")]
    return [at(path, error.message)]


def validate(kind: str, doc: Located) -> list[Problem]:
    problems: list[Problem] = []
    for error in validator(kind).iter_errors(doc.data):
        problems.extend(_problems_for(error, doc))
    return problems
