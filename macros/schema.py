"""JSON Schema validation (draft 2020-12) with errors mapped back to file, line and field."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

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


@lru_cache(maxsize=None)
def validator(kind: str, schema_dir: Path = SCHEMA_DIR) -> Draft202012Validator:
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
# jsonschema walks a case file in about 2 ms, most of a 1,000-case build's data loading. The
# schemas use a few keywords only, so each is also compiled into plain Python checks that
# answer one question: is this document valid? A yes skips jsonschema; a no (or a schema
# using any keyword not handled here) goes to jsonschema, which finds and words every
# problem. So the checks must never say yes where jsonschema finds a problem;
# tests/test_shortcuts.py compares the two on the real data and on mutated files.

_ANNOTATIONS = {
    "description",
    "title",
    "$schema",
    "$id",
    "$comment",
    "examples",
    "default",
    "deprecated",
    "markdownDescription",
}
_TYPES = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


class _Unhandled(Exception):
    """The schema uses something the quick checks do not know: jsonschema decides."""


def _scalar_const(value):
    if not isinstance(value, str):  # consts and enums here are all text
        raise _Unhandled
    return value


def _compile(node) -> Callable[[object], bool]:
    if node is True:
        return lambda value: True
    if node is False:
        return lambda value: False
    if not isinstance(node, dict):
        raise _Unhandled
    checks = []
    for key, arg in node.items():
        if key in _ANNOTATIONS or key.startswith("x-"):
            continue
        if key == "type":
            names = [arg] if isinstance(arg, str) else list(arg)
            tests = [_TYPES[n] for n in names]
            checks.append(lambda v, tests=tests: any(t(v) for t in tests))
        elif key == "properties":
            props = {k: _compile(v) for k, v in arg.items()}
            checks.append(
                lambda v, props=props: (
                    not isinstance(v, dict)
                    or all(check(v[k]) for k, check in props.items() if k in v)
                )
            )
        elif key == "additionalProperties":
            known = set(node.get("properties", {}))
            if "patternProperties" in node:
                raise _Unhandled
            extra = _compile(arg)
            checks.append(
                lambda v, known=known, extra=extra: (
                    not isinstance(v, dict)
                    or all(extra(item) for k, item in v.items() if k not in known)
                )
            )
        elif key == "propertyNames":
            names = _compile(arg)
            checks.append(lambda v, names=names: not isinstance(v, dict) or all(map(names, v)))
        elif key == "required":
            keys = list(arg)
            checks.append(lambda v, keys=keys: not isinstance(v, dict) or all(k in v for k in keys))
        elif key == "items":
            each = _compile(arg)
            checks.append(lambda v, each=each: not isinstance(v, list) or all(map(each, v)))
        elif key in ("minItems", "maxItems", "minLength", "maxLength"):
            kind = list if key.endswith("Items") else str
            if key.startswith("min"):
                checks.append(lambda v, n=arg, k=kind: not isinstance(v, k) or len(v) >= n)
            else:
                checks.append(lambda v, n=arg, k=kind: not isinstance(v, k) or len(v) <= n)
        elif key == "uniqueItems":
            if arg:
                checks.append(
                    lambda v: (
                        not isinstance(v, list)
                        or (all(isinstance(x, str) for x in v) and len(set(v)) == len(v))
                    )
                )
        elif key == "pattern":
            search = ecma_regex(arg).search
            checks.append(lambda v, search=search: not isinstance(v, str) or bool(search(v)))
        elif key == "format":
            checks.append(lambda v, f=arg: FORMATS.conforms(v, f))
        elif key == "const":
            const = _scalar_const(arg)
            checks.append(lambda v, c=const: isinstance(v, str) and v == c)
        elif key == "enum":
            allowed = {_scalar_const(x) for x in arg}
            checks.append(lambda v, a=allowed: isinstance(v, str) and v in a)
        elif key == "minimum":
            checks.append(lambda v, n=arg: not _TYPES["number"](v) or v >= n)
        elif key == "oneOf":
            branches = [_compile(b) for b in arg]
            checks.append(lambda v, b=branches: sum(1 for check in b if check(v)) == 1)
        elif key == "anyOf":
            branches = [_compile(b) for b in arg]
            checks.append(lambda v, b=branches: any(check(v) for check in b))
        else:
            raise _Unhandled
    return lambda value: all(check(value) for check in checks)


@lru_cache(maxsize=None)
def quick_check(kind: str, schema_dir: Path = SCHEMA_DIR):
    """A function saying whether a document of this kind is valid, or None when the schema
    uses a keyword the quick checks do not handle."""
    try:
        return _compile(validator(kind, schema_dir).schema)
    except (_Unhandled, KeyError, TypeError):
        return None


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
