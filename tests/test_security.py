"""Untrusted data: hostile text renders inert, and random input never crashes the loader."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, ROOT, built_once, copy_repo, mkdocs_build, once, overlay
from macros.errors import DataError, Problem
from macros.model import load_project
from macros.render import mark_scripts, markdown_block, markdown_inline, text

UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_text.append(data)


def elements(fragment: str) -> _Elements:
    parser = _Elements()
    parser.feed(fragment)
    return parser


def assert_inert(fragment: str, web_links_only: bool = True) -> None:
    """No active element, no event handler, no link other than http(s) (or relative, if
    web_links_only is False: the site's own links are relative)."""
    parsed = elements(fragment)
    for tag, attrs in parsed.found:
        assert tag not in ("script", "iframe", "style", "svg", "img", "object", "embed"), fragment
        for name, value in attrs.items():
            assert not name.startswith("on"), fragment
            if name in ("href", "src") and value is not None:
                url = value.strip().lower()
                if web_links_only:
                    assert url.startswith(("http://", "https://")), fragment
                else:
                    assert not url.startswith(UNSAFE_SCHEMES), fragment


# ----- the built site with a hostile case ---------------------------------------------------


def add_hostile_files(repo: Path) -> None:
    for path in (FIXTURES / "hostile").rglob("*.yml"):
        target = repo / "data" / path.relative_to(FIXTURES / "hostile")
        shutil.copy(path, target)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    site_dir, result = built_once(tmp_path_factory, "hostile", add_hostile_files)
    assert result["returncode"] == 0, result["stdout"] + result["stderr"]
    return site_dir


def article(site_dir: Path, url: str) -> str:
    page = (site_dir / url / "index.html").read_text(encoding="utf-8")
    return page.split('<article class="md-content__inner md-typeset">', 1)[1].split(
        "</article>", 1
    )[0]


def without_own_data(content: str) -> str:
    """The page minus the what-if data block the site writes itself (a JSON script that
    the browser never runs): checked to be JSON with no markup in it, then taken out."""
    block = re.compile(r'<script type="application/json" id="ir-whatif-data">(.*?)</script>', re.S)
    for data in block.findall(content):
        assert "<" not in data and ">" not in data and "&" not in data, data[:200]
        json.loads(data)
    return block.sub("", content)


@pytest.mark.parametrize(
    "url",
    [
        "cases/hostile-case/",
        "cases/",
        "comparison/",
        "sources/",
        "concepts/strategic-cooperation/",
        "criteria/",
    ],
)
def test_hostile_text_is_inert_on_every_page_showing_it(hostile_site, url):
    content = without_own_data(article(hostile_site, url))
    assert "Hostile" in content or "hostile" in content
    parsed = elements(content)
    for tag, attrs in parsed.found:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, attrs)
            if name in ("href", "src") and value:
                assert not value.strip().lower().startswith(UNSAFE_SCHEMES), (tag, attrs)
        assert tag not in ("script", "iframe", "style", "svg", "img"), (tag, attrs)


def test_jinja_in_data_is_shown_not_evaluated(hostile_site):
    content = article(hostile_site, "cases/hostile-case/")
    assert "1337" not in content
    assert "{{ 7*191 }}" in content
    assert "{% include &#34;main.html&#34; %}" in content or '{% include "main.html" %}' in content
    assert "{# a jinja comment #}" in content
    assert "{{ config }}" in content
    page = (hostile_site / "cases" / "hostile-case" / "index.html").read_text()
    assert "1337" not in page


def test_raw_html_and_comments_are_shown_literally(hostile_site):
    content = article(hostile_site, "cases/hostile-case/")
    assert (
        "&lt;script&gt;alert(&#x27;summary&#x27;)&lt;/script&gt;" in content
        or "&lt;script&gt;alert('summary')&lt;/script&gt;" in content
    )
    assert "&lt;!-- a hidden comment --&gt;" in content
    assert '<a href="https://example.org/" rel="noopener noreferrer nofollow">ok</a>' in content


