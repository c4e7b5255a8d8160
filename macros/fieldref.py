"""The field reference (/contribute/schema/), read from the JSON Schemas themselves.

`reference()` walks each kind's schema, following `$ref`s, and returns plain view data: every
field with its type, allowed values, whether it is required, its description and, when the
data has one, a real example. The page template only lays it out
(templates/contribute/field_reference.html). Nothing here imports MkDocs, and no list of fields or
values is written down twice: change a schema and the page follows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .model import FOLDERS, Project
from .schema import SCHEMA_DIR, _read, _resolve

KIND_ORDER = ("case", "source", "concept", "criterion", "argument", "perspectives")
SINGLE_FILES = {"argument": "data/argument.yml", "perspectives": "data/perspectives.yml"}
GENERIC_KEY = "<id>"  # a mapping whose keys are ids (a case's coding, a concept's profile)

# What each shared definition of common.schema.json is called on the page.
TYPE_NAMES = {
    "id": "id",
    "ids": "list of ids",
    "sources": "list of source ids",
    "partial_date": "date",
    "date": "full date",
    "line": "one line of text",
    "text": "Markdown text",
    "sourced_text": "text with sources",
    "names": "list of names",
}
JSON_TYPES = {
    "string": "text",
    "integer": "whole number",
    "number": "number",
    "boolean": "true or false",
    "object": "mapping",
    "array": "list",
}


@dataclass
class Field:
    path: str  # e.g. coding.<id>.alternative.value
    name: str  # the last part: value
    depth: int  # how deep it is nested (0 for top-level fields)
    type: str
    required: bool
    allowed: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    description: str = ""
    example: str = ""

    @property
    def anchor(self) -> str:
        """A stable id for the field's row: coding.<id>.value -> coding-id-value."""
        return re.sub(r"[^a-z0-9]+", "-", self.path.lower()).strip("-")


@dataclass
class Kind:
    kind: str
    title: str
    description: str
    file: str  # where such a file lives, e.g. data/cases/<id>.yml
    schema: str  # schema file name
    fields: list[Field]


def _merged(node: dict, file: str, schema_dir: Path):
    """The node with its `$ref`s followed; keywords beside a `$ref` (a description, a tighter
    maxLength) win over the definition's."""
    target, file, name = _resolve(node, file, None, schema_dir)
    own = {k: v for k, v in node.items() if k != "$ref"}
    return {**target, **own}, file, name


def _allowed(node: dict | None) -> list:
    """The values a field allows: an `enum`, or the consts of a vocabulary's `oneOf`."""
    if not node:
        return []
    consts = [option["const"] for option in node.get("oneOf", []) if "const" in option]
    return consts or list(node.get("enum", []))


def _type_name(node: dict, name: str | None, item_name: str | None = None) -> str:
    if _allowed(node):
        return "one of the values"
    if name in TYPE_NAMES:
        return TYPE_NAMES[name]
    kind = node.get("type")
    if kind == "array":
        return f"list of {TYPE_NAMES.get(item_name, 'values')}" if item_name else "list"
    return JSON_TYPES.get(kind, "value") if isinstance(kind, str) else "value"


def _rules(node: dict, shared: str | None) -> list[str]:
    rules = []
    if "maxLength" in node:
        rules.append(f"at most {node['maxLength']:,} characters")
    if node.get("minItems"):
        rules.append(f"at least {node['minItems']} item{'s' if node['minItems'] > 1 else ''}")
    if node.get("uniqueItems"):
        rules.append("no repeats")
    if "minimum" in node:
        rules.append(f"at least {node['minimum']}")
    if "pattern" in node and shared not in ("line", "text"):
        rules.append(f"pattern {node['pattern']}")
    for option in node.get("anyOf", []):
        if "required" in option:
            rules.append("needs " + " or ".join(o["required"][0] for o in node["anyOf"]))
            break
    return rules


def _describe(node: dict, shared_description: str) -> str:
    text = node.get("description") or shared_description
    return text[:1].upper() + text[1:] if text else ""


def _example(value) -> str:
    if isinstance(value, (dict,)):
        return ""
    if isinstance(value, list):
        if any(isinstance(v, (dict, list)) for v in value):
            return ""
        text = "[" + ", ".join(str(v) for v in value) + "]"
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False) if value[:1].isdigit() else value
    else:
        text = json.dumps(value)
    text = " ".join(text.split())
    return text if len(text) <= 90 else text[:87].rstrip() + "…"


