"""Untrusted data: hostile text renders inert, and random input never crashes the loader."""
from __future__ import annotations

import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, copy_repo, mkdocs_build, overlay
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

@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    repo = copy_repo(root / "repo")
    for path in (FIXTURES / "hostile").rglob("*.yml"):
        target = repo / "data" / path.relative_to(FIXTURES / "hostile")
        shutil.copy(path, target)
    site_dir = root / "site"
    result = mkdocs_build(repo, site_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    return site_dir


def article(site_dir: Path, url: str) -> str:
    page = (site_dir / url / "index.html").read_text(encoding="utf-8")
    return page.split('<article class="md-content__inner md-typeset">', 1)[1].split("</article>", 1)[0]


@pytest.mark.parametrize("url", ["cases/hostile-case/", "cases/", "comparison/", "sources/",
                                 "concepts/strategic-cooperation/", "criteria/"])
def test_hostile_text_is_inert_on_every_page_showing_it(hostile_site, url):
    content = article(hostile_site, url)
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
    assert "&lt;script&gt;alert(&#x27;summary&#x27;)&lt;/script&gt;" in content or \
        "&lt;script&gt;alert('summary')&lt;/script&gt;" in content
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
    entry = article(hostile_site, "sources/").split('<li id="hostile-source">')[1].split("</li>")[0]
    assert_inert(entry, web_links_only=False)
    assert "&lt;script&gt;" in entry


# ----- the renderer, property-based -------------------------------------------------------

DANGEROUS = ["<script>", "</script>", "<img src=x onerror=alert(1)>", "javascript:", "data:",
             "[a](", ")", "![b](", "<", ">", "\"", "'", "`", "<!--", "-->", "{{", "}}", "{%",
             "%}", "<a href=\"", "JaVaScRiPt:", "&#106;", "&lt;", "\n\n", "    ", "*", "_",
             "<svg onload=alert(1)>", "<iframe src=", "<style>", "https://ok.example/", "&"]
markdownish = st.lists(st.one_of(st.sampled_from(DANGEROUS), st.text(max_size=8)),
                       max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
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
        chunk = draw(st.one_of(st.sampled_from(
            [":", "- ", "\t", "'", '"', "&a", "*a", "!!python/name:os.system", "{", "[", "]",
             "\n  ", "? ", "|", ">", "%YAML 1.1\n", "---\n", "\x00", "\ufeff", "2023-02-30", "~"]),
            st.text(max_size=5)))
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


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_case())
def test_mutated_files_load_or_fail_with_located_errors(content):
    check_outcome(*load_with_case(content.encode("utf-8", "surrogatepass")))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes_load_or_fail_with_located_errors(content):
    check_outcome(*load_with_case(content))