def test_right_to_left_and_cyrillic_text_get_lang_and_dir(hostile_site):
    content = article(hostile_site, "cases/hostile-case/")
    assert '<span lang="fa" dir="rtl">ایران و روسیه — همکاری راهبردی</span>' in content
    assert '<span lang="ru">Иран и Россия — стратегическое сотрудничество</span>' in content


def test_hostile_source_title_is_escaped_in_head_and_bibliography(hostile_site):
    page = (hostile_site / "cases" / "hostile-case" / "index.html").read_text()
    head = page.split("</head>", 1)[0]
    assert "<script>alert" not in head and "<b onmouseover" not in head
    listed = article(hostile_site, "sources/")
    letter = re.search(r'href="([a-z]+)/#hostile-source"', listed).group(1)
    entry = article(hostile_site, f"sources/{letter}/")
    entry = entry.split('<h3 id="hostile-source">')[1].split("<h3")[0]
    assert_inert(entry, web_links_only=False)
    assert "&lt;script&gt;" in entry


# ----- the renderer, property-based -------------------------------------------------------

DANGEROUS = [
    "<script>",
    "</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:",
    "data:",
    "[a](",
    ")",
    "![b](",
    "<",
    ">",
    '"',
    "'",
    "`",
    "<!--",
    "-->",
    "{{",
    "}}",
    "{%",
    "%}",
    '<a href="',
    "JaVaScRiPt:",
    "&#106;",
    "&lt;",
    "\n\n",
    "    ",
    "*",
    "_",
    "<svg onload=alert(1)>",
    "<iframe src=",
    "<style>",
    "https://ok.example/",
    "&",
]
markdownish = st.lists(st.one_of(st.sampled_from(DANGEROUS), st.text(max_size=8)), max_size=30).map(
    "".join
)


@settings(deadline=None)  # how many examples: the hypothesis profile (tests/conftest.py)
@given(markdownish)
def test_renderer_never_emits_active_content(value):
    assert_inert(markdown_block(value))
    assert_inert(markdown_inline(value))
    assert_inert(mark_scripts(markdown_block(value)))
    assert "<" not in text(value) and ">" not in text(value)


# ----- the loader, property-based ------------------------------------------------------

VALID_CASE = (FIXTURES / "minimal" / "cases" / "first-case.yml").read_text()


@st.composite
def mutated_case(draw):
    text_ = VALID_CASE
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(text_)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        chunk = draw(
            st.one_of(
                st.sampled_from(
                    [
                        ":",
                        "- ",
                        "\t",
                        "'",
                        '"',
                        "&a",
                        "*a",
                        "!!python/name:os.system",
                        "{",
                        "[",
                        "]",
                        "\n  ",
                        "? ",
                        "|",
                        ">",
                        "%YAML 1.1\n",
                        "---\n",
                        "\x00",
                        "\ufeff",
                        "2023-02-30",
                        "~",
                    ]
                ),
                st.text(max_size=5),
            )
        )
        end = min(len(text_), pos + draw(st.integers(0, 10)))
        if action == "insert":
            text_ = text_[:pos] + chunk + text_[pos:]
        elif action == "delete":
            text_ = text_[:pos] + text_[end:]
        else:
            text_ = text_[:pos] + chunk + text_[end:]
    return text_


def load_with_case(content: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = overlay(FIXTURES / "minimal", Path(tmp) / "none", Path(tmp) / "data")
        (data_dir / "cases" / "first-case.yml").write_bytes(content)
        try:
            return load_project(data_dir), None
        except DataError as error:
            return None, error


def check_outcome(project, error):
    if error is None:
        assert "first-case" in project.cases
        return
    assert error.problems
    for problem in error.problems:
        assert isinstance(problem, Problem)
        assert problem.path.startswith("data/")
        assert problem.line >= 1 and problem.column >= 1
        assert problem.message


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_case())
def test_mutated_files_load_or_fail_with_located_errors(content):
    check_outcome(*load_with_case(content.encode("utf-8", "surrogatepass")))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes_load_or_fail_with_located_errors(content):
    check_outcome(*load_with_case(content))


