"""JSON Schema validation (draft 2020-12) with errors mapped back to file, line and field."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from functools import lru_cache, partial
from pathlib import Path

import fastjsonschema
from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .errors import Problem
from .render import markdown_cost_problem
from .yamlfile import Located, dotted

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "data" / "schemas"
KINDS = ("case", "concept", "criterion", "source", "argument", "perspectives")


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _registry(schema_dir: Path) -> Registry:
    # Every schema registered up front: a lazily retrieving registry re-reads a file on each
    # $ref, which made validation of 1,000 cases take most of a minute.
    return Registry().with_resources(
        (path.as_uri(), Resource.from_contents(_read(path), default_specification=DRAFT202012))
        for path in sorted(schema_dir.glob("*.schema.json"))
    )


@lru_cache(maxsize=None)
def ecma_regex(pattern: str) -> re.Pattern:
    """A JSON Schema pattern with ECMA-262 meaning: `$` is the end of the text. In Python's
    `re` it also matches before a final newline, which let "id\\n" pass as an id."""
    return re.compile(re.sub(r"(?<!\\)\$", r"\\Z", pattern))


def _pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


FORMATS = FormatChecker(formats=())


@FORMATS.checks("partial-date", raises=ValueError)
def _date_exists(value) -> bool:
    """'1997', '1997-06' or '1997-06-27' that names a real day (the pattern checks the shape)."""
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", value):
        year, month, day = ([int(x) for x in value.split("-")] + [1, 1])[:3]
        datetime.date(year, month, day)  # raises ValueError for 1997-02-30
    return True


@FORMATS.checks("markdown", raises=ValueError)
def _markdown_is_cheap(value) -> bool:
    if isinstance(value, str) and (problem := markdown_cost_problem(value)):
        raise ValueError(problem)
    return True


_Validator = validators.extend(Draft202012Validator, {"pattern": _pattern})


def _inlined(node, file: str, schema_dir: Path):
    """The schema with every `$ref` replaced by what it points to (keywords beside a `$ref`
    win, and a pattern keeps its definition's wording as `x-expected`). Validation through
    the reference registry took most of `make check`'s time; the schemas have no cycles."""
    if isinstance(node, list):
        return [_inlined(item, file, schema_dir) for item in node]
    if not isinstance(node, dict):
        return node
    own = {k: _inlined(v, file, schema_dir) for k, v in node.items() if k not in ("$ref", "$defs")}
    if "$ref" not in node:
        return own
    target, target_file, _ = _resolve({"$ref": node["$ref"]}, file, None, schema_dir)
    merged = _inlined(target, target_file, schema_dir)
    if "pattern" in merged and "description" in merged:
        merged.setdefault("x-expected", merged["description"])
    return {**merged, **own}


def validator(kind: str, schema_dir: Path = SCHEMA_DIR) -> Draft202012Validator:
    # One cache entry however it is called: lru_cache keys validator("case") and
    # validator("case", SCHEMA_DIR) apart, and checked each schema twice (~30 ms each).
    return _validator(kind, schema_dir)


@lru_cache(maxsize=None)
def _validator(kind: str, schema_dir: Path) -> Draft202012Validator:
    path = schema_dir / f"{kind}.schema.json"
    Draft202012Validator.check_schema({**_read(path), "$id": path.as_uri()})
    schema = _inlined(_read(path), path.name, schema_dir)
    return _Validator(schema, format_checker=FORMATS)


def _describe(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


_TYPE_NAMES = {
    "string": "text",
    "object": "a mapping of fields",
    "array": "a list",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
}


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
        return [
            at(path + (k,), f"unknown field (expected one of: {', '.join(known)})") for k in extra
        ]
    if kind == "required":
        missing = error.message.split("'")[1]
        described = schema.get("properties", {}).get(missing, {}).get("description")
        expected = (
            f" (expected {described[0].lower() + described[1:].rstrip('.')})" if described else ""
        )
        return [at(path + (missing,), f"missing required field{expected}", (line, col))]
    if kind == "enum" or (kind == "oneOf" and all("const" in s for s in schema["oneOf"])):
        # A vocabulary is a oneOf of {"const", "title", "description"}: see vocabulary.py.
        values = schema["enum"] if kind == "enum" else [s["const"] for s in schema["oneOf"]]
        allowed = ", ".join(str(v) for v in values)
        return [at(path, f"{_describe(value)} is not allowed (expected one of: {allowed})")]
    if kind == "type":
        expected = schema["type"]
        names = [expected] if isinstance(expected, str) else expected
        wanted = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
        typed = doc.typed.get(path)
        if typed is not None and "string" in names:
            read_as = (
                "" if typed == _describe(value) else f", which YAML reads as {_describe(value)}"
            )
            return [
                at(path, f'got {typed}{read_as} (expected {wanted}: put it in quotes, "{typed}")')
            ]
        return [at(path, f"got {_describe(value)} (expected {wanted})")]
    if kind == "maxLength":
        return [
            at(
                path,
                f"{_describe(value)} is {len(value)} characters long "
                f"(expected at most {schema['maxLength']})",
            )
        ]
    if kind == "minLength":
        return [
            at(
                path,
                f"is empty (expected at least {schema['minLength']} character"
                f"{'s' if schema['minLength'] != 1 else ''})",
            )
        ]
    if kind == "pattern" and ("x-expected" in schema or "description" in schema):
        expected = schema.get("x-expected", schema.get("description"))
        return [at(path, f"{_describe(value)} is not valid (expected {expected})")]
    if kind == "format" and schema.get("format") == "partial-date":
        return [at(path, f"{value!r} is not a real date (expected a date that exists)")]
    if kind == "format":
        return [at(path, str(error.cause))]
    if kind == "maxItems":
        return [at(path, f"{len(value)} items (expected at most {schema['maxItems']})")]
    if kind == "anyOf" and schema is not None and all("required" in s for s in schema["anyOf"]):
        options = " or ".join(s["required"][0] for s in schema["anyOf"])
        return [at(path, f"missing a name field (expected {options})")]
    return [at(path, error.message)]


# ----- a quick yes for valid files ---------------------------------------------------------
#
# jsonschema walks a case file in about 2 ms, most of a 1,000-case build's data loading.
# fastjsonschema compiles each schema into a Python function that answers one question: is
# this document valid? A yes skips jsonschema; a no goes to jsonschema, which finds and words
# every problem (fastjsonschema's own messages are never shown). So the fast function must
# never say yes where jsonschema finds a problem; tests/test_shortcuts.py compares the two on
# the real data, on mutated files and on generated documents.
#
# fastjsonschema compiles up to draft 2019-09; our schemas are draft 2020-12. It is given a
# draft-07 copy of each (inlined) schema, made only of the keywords below, whose meaning is
# the same in both drafts. A schema with any other keyword is not compiled and jsonschema
# checks every file of that kind: a keyword is never dropped without a word.

_ONE_SCHEMA = {"additionalProperties", "propertyNames", "items", "not"}
_SCHEMA_MAPS = {"properties"}
_SCHEMA_LISTS = {"oneOf", "anyOf", "allOf"}
_VALUE_KEYWORDS = {
    "type",
    "required",
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
    "uniqueItems",
    "format",
    "const",
    "enum",
    "minimum",
    "maximum",
}
# Words for people and editors, no check in either draft (`default` is left out of the copy:
# fastjsonschema would write it into the document).
_ANNOTATIONS = {"description", "title", "$comment", "examples", "default", "deprecated"}
_DRAFT07 = "http://json-schema.org/draft-07/schema#"


class _Unhandled(Exception):
    """The schema uses a keyword not checked to mean the same to fastjsonschema."""


def _draft07_copy(node):
    """The schema for fastjsonschema, with each pattern's `$` written as `\\Z` (the end of the
    text, as `ecma_regex` reads it; in Python `$` also matches before a final newline)."""
    if isinstance(node, bool):
        return node
    if not isinstance(node, dict):  # e.g. a draft-07 tuple `items: [...]`
        raise _Unhandled(repr(node))
    copy = {}
    for key, arg in node.items():
        if key in _ANNOTATIONS or key.startswith("x-") or key == "$schema":
            continue
        if key in _ONE_SCHEMA:
            copy[key] = _draft07_copy(arg)
        elif key in _SCHEMA_MAPS:
            copy[key] = {name: _draft07_copy(sub) for name, sub in arg.items()}
        elif key in _SCHEMA_LISTS:
            copy[key] = [_draft07_copy(sub) for sub in arg]
        elif key == "pattern":
            copy[key] = ecma_regex(arg).pattern
        elif key in _VALUE_KEYWORDS:
            copy[key] = arg
        else:
            raise _Unhandled(key)
    return copy


def compile_quick_check(schema: dict) -> Callable[[object], bool] | None:
    """A function saying whether a document is valid against this (inlined) schema, or None
    when the schema uses a keyword left to jsonschema."""
    try:
        copy = _draft07_copy(schema)
        fast = fastjsonschema.compile(
            {**copy, "$schema": _DRAFT07} if isinstance(copy, dict) else copy,
            # Our format checks themselves, so both validators ask the same functions.
            formats={name: partial(FORMATS.conforms, format=name) for name in FORMATS.checkers},
            use_default=False,
        )
    except (_Unhandled, fastjsonschema.JsonSchemaDefinitionException):
        return None

    def is_valid(data) -> bool:
        try:
            fast(data)
        except fastjsonschema.JsonSchemaValueException:
            return False
        return True

    return is_valid


@lru_cache(maxsize=None)
def quick_check(kind: str, schema_dir: Path = SCHEMA_DIR) -> Callable[[object], bool] | None:
    return compile_quick_check(validator(kind, schema_dir).schema)


def validate(kind: str, doc: Located) -> list[Problem]:
    quick = quick_check(kind)
    if quick is not None and quick(doc.data):
        return []
    problems: list[Problem] = []
    for error in validator(kind).iter_errors(doc.data):
        problems.extend(_problems_for(error, doc))
    return problems


@lru_cache(maxsize=None)
def _id_rule(schema_dir: Path = SCHEMA_DIR) -> dict:
    return _read(schema_dir / "common.schema.json")["$defs"]["id"]


def is_valid_id(value: str) -> bool:
    """The id rule of common.schema.json, the one place it is written down."""
    rule = _id_rule()
    return len(value) <= rule["maxLength"] and bool(ecma_regex(rule["pattern"]).search(value))


def _resolve(node: dict, file: str, name: str | None, schema_dir: Path):
    """Follow `$ref`s: (schema node, file it is in, name of the last shared definition)."""
    while "$ref" in node:
        target, _, pointer = node["$ref"].partition("#")
        file = target or file
        node = _read(schema_dir / file)
        for part in pointer.strip("/").split("/") if pointer else []:
            node = node[part]
        name = pointer.rsplit("/", 1)[-1] if pointer else name
    return node, file, name


def scalars(kind: str, data, schema_dir: Path = SCHEMA_DIR):
    """(field path, shared definition name or None, value) for every scalar in a valid
    document, found by walking its schema beside it: which fields are Markdown `text`, one
    `line`, an `id` or a `date` is read from the schema, never guessed from key names."""

    def walk(node, file, name, value, path):
        node, file, name = _resolve(node, file, name, schema_dir)
        if isinstance(value, dict):
            for key, item in value.items():
                sub = node.get("properties", {}).get(key, node.get("additionalProperties"))
                yield from walk(
                    sub if isinstance(sub, dict) else {}, file, None, item, path + (key,)
                )
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from walk(node.get("items", {}), file, None, item, path + (i,))
        else:
            yield path, name, value

    yield from walk(
        _read(schema_dir / f"{kind}.schema.json"), f"{kind}.schema.json", None, data, ()
    )
