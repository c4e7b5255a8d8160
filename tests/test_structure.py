"""The layout rules of the code: HTML only in templates, one URL scheme, MkDocs in one module,
Markup from known places only, no sys.path edits, no counts typed into the docs."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from macros.urls import PAGES

MACROS = sorted((ROOT / "macros").glob("*.py"))
TEMPLATES = sorted((ROOT / "macros" / "templates").rglob("*.html"))
PYTHON = MACROS + sorted((ROOT / "tests").glob("*.py"))

# Small helpers of render.py that build one element (or match one) may hold a tag literal.
TAG_ALLOWED = {
    ("render.py", "markdown_inline"),
    ("render.py", "link"),
    ("render.py", "_wrap_run"),
    ("render.py", "_BARE_URL"),
    ("render.py", "linked"),
    ("render.py", "_PLACEHOLDER"),
    # The paragraphs Python-Markdown would make of plain text (tests/test_shortcuts.py).
    ("render.py", "_plain_paragraphs"),
    # Tidies citeproc-py's own HTML output (matches its <i>), builds none.
    ("bibliography.py", "_tidy"),
}
HTML_ELEMENTS = (
    "a|abbr|article|aside|b|blockquote|br|button|caption|cite|code|dd|details|div|"
    "dl|dt|em|figure|footer|form|h[1-6]|header|hr|i|iframe|img|input|li|main|nav|"
    "ol|p|pre|script|section|small|span|strong|style|sub|summary|sup|svg|table|"
    "tbody|td|th|thead|time|tr|u|ul"
)
TAG = re.compile(rf"</?(?:{HTML_ELEMENTS})(?:[\s/>]|$)", re.I)


def strings_by_owner(path: Path):
    """(owner, text) for every string constant that is not a docstring; owner is the enclosing
    function or the module-level name being assigned."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))

    def visit(node, owner):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            owner = node.name
        elif isinstance(node, ast.Assign) and owner == "<module>":
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            for child in ast.iter_child_nodes(node):
                yield from visit(child, names[0] if names else owner)
            return
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield owner, node.value
        for child in ast.iter_child_nodes(node):
            yield from visit(child, owner)

    yield from visit(tree, "<module>")


@pytest.mark.parametrize("path", MACROS, ids=lambda p: p.name)
def test_no_html_tag_in_python_outside_render_helpers(path):
    found = [
        (owner, text)
        for owner, text in strings_by_owner(path)
        if TAG.search(text) and (path.name, owner) not in TAG_ALLOWED
    ]
    assert found == [], "HTML belongs in macros/templates/"


@pytest.mark.parametrize("path", MACROS, ids=lambda p: p.name)
def test_page_urls_are_written_only_in_urls_py(path):
    if path.name == "urls.py":
        return
    prefixes = tuple(p.split("{")[0] for p in PAGES.values() if p)
    found = [text for _, text in strings_by_owner(path) if text.startswith(prefixes)]
    assert found == [], "use macros.urls.url(kind, id)"


def test_only_the_glue_imports_mkdocs():
    for path in MACROS:
        imports_mkdocs = re.search(r"^\s*(from|import) mkdocs\b", path.read_text(), re.M)
        assert bool(imports_mkdocs) == (path.name == "mkdocs_glue.py"), path.name


def test_markup_is_made_only_where_its_safety_is_established():
    makers = {path.name for path in MACROS if re.search(r"\bMarkup\(", path.read_text())}
    assert makers == {"templates.py", "bibliography.py"}
    for path in TEMPLATES:
        source = path.read_text()
        assert not re.search(r"\|\s*safe\b|autoescape\s+false|\bMarkup\b", source), path.name


def test_no_sys_path_edits():
    for path in PYTHON + [ROOT / "mkdocs.yml"]:
        assert not re.search(r"sys\.path\s*(\.(insert|append)|\[|\+?=)", path.read_text()), (
            path.name
        )


NUMBER = r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
COUNTED = r"(?:criteria|questions|answers|tests|cases|concepts|sources|claims|episodes)"


@pytest.mark.parametrize(
    "path", sorted((ROOT / "docs").rglob("*.md")), ids=lambda p: str(p.relative_to(ROOT / "docs"))
)
def test_docs_take_counts_from_data(path):
    typed = re.findall(rf"\b{NUMBER}\s+\[?(?:\w+\s+)?\[?{COUNTED}\b", path.read_text(), re.I)
    assert typed == [], "use {{ counts.<name> | number_word }}"


def test_vendored_browser_libraries_match_the_pinned_npm_versions():
    """docs/javascripts/vendor/ holds what `make vendor` copies from npm: the versions pinned
    in package.json and package-lock.json, with their licence; nothing is fetched from a CDN."""
    import json

    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]
    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    vendor = ROOT / "docs" / "javascripts" / "vendor"
    for name, version in pinned.items():
        assert lock[f"node_modules/{name}"]["version"] == version
        header = (vendor / f"{name}.min.js").read_text(encoding="utf-8")[:200]
        assert f"{name} v{version}" in header
        assert "Permission is hereby granted" in (vendor / f"{name}.LICENCE.txt").read_text()
    scripts = yaml.safe_load((ROOT / "mkdocs.yml").read_text().replace("!ENV", ""))[
        "extra_javascript"
    ]
    page_scripts = re.findall(
        r"'(javascripts/[^']+)'\|url", (ROOT / "overrides" / "main.html").read_text()
    )
    assert "javascripts/vendor/tablesort.min.js" in page_scripts
    assert all((ROOT / "docs" / s).is_file() for s in scripts + page_scripts)
    assert all(not s.startswith(("http:", "https:", "//")) for s in scripts)
