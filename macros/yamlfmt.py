"""One formatting for every data file: `python -m macros fmt` (make fmt) and `--check` (CI).

Round-trip with ruamel.yaml, so comments and key order stay. The rules:

- The first line names the file's JSON Schema for editors:
  `# yaml-language-server: $schema=../schemas/<kind>.schema.json`.
- Mappings are written in block style, indented by two spaces; list items by `  - `.
- A list of plain values (ids, `sources:`) stays on one line in brackets while that line fits in
  WIDTH characters, and becomes one item per line otherwise.
- Text with no line break that would not fit on its line, and prose in paragraphs split by
  blank lines, is folded (`>-`) and wrapped at WIDTH; text with other line breaks (lists,
  quoted lines) keeps them in a literal block (`|`), unchanged.
- Other text is written plain when YAML 1.1 (PyYAML, which `make check` uses) and YAML 1.2
  (editors, ruamel) both read it back as the same text, and in double quotes otherwise
  (dates such as "1997" are therefore always quoted), and text that starts with a digit
  ("1997-06", "53-76") is quoted too, so that every date, page and volume looks alike.

The formatter never changes a value: it reads the result back and refuses to write a file
whose data would differ (tests/test_contributing.py checks every data file with the strict
loader too). Plain Python; no MkDocs.
"""

from __future__ import annotations

import argparse
import io
import sys
from functools import lru_cache
from pathlib import Path

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
)

from .model import DATA_DIR, FOLDERS

WIDTH = 88
HEADER_PREFIX = "# yaml-language-server: $schema="
KIND_OF_FOLDER = {folder: kind for kind, folder in FOLDERS.items()}


class FormatError(Exception):
    """The formatter could not keep a value exactly as it was; nothing was written."""


def schema_header(kind: str, in_folder: bool = True) -> str:
    return f"{HEADER_PREFIX}{'../' if in_folder else ''}schemas/{kind}.schema.json"


def data_files(data_dir: Path = DATA_DIR) -> list[tuple[Path, str, bool]]:
    """(path, kind, in a kind's folder) for every data file the formatter owns. The templates
    in data/templates/ are hand-commented and left as written."""
    files = [
        (data_dir / "argument.yml", "argument", False),
        (data_dir / "perspectives.yml", "perspectives", False),
    ]
    for folder, kind in sorted(KIND_OF_FOLDER.items()):
        files += [
            (p, kind, True)
            for p in sorted((data_dir / folder).glob("*.yml"))
            if not p.name.startswith(".")
        ]
    return [f for f in files if f[0].is_file()]


def _yaml() -> YAML:
    y = YAML()  # round-trip: keeps comments and order
    y.width = 10**6  # every fold is placed by this module, never by the emitter
    y.indent(mapping=2, sequence=4, offset=2)
    y.preserve_quotes = False
    y.allow_unicode = True
    return y


_PY_RESOLVER = yaml.resolver.Resolver()
# The readers the check of every result uses: libyaml's when PyYAML has it (as the strict loader,
# yamlfile.py, does), the same values five times faster.
_BASE_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=None)
def _plain_is_safe(value: str, flow: bool) -> bool:
    """Would `value` written plain be read back as this same text by YAML 1.1 and 1.2, and
    does ruamel write it plain?"""
    if not value or value != value.strip() or "\n" in value or value[0].isdigit():
        return False  # text that starts with a digit (dates, pages, volumes) is quoted
    if _PY_RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) != "tag:yaml.org,2002:str":
        return False
    probe = {"k": [value] if flow else value}
    shown = f"k: [{value}]\n" if flow else f"k: {value}\n"
    y = _yaml()
    if flow:
        seq = CommentedSeq([value])
        seq.fa.set_flow_style()
        probe = {"k": seq}
    out = io.StringIO()
    y.dump(probe, out)
    if out.getvalue() != shown:
        return False
    try:
        return yaml.load(shown, Loader=_SAFE_LOADER) == {"k": [value] if flow else value}
    except yaml.YAMLError:
        return False


def _can_fold(value: str) -> bool:
    """Plain prose: one paragraph, or paragraphs split by one blank line (which a folded
    block keeps as two blank lines), no other line break, no tab, no edge spaces."""
    paragraphs = value.split("\n\n")
    return (
        value == value.strip()
        and "\t" not in value
        and "\r" not in value
        and " " in value
        and all(p and p == p.strip() and "\n" not in p for p in paragraphs)
    )


def _folded(value: str, indent: int) -> FoldedScalarString:
    """`value` as a folded scalar with its folds at single spaces, lines within WIDTH."""
    room = max(WIDTH - indent, 40)
    folds, line_start, last_space = [], 0, None
    for i, ch in enumerate(value):
        if ch == "\n":  # a paragraph break: the next line starts afresh
            if i - line_start > room and last_space is not None and last_space >= line_start:
                folds.append(last_space)
            line_start, last_space = i + 1, None
            continue
        if ch == " " and 0 < i < len(value) - 1 and value[i - 1] != " " and value[i + 1] != " ":
            if i - line_start > room and last_space is not None:
                folds.append(last_space)
                line_start = last_space + 1
            last_space = i
    if len(value) - line_start > room and last_space is not None and last_space >= line_start:
        folds.append(last_space)
    result = FoldedScalarString(value)
    result.fold_pos = folds
    return result


