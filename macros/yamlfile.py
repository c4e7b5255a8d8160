"""Strict YAML loading that remembers where every value came from.

PyYAML silently accepts duplicate keys, expands aliases and constructs custom tags and
timestamps. Data here comes from strangers' pull requests, so the loader composes the node
tree itself and refuses anything that is not plain mappings, sequences and scalars, keeping
dates as the strings that were typed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import Problem

MAX_FILE_BYTES = 256 * 1024
MAX_STRING_CHARS = 20_000

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str": str,
    "tag:yaml.org,2002:int": int,
    "tag:yaml.org,2002:float": float,
    "tag:yaml.org,2002:bool": bool,
    "tag:yaml.org,2002:null": type(None),
    # Dates stay strings: the schema checks their format, the model checks they exist.
    "tag:yaml.org,2002:timestamp": str,
}


@dataclass
class Located:
    """A loaded YAML document plus the line and column (1-based) of every field path."""

    path: str
    data: object
    marks: dict[tuple, tuple[int, int]] = field(default_factory=dict)

    def where(self, field_path: tuple) -> tuple[int, int]:
        """Position of the nearest enclosing field that exists (for missing fields)."""
        path = tuple(field_path)
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, (1, 1))


# libyaml composes the node tree about twenty times faster than pure Python; the checks below
# work on the tree, so either parser gives the same results.
_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _pos(mark) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


def dotted(field_path) -> str:
    """('coding', 'threat-type', 'sources', 0) -> 'coding.threat-type.sources[0]'."""
    out = ""
    for part in field_path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Builder:
    def __init__(self, path: str):
        self.path = path
        self.marks: dict[tuple, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self._visited: set[int] = set()
        self._alias_reported = False
        self._scalar = yaml.SafeLoader("")

    def problem(self, node, field_path, message):
        line, col = _pos(node.start_mark)
        self.problems.append(Problem(self.path, line, col, dotted(field_path), message))

    def build(self, node, field_path=()):
        self.marks[field_path] = _pos(node.start_mark)
        # An alias makes the composer hand back the anchored node again; refusing the second
        # visit stops "billion laughs" expansion before it starts.
        if id(node) in self._visited:
            if not self._alias_reported:  # once per file: a "billion laughs" repeats it a lot
                self._alias_reported = True
                self.problem(node, field_path, "value reused through an anchor and alias "
                             "(&name ... *name), which data files do not allow (expected the "
                             "value written out)")
            return None
        self._visited.add(id(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, field_path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                self.problem(node, field_path, f"custom tag {node.tag} is not allowed (expected plain YAML values)")
            return [self.build(item, field_path + (i,)) for i, item in enumerate(node.value)]
        return self._scalar_value(node, field_path)

    def _mapping(self, node, field_path):
        if node.tag != "tag:yaml.org,2002:map":
            self.problem(node, field_path, f"custom tag {node.tag} is not allowed (expected plain YAML values)")
        result = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                self.problem(key_node, field_path,
                             f"key {key_node.value!r} is not text (expected a field name; quote it or rename it)")
                continue
            key = key_node.value
            if key in result:
                first = self.marks.get(field_path + (key,), (0, 0))[0]
                self.problem(key_node, field_path + (key,),
                             f"duplicate key (expected each field once; first defined on line {first})")
                continue
            result[key] = self.build(value_node, field_path + (key,))
            self.marks[field_path + (key,)] = _pos(key_node.start_mark)
        return result

    def _scalar_value(self, node, field_path):
        kind = _PLAIN_TAGS.get(node.tag)
        if kind is None:
            self.problem(node, field_path, f"custom tag {node.tag} is not allowed (expected plain YAML values)")
            return None
        if kind is str:
            if len(node.value) > MAX_STRING_CHARS:
                self.problem(node, field_path,
                             f"text is {len(node.value)} characters long "
                             f"(expected at most {MAX_STRING_CHARS})")
            return node.value
        try:
            value = self._scalar.construct_object(node)
        except (ValueError, OverflowError, yaml.YAMLError) as exc:
            self.problem(node, field_path, f"unreadable value {node.value!r} ({exc})")
            return None
        if isinstance(value, float) and math.isnan(value):
            self.problem(node, field_path, "NaN is not allowed (expected a number)")
        return value


def load(path: Path, display: str) -> tuple[Located | None, list[Problem]]:
    """Load one file strictly. Returns (document, problems); document is None on failure."""
    def fail(message, line=1, col=1, field_path=""):
        return None, [Problem(display, line, col, field_path, message)]

    try:
        size = path.stat().st_size
    except OSError as exc:
        return fail(f"cannot read file ({exc.strerror})")
    if size > MAX_FILE_BYTES:
        return fail(f"file is {size} bytes (expected at most {MAX_FILE_BYTES}); split it up")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        return fail(f"not valid UTF-8 (byte {raw[exc.start]:#04x} at offset {exc.start}; "
                    "expected a UTF-8 encoded text file)", line)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        return fail("file is empty (expected a YAML mapping of fields)")
    loader = None
    try:
        loader = _Parser(text)
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _pos(mark) if mark else (1, 1)
        reason = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.context_mark and exc.problem:
            start_line, start_col = _pos(exc.context_mark)
            reason = f"{reason} ({exc.context} that starts at line {start_line}, column {start_col})"
        if mark and text[mark.index:mark.index + 1] == "\t" or "tab" in reason.lower():
            reason += " (indent with spaces, not tabs)"
        return fail(f"invalid YAML: {reason}", line, col)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        return fail(f"invalid YAML: control character {exc.character:#06x} is not allowed "
                    "(expected printable text)", line, col)
    except yaml.YAMLError as exc:
        return fail(f"invalid YAML: {exc}")
    except RecursionError:
        return fail("invalid YAML: nesting is too deep")
    finally:
        if loader is not None:
            loader.dispose()
    if root is None:
        return fail("file is empty (expected a YAML mapping of fields)")
    builder = _Builder(display)
    try:
        data = builder.build(root)
    except RecursionError:
        return fail("nesting is too deep")
    if not isinstance(data, dict):
        line, col = _pos(root.start_mark)
        builder.problems.append(Problem(display, line, col, "",
                                        "the top level is not a mapping (expected fields such as title: ...)"))
    if builder.problems:
        return None, builder.problems
    return Located(display, data, builder.marks), []