def _examples(kind: str, entries: list, schema_dir: Path) -> dict[str, object]:
    """The first value the data has for each field path (paths as on the page)."""
    found: dict[str, object] = {}
    root = _read(schema_dir / f"{kind}.schema.json")
    merged: dict[tuple, tuple] = {}  # each schema node is resolved once, not once per entry

    def walk(node, file, value, path):
        key = (id(node), file)
        if key not in merged:
            merged[key] = _merged(node, file, schema_dir)
        node, file, _ = merged[key]
        if path:
            found.setdefault(path, value)
        if isinstance(value, dict):
            props = node.get("properties", {})
            for key, item in value.items():
                if key in props:
                    walk(props[key], file, item, f"{path}.{key}" if path else key)
                elif isinstance(node.get("additionalProperties"), dict):
                    walk(
                        node["additionalProperties"],
                        file,
                        item,
                        f"{path}.{GENERIC_KEY}" if path else GENERIC_KEY,
                    )
        elif isinstance(value, list) and isinstance(node.get("items"), dict):
            for item in value:
                walk(node["items"], file, item, f"{path}[]")

    for entry in entries:
        walk(root, f"{kind}.schema.json", entry, "")
    return found


def _fields(kind: str, examples: dict, schema_dir: Path) -> list[Field]:
    common = _read(schema_dir / "common.schema.json")["$defs"]
    out: list[Field] = []

    def add(node, file, path, name, depth, required):
        node, file, shared = _merged(node, file, schema_dir)
        items, item_file, item_shared = None, file, None
        if node.get("type") == "array" and isinstance(node.get("items"), dict):
            items, item_file, item_shared = _merged(node["items"], file, schema_dir)
        shared_description = common.get(shared, {}).get("description", "") if shared else ""
        if (
            items is not None
            and not shared_description
            and item_shared in common
            and not items.get("properties")
        ):
            shared_description = "each item: " + common[item_shared].get("description", "")
        allowed = _allowed(node) or _allowed(items)
        out.append(
            Field(
                path=path,
                name=name,
                depth=depth,
                type=_type_name(node, shared, item_shared),
                required=required,
                allowed=[str(a) for a in allowed],
                rules=_rules(node, shared),
                description=_describe(node, shared_description),
                example=_example(examples[path]) if path in examples else "",
            )
        )
        children(node, file, path, depth)
        if items is not None and (
            items.get("properties") or isinstance(items.get("additionalProperties"), dict)
        ):
            children(items, item_file, f"{path}[]", depth)

    def children(node, file, path, depth):
        required = set(node.get("required", []))
        for key, sub in node.get("properties", {}).items():
            add(
                sub,
                file,
                f"{path}.{key}" if path else key,
                key,
                depth + 1 if path else 0,
                key in required,
            )
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            add(extra, file, f"{path}.{GENERIC_KEY}", GENERIC_KEY, depth + 1, False)

    children(_read(schema_dir / f"{kind}.schema.json"), f"{kind}.schema.json", "", -1)
    return out


def reference(project: Project | None = None, schema_dir: Path = SCHEMA_DIR) -> list[Kind]:
    """View data for every kind of data file, in the order a contributor meets them."""
    collections = {
        "case": "cases",
        "concept": "concepts",
        "criterion": "criteria",
        "source": "sources",
    }
    kinds = []
    for kind in KIND_ORDER:
        schema = _read(schema_dir / f"{kind}.schema.json")
        if project is None:
            entries = []
        elif kind in SINGLE_FILES:
            single = project.argument if kind == "argument" else project.perspectives
            entries = [single] if single else []
        else:
            entries = list(getattr(project, collections[kind]).values())
        examples = _examples(kind, entries, schema_dir)
        where = SINGLE_FILES.get(kind) or f"data/{FOLDERS[kind]}/<id>.yml"
        kinds.append(
            Kind(
                kind=kind,
                title=schema.get("title", kind),
                description=schema.get("description", ""),
                file=where,
                schema=f"{kind}.schema.json",
                fields=_fields(kind, examples, schema_dir),
            )
        )
    return kinds