def _literal(value: str) -> LiteralScalarString | DoubleQuotedScalarString:
    lines = value.split("\n")
    # A literal block cannot keep trailing spaces reliably or start with a space.
    if value[:1] in (" ", "\t") or any(line != line.rstrip(" \t") for line in lines):
        return DoubleQuotedScalarString(value)
    return LiteralScalarString(value)


def _string(value: str, key_len: int, indent: int, flow: bool):
    value = str(value)
    if "\n" in value and not flow and _can_fold(value):
        return _folded(value, indent)
    if "\n" in value:
        return DoubleQuotedScalarString(value) if flow else _literal(value)
    plain = _plain_is_safe(value, flow)
    if not flow and key_len + len(value) + (0 if plain else 2) > WIDTH and _can_fold(value):
        return _folded(value, indent)
    return value if plain else DoubleQuotedScalarString(value)


def _format(node, indent: int, key_len: int):
    """The node rebuilt in house style. `indent` is the column its content starts at when it
    is a block; `key_len` the width of what precedes a scalar on its line."""
    if isinstance(node, dict):
        if not isinstance(node, CommentedMap):
            node = CommentedMap(node)
        node.fa.set_block_style()
        for key in list(node):
            node[key] = _format(node[key], indent + 2, indent + len(str(key)) + 2)
        return node
    if isinstance(node, list):
        if not isinstance(node, CommentedSeq):
            node = CommentedSeq(node)
        scalars = all(not isinstance(item, (dict, list)) for item in node)
        if scalars:
            items = [_string(i, 0, 0, True) if isinstance(i, str) else i for i in node]
            shown = ", ".join(_flow_text(i) for i in items)
            if key_len + len(shown) + 2 <= WIDTH:
                for i, item in enumerate(items):
                    node[i] = item
                node.fa.set_flow_style()
                return node
        node.fa.set_block_style()
        for i, item in enumerate(node):
            node[i] = _format(item, indent + 2, indent + 2)
        return node
    if isinstance(node, str):
        return _string(node, key_len, indent, False)
    return node


def _flow_text(item) -> str:
    if isinstance(item, DoubleQuotedScalarString):
        return '"' + str(item).replace("\\", "\\\\").replace('"', '\\"') + '"'
    if item is None:
        return "null"
    if isinstance(item, bool):
        return "true" if item else "false"
    return str(item)


def _strip_header(text: str) -> str:
    lines = text.split("\n")
    while lines and lines[0].startswith(HEADER_PREFIX):
        lines.pop(0)
    return "\n".join(lines)


def format_text(text: str, kind: str, in_folder: bool = True) -> str:
    """The house-style text of one data file. Raises FormatError rather than change a value."""
    body = _strip_header(text)
    y = _yaml()
    data = y.load(body)
    if not isinstance(data, dict):
        raise FormatError("the top level is not a mapping; run make check")
    data = _format(data, 0, 0)
    out = io.StringIO()
    y.dump(data, out)
    result = schema_header(kind, in_folder) + "\n" + out.getvalue()
    if yaml.load(result, Loader=_BASE_LOADER) != yaml.load(text, Loader=_BASE_LOADER) or yaml.load(
        result, Loader=_SAFE_LOADER
    ) != yaml.load(text, Loader=_SAFE_LOADER):
        raise FormatError(
            "formatting would change a value; nothing was written (please report this file)"
        )
    return result


def run(paths: list[tuple[Path, str, bool]], check: bool, root: Path) -> int:
    changed, failed = [], []
    for path, kind, in_folder in paths:
        shown = path.relative_to(root) if path.is_relative_to(root) else path
        text = path.read_text(encoding="utf-8")
        try:
            formatted = format_text(text, kind, in_folder)
        except Exception as error:  # noqa: BLE001 - report every file, then fail
            failed.append(f"{shown}: cannot format ({error}); fix it with make check first")
            continue
        if formatted != text:
            changed.append(str(shown))
            if not check:
                path.write_text(formatted, encoding="utf-8")
    for line in failed:
        print(line, file=sys.stderr)
    if check and changed:
        for name in changed:
            print(f"{name}: not formatted", file=sys.stderr)
        print(
            f"{len(changed)} file{'s' if len(changed) != 1 else ''} would be reformatted: "
            "run make fmt",
            file=sys.stderr,
        )
        return 1
    if not check:
        print(f"formatted {len(changed)} of {len(paths)} data files")
    else:
        print(f"{len(paths)} data files are formatted")
    return 1 if failed else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m macros fmt")
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if a file is not formatted"
    )
    parser.add_argument("data_dir", nargs="?", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    data_dir = args.data_dir.resolve()
    return run(data_files(data_dir), args.check, data_dir.parent)
