"""The build's shortcuts give what the long way gives: plain text skips Python-Markdown, a
page's citation is a per-style template with its title and address put in, citeproc-py's
style lookups are remembered, relative links are computed without posixpath, and front
matter is written as JSON. Each is checked against the long way."""

from __future__ import annotations

import itertools
import posixpath

import fastjsonschema
import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from macros import bibliography, render, schema
from macros.publish import front_matter


def _long_markdown(value: str) -> str:
    render._MD.reset()
    return render.nh3.clean(
        render._MD.convert(value),
        tags=render._ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https"},
        attribute_filter=render._only_web_links,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


TRICKY = st.text(
    alphabet=st.sampled_from(list("ab .,'\"-*_1)#>&<=+`[]!\n\t\r\u00a0\u2028Ωای")), max_size=40
)


@settings(deadline=None)
@given(TRICKY)
@example("one\n\ntwo")
@example("one\n \ntwo")
@example("a line\nand another")
@example("1990s. Then")
@example("- a list")
@example("1. a list")
@example("title\n---")
@example("    code")
@example("hard  \nbreak")
@example("\n\npadded\n\n")
def test_plain_text_shortcut_matches_python_markdown(value):
    assert render.markdown_block(value) == _long_markdown(value)


def test_plain_text_shortcut_matches_python_markdown_on_the_real_data(project):
    texts = []

    def walk(node):
        if isinstance(node, str):
            texts.append(node)
        elif isinstance(node, dict):
            for item in node.values():
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk([project.cases, project.concepts, project.criteria, project.argument])
    shortcut = [t for t in texts if render._plain_paragraphs(t) is not None]
    assert len(shortcut) > len(texts) / 2  # the shortcut is taken for most texts
    for value in texts:
        assert render.markdown_block(value) == _long_markdown(value), value


URLS = ["", "cases/", "cases/x/", "cases/y/", "concepts/a/", "sources/news/", "a/b/c/", "a//b/"]


@pytest.mark.parametrize("here, target", list(itertools.product(URLS, URLS)))
def test_relative_links_match_posixpath(here, target):
    rel = posixpath.relpath("/" + target, "/" + here) if target != here else "."
    expected = ("./" if rel == "." else rel + "/") + "#x"
    assert render.href(here, target, "x") == expected


@pytest.mark.parametrize(
    "fields",
    [
        {"title": 'a &amp; "b" \\ c', "render_macros": False, "n": [1, None]},
        {"title": "ایران and Россия", "page_nav": {"up": [{"href": "../", "text": "Home"}]}},
        {"title": "outside the first plane: \U0001f600"},
    ],
)
def test_front_matter_reads_back_as_written(fields):
    text = front_matter(fields)
    assert text.startswith("---\n") and text.endswith("\n---\n\n")
    assert yaml.safe_load(text[4:-5]) == fields


TITLES = [
    "Syria: Iranian and Russian military support for the Assad government",
    "The argument",
    "a study of the war",
    "of mice and men: on the road",
    "Why? Or why not!",
    "Alliance or cooperation?",
    "“Quoted” words and 'single' ones",
    "He said “no”",
    "the ‘end’",
    "Is it? “Yes!”",
    "Tom & Jerry <b>bold</b>",
    "Ends with a period.",
    "U.S. and the UN: a review",
    "e.g. an example",
    "title   with  spaces",
    "THE UPPER CASE and iPhone",
    "ایران و روسیه",
    "Россия и Иран",
]


def _page_item(title: str, url: str | None, date: list[int], language: str = "en") -> dict:
    item = {
        "id": "iranrussia-x",
        "type": "webpage",
        "title": title,
        "container-title": "Iran and Russia: Alliance or Cooperation?",
        "author": [{"literal": "Iran and Russia: Alliance or Cooperation? contributors"}],
        "version": "1.0.0",
        "issued": {"date-parts": [date]},
        "language": language,
    }
    if url:
        item["URL"] = url
    return item


@pytest.mark.parametrize("title", TITLES)
@pytest.mark.parametrize("style", list(bibliography.CITATION_STYLES))
def test_page_citation_template_matches_a_full_run(title, style):
    for url, date, language in [
        ("https://example.org/a?b=1&c=2", [2026, 11, 25], "en"),
        (None, [2025, 1, 3], "en"),
        ("https://example.org/", [2024, 5, 1], "fr"),
    ]:
        item = _page_item(title, url, date, language)
        assert bibliography._fast_citation(item, style) is not None  # the shortcut is taken
        assert bibliography.format_citation(item, style) == bibliography.format_citation(
            item, style, fast=False
        )


def test_remembered_style_lookups_give_what_citeproc_gives(project, monkeypatch):
    sources = dict(list(project.sources.items())[:25])
    items = [_page_item(t, "https://example.org/p/", [2026, 1, 2]) for t in TITLES[:6]]

    def run():
        bibliography._style.cache_clear()
        bibliography._named_style.cache_clear()
        references = {
            sid: bibliography._format_one(
                bibliography._escaped(bibliography.to_csl(sid, sources[sid]))
            )
            for sid in sources
        }
        citations = [
            bibliography._run_citeproc(bibliography.json.dumps(i), s)
            for i in items
            for s in bibliography.CITATION_STYLES
        ]
        return references, citations

    remembered = run()
    model = bibliography._csl_model
    for cls, name, original in bibliography._ORIGINALS:
        monkeypatch.setattr(cls, name, original)
    assert not getattr(model.CitationStylesElement.xpath_search, "_memoised", False)
    assert run() == remembered


# ----- the quick yes for valid data files (schema.quick_check, fastjsonschema) ----------


def _jsonschema_finds_nothing(kind: str, data) -> bool:
    return not any(True for _ in schema.validator(kind).iter_errors(data))


def test_quick_check_handles_every_schema_and_agrees_on_the_real_data(project):
    for kind in schema.KINDS:
        assert schema.quick_check(kind) is not None, kind
    for (kind, _), doc in project.docs.items():
        assert schema.quick_check(kind)(doc.data) == _jsonschema_finds_nothing(kind, doc.data)


ODD_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=False, width=16)
    | st.sampled_from(["", "x", "syria-civil-war", "essay", "1997-02-30", "2001-09", "[" * 60])
    | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, path + (i,))


