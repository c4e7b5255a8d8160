"""Strict YAML loading that remembers where every value came from.

PyYAML silently accepts duplicate keys, expands aliases and constructs custom tags and
timestamps. Data here comes from strangers' pull requests, so the loader composes the node
tree itself and refuses anything that is not plain mappings, sequences and scalars, keeping
dates as the strings that were typed.
"""

from __future__ import annotations

import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import Problem, printable

# What one file may cost. A file within these limits loads in milliseconds and renders in
# well under a second, so no contribution can make a build or a check slow.
MAX_FILE_BYTES = 256 * 1024
MAX_STRING_CHARS = 8_000  # five times the longest real text
MAX_ITEMS = 200  # entries in one list or one mapping
MAX_DEPTH = 12  # levels of nested lists and mappings (real files use 6)

# Refused in every key and value after YAML escapes are decoded: C0 and C1 controls (tab and
# newline excepted), DEL, line/paragraph separators, a stray byte-order mark, and the bidi
# embedding, override and isolate controls that can make a title or URL read backwards.
FORBIDDEN_CHARACTERS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)

# YAML 1.1 (which PyYAML follows) reads some unquoted words as numbers or booleans that YAML
# 1.2 and every editor read as text: 010 is 8, 1:20 is 80, no is false. Only the forms both
# agree on are accepted unquoted.
_YAML12_PLAIN = {
    int: re.compile(r"[-+]?(0|[1-9][0-9]*)"),
    float: re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"),
    bool: re.compile(r"true|True|TRUE|false|False|FALSE"),
}

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
    # What was typed for each unquoted number or boolean, so a message can say "quote it".
    typed: dict[tuple, str] = field(default_factory=dict)

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
        self.typed: dict[tuple, str] = {}
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
                self.problem(
                    node,
                    field_path,
                    "value reused through an anchor and alias "
                    "(&name ... *name), which data files do not allow (expected the "
                    "value written out)",
                )
            return None
        self._visited.add(id(node))
        if len(field_path) > MAX_DEPTH:
            self.problem(
                node,
                field_path,
                f"nested more than {MAX_DEPTH} levels deep "
                "(expected the structure the schema describes)",
            )
            return None
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and len(node.value) > MAX_ITEMS:
            self.problem(
                node,
                field_path,
                f"{len(node.value)} entries (expected at most {MAX_ITEMS} in one list or mapping)",
            )
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, field_path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                self.problem(
                    node,
                    field_path,
                    f"custom tag {node.tag} is not allowed (expected plain YAML values)",
                )
            return [self.build(item, field_path + (i,)) for i, item in enumerate(node.value)]
        return self._scalar_value(node, field_path)

    def _mapping(self, node, field_path):
        if node.tag != "tag:yaml.org,2002:map":
            self.problem(
                node,
                field_path,
                f"custom tag {node.tag} is not allowed (expected plain YAML values)",
            )
        result = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                self.problem(
                    key_node,
                    field_path,
                    f"key {key_node.value!r} is not text (expected a field name; quote it or rename it)",
                )
                continue
            key = key_node.value
            if not self._clean(key_node, field_path, key, "key"):
                continue
            if key in result:
                first = self.marks.get(field_path + (key,), (0, 0))[0]
                self.problem(
                    key_node,
                    field_path + (key,),
                    f"duplicate key (expected each field once; first defined on line {first})",
                )
                continue
            result[key] = self.build(value_node, field_path + (key,))
            self.marks[field_path + (key,)] = _pos(key_node.start_mark)
        return result

    def _scalar_value(self, node, field_path):
        kind = _PLAIN_TAGS.get(node.tag)
        if kind is None:
            self.problem(
                node,
                field_path,
                f"custom tag {node.tag} is not allowed (expected plain YAML values)",
            )
            return None
        if kind is str:
            if len(node.value) > MAX_STRING_CHARS:
                self.problem(
                    node,
                    field_path,
                    f"text is {len(node.value)} characters long "
                    f"(expected at most {MAX_STRING_CHARS})",
                )
            elif not self._clean(node, field_path, node.value, "text"):
                return None
            return node.value
        if kind in _YAML12_PLAIN and not _YAML12_PLAIN[kind].fullmatch(node.value):
            self.problem(
                node,
                field_path,
                f"unquoted {node.value} would be read as something "
                f'else than typed (expected "{node.value}" in quotes if it is text, '
                "or a plain number, true or false)",
            )
            return None
        try:
            value = self._scalar.construct_object(node)
        except (ValueError, OverflowError, yaml.YAMLError) as exc:
            self.problem(node, field_path, f"unreadable value {node.value!r} ({exc})")
            return None
        if isinstance(value, float) and math.isnan(value):
            self.problem(node, field_path, "NaN is not allowed (expected a number)")
        if kind is not type(None):
            self.typed[field_path] = node.value
        return value

    def _clean(self, node, field_path, value: str, what: str) -> bool:
        bad = FORBIDDEN_CHARACTERS.search(value)
        if bad:
            self.problem(
                node,
                field_path,
                f"{what} contains the control character "
                f"{printable(bad.group(0))} (expected printable text; remove it)",
            )
        return bad is None


def read_regular_file(path: Path) -> tuple[bytes, str]:
    """(content, "") or (b"", why not). Only a regular file is read, never through a symbolic
    link (which could publish any file on the machine), and never more than the size limit
    (a device such as /dev/zero reports size 0 and never ends)."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        return b"", f"cannot read file ({exc.strerror})"
    if stat.S_ISLNK(info.st_mode):
        return b"", "is a symbolic link (expected a regular file; links are never followed)"
    if not stat.S_ISREG(info.st_mode):
        return b"", "is not a regular file (expected a YAML text file)"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        return b"", f"cannot read file ({exc.strerror})"
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped since lstat
            return b"", "is not a regular file (expected a YAML text file)"
        raw = handle.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        return (
            b"",
            f"file is over {MAX_FILE_BYTES} bytes (expected at most {MAX_FILE_BYTES}); split it up",
        )
    return raw, ""


def load(path: Path, display: str) -> tuple[Located | None, list[Problem]]:
    """Load one file strictly. Returns (document, problems); document is None on failure."""
    raw, refusal = read_regular_file(path)
    if refusal:
        return None, [Problem(display, 1, 1, "", refusal)]
    return parse(raw, display)


def parse(raw: bytes, display: str) -> tuple[Located | None, list[Problem]]:
    """Parse the content of one file strictly (see `load`)."""

    def fail(message, line=1, col=1, field_path=""):
        return None, [Problem(display, line, col, field_path, message)]

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return fail(
            f"not valid UTF-8 (byte {raw[exc.start]:#04x} at offset {exc.start}; "
            "expected a UTF-8 encoded text file)",
            line,
        )
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
            reason = (
                f"{reason} ({exc.context} that starts at line {start_line}, column {start_col})"
            )
        if mark and text[mark.index : mark.index + 1] == "\t" or "tab" in reason.lower():
            reason += " (indent with spaces, not tabs)"
        return fail(f"invalid YAML: {reason}", line, col)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        return fail(
            f"invalid YAML: control character {exc.character:#06x} is not allowed "
            "(expected printable text)",
            line,
            col,
        )
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
        builder.problems.append(
            Problem(
                display,
                line,
                col,
                "",
                "the top level is not a mapping (expected fields such as title: ...)",
            )
        )
    if builder.problems:
        return None, builder.problems
    return Located(display, data, builder.marks, builder.typed), []