# ----- every text field of every kind of file, on every page of a built site ----------------

HOSTILE_PIECES = [
    "# heading\n",
    "## \\[x\\]\\(javascript:alert\\(1\\)\\)\n",
    '\\{: onfocus="alert(1)" autofocus \\}',
    "{: onclick=alert(1) }",
    "{: #x .y onmouseover=alert(1) }",
    "\n    indented code ",
    "\n```\nfenced {: onload=x }\n```\n",
    "[link](javascript:alert(1))",
    "![img](https://e.org/i.png){: onerror=alert(1)}",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[a](data:text/html,x)",
    "<javascript:alert(1)>",
    "&#106;avascript:",
    "{{ 7*191 }}",
    "{% raw %}",
    "<!-- c -->",
    "*",
    "_",
    "`",
    "> ",
    "- ",
    "1. ",
    "\n\n",
    "|a|b|\n|-|-|\n",
    "[ref]: javascript:alert(1)\n[ref]",
    "ir0n0",
    "https://ok.example/",
]
_SAFE_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp"))
hostile_markdown = st.lists(
    st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(_SAFE_CHARS, max_size=6)),
    min_size=1,
    max_size=12,
).map("".join)
REVIEW_PAYLOAD = (
    '# Read the definition below\n# \\{: tabindex="0" autofocus '
    "onfocus=\"document.title='PWNED'\" \\}\n\n    ![x](https://e.org/x.png)"
    "{: onerror=alert(1)}\n\n## \\[x\\]\\(javascript:alert\\(1\\)\\)"
)


def _set(node, path, value):
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def fill_every_text_field(data_dir: Path, markdown: str) -> int:
    """Put `markdown` into every Markdown field and a one-line form of it into every one-line
    field of every data file (the schema says which fields those are). Returns the count."""
    import yaml

    from macros import schema
    from macros.model import FOLDERS
    from macros.yamlfile import load

    one_line = ("x " + " ".join(markdown.split()))[:60]
    files = [
        (kind, path)
        for kind, folder in FOLDERS.items()
        for path in sorted((data_dir / folder).glob("*.yml"))
    ]
    files.append(("argument", data_dir / "argument.yml"))
    files.append(("perspectives", data_dir / "perspectives.yml"))
    filled = 0
    for kind, path in files:
        doc, problems = load(path, str(path))
        assert not problems, problems
        for field_path, name, _ in list(schema.scalars(kind, doc.data)):
            if name in ("text", "line"):
                _set(
                    doc.data,
                    field_path,
                    f"x {markdown} {filled}"
                    if name == "text"
                    else one_line[:57] + str(filled % 100),
                )
                filled += 1
        path.write_text(yaml.safe_dump(doc.data, allow_unicode=True, sort_keys=False))
    return filled


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.handlers: list[str] = []
        self.links: list[str] = []
        self.active: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "img", "svg", "style", "form"):
            self.active.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction") and value:
                self.links.append(value)


def baseline_page(baseline: Path, relative: Path) -> Path:
    """The same page of the harmless build; a bibliography page goes by the initial of its
    sources' authors, which filled-in text changes, so any letter page stands for another."""
    same = baseline / relative
    if same.exists() or relative.parts[0] != "sources":
        return same
    return sorted(baseline.glob("sources/*/index.html"))[0]