def _replaced(node, path, value):
    if not path:
        return value
    copy = dict(node) if isinstance(node, dict) else list(node)
    copy[path[0]] = _replaced(node[path[0]], path[1:], value)
    return copy


def _dropped(node, path):
    copy = dict(node) if isinstance(node, dict) else list(node)
    if len(path) == 1:
        del copy[path[0]]
    else:
        copy[path[0]] = _dropped(node[path[0]], path[1:])
    return copy


@settings(deadline=None)
@given(st.data())
def test_quick_check_never_passes_a_file_jsonschema_rejects(project, data):
    kind, entry = data.draw(
        st.sampled_from(
            [("case", c) for c in sorted(project.cases)[:6]]
            + [("source", s) for s in sorted(project.sources)[:3]]
            + [("concept", c) for c in sorted(project.concepts)[:2]]
            + [("criterion", c) for c in sorted(project.criteria)[:2]]
        )
    )
    document = project.docs[(kind, entry)].data
    path = data.draw(st.sampled_from(list(_paths(document))))
    if path and data.draw(st.booleans()):
        mutated = _dropped(document, path)
    else:
        mutated = _replaced(document, path, data.draw(ODD_VALUES))
    if schema.quick_check(kind)(mutated):
        assert _jsonschema_finds_nothing(kind, mutated), (path, mutated)


# Schemas made of the keywords the quick check compiles, and documents to try them on: the
# quick check must never say yes where our jsonschema validator (ECMA `$`, our formats) says
# no. The values are the awkward ones: a final newline, bool against number, 1 against 1.0,
# a date that does not exist, Markdown too costly to render.
KEYS = ["a", "b", "c"]
PATTERNS = [
    "^[a-z0-9]+(-[a-z0-9]+)*$",
    "^[^\\n]*\\S[^\\n]*$",
    "\\S",
    "a$",
    "^$",
    "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$",
]
ATOMS = st.sampled_from(
    [None, True, False, 0, 1, -1, 1.0, 1.5, 0.0, "", "a", "a\n", "\n", "ab-c", "ab-c\n", "$"]
    + ["1997", "1997-02-30", "2001-09\n", "2024-02-29", "[" * 60, "*" * 60, "x" * 5]
)
DOCUMENTS = st.recursive(
    ATOMS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner),
    max_leaves=8,
)
CONSTS = st.recursive(
    ATOMS,
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.sampled_from(KEYS), inner),
    max_leaves=3,
)
TYPES = ["string", "object", "array", "boolean", "null", "integer", "number"]
LEAF_SCHEMAS = st.one_of(
    st.booleans(),
    st.builds(
        lambda t: {"type": t},
        st.sampled_from(TYPES)
        | st.lists(st.sampled_from(TYPES), min_size=1, max_size=3, unique=True),
    ),
    st.builds(lambda p: {"pattern": p}, st.sampled_from(PATTERNS)),
    st.builds(lambda f: {"format": f}, st.sampled_from(sorted(schema.FORMATS.checkers))),
    st.builds(lambda c: {"const": c}, CONSTS),
    st.builds(lambda e: {"enum": e}, st.lists(CONSTS, min_size=1, max_size=3)),
    st.builds(
        lambda k, n: {k: n},
        st.sampled_from(["minLength", "maxLength", "minItems", "maxItems"]),
        st.integers(0, 3),
    ),
    st.builds(
        lambda k, n: {k: n},
        st.sampled_from(["minimum", "maximum"]),
        st.sampled_from([0, 1, 1.0, -1, 0.5]),
    ),
    st.builds(lambda u: {"uniqueItems": u}, st.booleans()),
    st.builds(lambda r: {"required": r}, st.lists(st.sampled_from(KEYS), max_size=2, unique=True)),
)


def _combined(inner):
    one = st.sampled_from(["additionalProperties", "propertyNames", "items", "not"])
    many = st.sampled_from(["oneOf", "anyOf", "allOf"])
    parts = st.one_of(
        st.builds(lambda k, s: {k: s}, one, inner),
        st.builds(lambda k, s: {k: s}, many, st.lists(inner, min_size=1, max_size=3)),
        st.builds(
            lambda p: {"properties": p}, st.dictionaries(st.sampled_from(KEYS), inner, max_size=2)
        ),
        LEAF_SCHEMAS.filter(lambda s: isinstance(s, dict)),
    )
    return st.lists(parts, min_size=1, max_size=3).map(
        lambda ps: {k: v for p in ps for k, v in p.items()}
    )


SCHEMAS = st.recursive(LEAF_SCHEMAS, _combined, max_leaves=6)


@settings(deadline=None, max_examples=300)
@given(SCHEMAS, st.lists(DOCUMENTS, min_size=1, max_size=8))
@example({"pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}, ["ab-c\n"])
@example({"format": "partial-date"}, ["1997-02-30"])
@example({"format": "markdown"}, ["[" * 60])
@example({"type": "integer"}, [True, 1.0])
@example({"const": 1}, [True, 1.0])
@example({"enum": [[1]]}, [[True]])
@example({"uniqueItems": True}, [[1, True], [1, 1.0], [[0], [False]], [{"a": 1}, {"a": 1.0}]])
@example({"minimum": 1}, [True, False])
@example({"additionalProperties": False, "properties": {"a": True}}, [{"a": 1, "b": 2}])
@example({"additionalProperties": False, "required": ["a"]}, [{}, {"a": 1}])
def test_quick_check_never_says_yes_where_jsonschema_says_no(generated, documents):
    quick = schema.compile_quick_check(generated)
    if quick is None:
        # Every keyword generated here is compiled, but fastjsonschema refuses a schema no
        # document can meet (a required property that is not allowed): jsonschema decides.
        with pytest.raises(fastjsonschema.JsonSchemaDefinitionException):
            fastjsonschema.compile(schema._draft07_copy(generated))
        return
    validator = schema._Validator(generated, format_checker=schema.FORMATS)
    for document in documents:
        if quick(document):
            assert validator.is_valid(document), (generated, document)


@pytest.mark.parametrize(
    "keyword",
    [
        {"prefixItems": [{"type": "string"}]},
        {"items": [{"type": "string"}]},
        {"unevaluatedProperties": False},
        {"dependentRequired": {"a": ["b"]}},
        {"patternProperties": {"^a": {"type": "string"}}},
        {"contains": {"type": "string"}, "minContains": 2},
        {"$ref": "#/$defs/x"},
        {"if": {"type": "string"}, "then": {"minLength": 2}},
    ],
)
def test_a_keyword_the_quick_check_does_not_compile_leaves_the_schema_to_jsonschema(keyword):
    assert schema.compile_quick_check({"type": "object", "properties": {"a": keyword}}) is None