def live_markup(site_dir: Path, baseline: Path) -> list[str]:
    """Event handlers, unsafe links, and any active element a page has beyond the same page
    built from harmless data."""
    found = []
    for page in sorted(site_dir.rglob("*.html")):
        html_text = page.read_text(encoding="utf-8")
        parsed, before = _Page(), _Page()
        parsed.feed(html_text)
        before.feed(baseline_page(baseline, page.relative_to(site_dir)).read_text(encoding="utf-8"))
        where = str(page.relative_to(site_dir))
        found += [f"{where}: {h}" for h in parsed.handlers]
        for link in parsed.links:
            squeezed = "".join(ch for ch in link if ch > " ").lower()
            scheme = squeezed.split(":", 1)[0] if ":" in squeezed.split("/", 1)[0] else ""
            if scheme not in ("", "http", "https"):
                found.append(f"{where}: link {link!r}")
        if sorted(parsed.active) != sorted(before.active):
            found.append(f"{where}: active elements {parsed.active} vs {before.active}")
        if "1337" in html_text:
            found.append(f"{where}: Jinja in data was evaluated")
    return found


def build_fixture_site(root: Path, markdown: str | None) -> tuple[Path, int]:
    repo = copy_repo(root / "repo")
    shutil.rmtree(repo / "data")
    overlay(FIXTURES / "minimal", FIXTURES / "complete", repo / "data")
    shutil.copytree(ROOT / "data" / "schemas", repo / "data" / "schemas")
    filled = fill_every_text_field(repo / "data", markdown) if markdown is not None else 0
    # Not strict: the hand-written pages link to anchors of the real data, absent here.
    result = mkdocs_build(repo, root / "site", strict=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site", filled


@pytest.fixture(scope="module")
def harmless_fixture_site(tmp_path_factory):
    folder, _ = once(
        tmp_path_factory, "harmless", lambda root: str(build_fixture_site(root, None)[0])
    )
    return folder / "site"


def test_the_complete_fixture_uses_every_field_of_every_schema():
    """So that filling its fields reaches every text field a contributor can write."""
    from macros import schema
    from macros.model import load_project

    project = load_project(overlay_complete())
    used = {
        (kind, tuple(p for p in path if isinstance(p, str)))
        for kind, entries in (
            ("case", project.cases),
            ("concept", project.concepts),
            ("criterion", project.criteria),
            ("source", project.sources),
            ("argument", {"a": project.argument}),
            ("perspectives", {"p": project.perspectives}),
        )
        for entry in entries.values()
        for path, _, _ in schema.scalars(kind, entry)
    }
    for kind in ("case", "concept", "criterion", "source", "argument", "perspectives"):
        for path in schema_field_paths(kind):
            assert any(
                k == kind
                and len(u) >= len(path)
                and all(p in ("*", q) for p, q in zip(path, u[: len(path)], strict=True))
                for k, u in used
            ), (kind, path)


def overlay_complete() -> Path:
    root = Path(tempfile.mkdtemp())
    return overlay(FIXTURES / "minimal", FIXTURES / "complete", root / "data")


def schema_field_paths(kind: str) -> list[tuple[str, ...]]:
    """Every property path a schema declares (keys under mappings keyed by id skipped)."""
    from macros.schema import SCHEMA_DIR, _resolve

    paths = []

    def walk(node, file, path, depth):
        node, file, _ = _resolve(node, file, None, SCHEMA_DIR)
        for key, sub in node.get("properties", {}).items():
            paths.append(path + (key,))
            if depth < 6:
                walk(sub, file, path + (key,), depth + 1)
        if isinstance(node.get("items"), dict) and depth < 6:
            walk(node["items"], file, path, depth + 1)
        if isinstance(node.get("additionalProperties"), dict) and depth < 6:
            walk(node["additionalProperties"], file, path + ("*",), depth + 1)

    walk({"$ref": f"{kind}.schema.json"}, f"{kind}.schema.json", (), 0)
    return paths


@pytest.mark.slow
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@example(REVIEW_PAYLOAD)
@given(hostile_markdown)
def test_no_text_in_any_field_makes_live_markup_on_any_page(harmless_fixture_site, markdown):
    with tempfile.TemporaryDirectory() as tmp:
        site_dir, filled = build_fixture_site(Path(tmp), markdown)
        assert filled > 60
        assert live_markup(site_dir, harmless_fixture_site) == []
