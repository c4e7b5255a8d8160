"""Glossary terms (macros/glossary.py): which words of a page become a term with its short
definition, and the markup they get. The browser side is in test_browser.py."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from macros.glossary import Glossary, Term, mark, terms

ALLIANCE = Term(
    key="concept:strategic-alliance",
    kind="concept",
    title="Strategic alliance",
    short="A formal, lasting military commitment against a state.",
    target="concepts/strategic-alliance/",
    anchor="",
    names=("Strategic alliance", "military alliance", "alliance"),
)
COOPERATION = Term(
    key="concept:strategic-cooperation",
    kind="concept",
    title="Strategic cooperation",
    short="Cooperation on one problem, case by case.",
    target="concepts/strategic-cooperation/",
    anchor="",
    names=("Strategic cooperation",),
)
THREAT = Term(
    key="criterion:threat-type",
    kind="criterion",
    title="Threat type",
    short="Whether the threat is a particular state.",
    target="criteria/",
    anchor="threat-type",
    names=("Threat type",),
)
THIRD = Term(
    key="criterion:third-state-targeting",
    kind="criterion",
    title="Third-state targeting",
    short="Whether the cooperation works against other states.",
    target="criteria/",
    anchor="third-state-targeting",
    names=("Third-state targeting",),
)
EXCLUSIVITY = Term(
    key="criterion:exclusivity",
    kind="criterion",
    title="Exclusivity",
    short="Whether either side courts the other's adversaries.",
    target="criteria/",
    anchor="exclusivity",
    names=("Exclusivity",),
)
GLOSS = r'<span class="ir-gloss">.*?</a></span></span>'
GLOSSARY = Glossary.of([ALLIANCE, COOPERATION, THREAT, THIRD, EXCLUSIVITY])
HERE = "cases/some-case/"


def marked(html: str, here: str = HERE, glossary: Glossary = GLOSSARY) -> list[str]:
    """The words made glossary terms, in page order."""
    return re.findall(r'class="ir-gloss__term"[^>]*>([^<]*)</button>', mark(html, here, glossary))


def test_the_first_occurrence_in_a_section_is_marked_and_no_other():
    html = "<p>An alliance is not an alliance.</p><p>Nor is this alliance.</p>"
    out = mark(html, HERE, GLOSSARY)
    assert marked(html) == ["alliance"]
    assert out.index("ir-gloss") < out.index("is not an alliance.")
    # The text around the term is untouched.
    assert re.sub(GLOSS, "X", out) == (
        "<p>An X is not an alliance.</p><p>Nor is this alliance.</p>"
    )


def test_every_name_of_a_concept_counts_as_the_concept():
    html = "<p>A strategic alliance, a military alliance, an alliance.</p>"
    assert marked(html) == ["strategic alliance"]


def test_each_h2_section_marks_the_term_again_and_h3_does_not():
    html = (
        "<p>alliance</p><h3>Sub</h3><p>alliance</p>"
        '<h2 id="two">Two</h2><p>alliance and alliance</p>'
    )
    assert marked(html) == ["alliance", "alliance"]


@pytest.mark.parametrize(
    "html",
    [
        "<h1>Alliance</h1>",
        '<h2 id="x">Strategic alliance</h2>',
        "<h3>An alliance</h3>",
        '<p><a href="../x/">an alliance</a></p>',
        '<p><a href="../../concepts/strategic-alliance/">a <em>strategic alliance</em></a></p>',
        "<p><code>alliance</code></p>",
        "<pre><code>alliance</code></pre>",
        "<p><button type=button>alliance</button></p>",
        "<table><thead><tr><th>Alliance</th></tr></thead><tbody><tr><th scope=row>alliance"
        "</th></tr></tbody></table>",
        "<table><caption>Every alliance</caption></table>",
        "<details><summary>alliance</summary></details>",
        "<p><dfn>alliance</dfn> <abbr>alliance</abbr> <cite>alliance</cite></p>",
        '<p><span class="ir-verdict ir-verdict--x">Strategic alliance</span></p>',
        '<p class="ir-label">Strategic alliance</p>',
        '<aside class="ir-cite"><p>an alliance</p></aside>',
        '<nav class="md-nav"><p>alliance</p></nav>',
        '<div class="ir-page-sources"><ul><li>Walt, <i>Origins of Alliances</i>; alliance</li>'
        "</ul></div>",
        "<p data-gloss-skip><span>alliance</span></p>",
        "<p hidden>alliance</p>",
        '<p aria-hidden="true">alliance</p>',
        '<span class="ir-gloss"><button>x</button> alliance</span>',
        "<script>var alliance = '<p>alliance</p>';</script>",
        "<style>.alliance::after { content: '<p>alliance</p>'; }</style>",
        "<!-- <p>alliance</p> -->",
        '<p title="alliance" data-x="strategic alliance">none here</p>',
    ],
)
def test_never_inside_headings_links_code_controls_or_skipped_parts(html):
    assert marked(html) == []


def test_after_a_skipped_element_closes_text_is_marked_again():
    html = '<p><a href="x/">alliance</a> <code>alliance</code> then an alliance</p>'
    out = mark(html, HERE, GLOSSARY)
    assert marked(html) == ["alliance"]
    assert "then an <span" in out


def test_matching_ignores_case_and_takes_whole_words_only():
    assert marked("<p>ALLIANCE</p>") == ["ALLIANCE"]
    assert marked("<p>the threat TYPE? threat type</p>") == ["threat TYPE"]
    for html in (
        "<p>non-alliance</p>",
        "<p>alliance-treaty</p>",
        "<p>realliance</p>",
        "<p>alliancex</p>",
        "<p>alliance_x</p>",
        "<p>exclusivityish</p>",
    ):
        assert marked(html) == [], html


def test_terms_of_several_words_match_across_line_breaks_and_spaces():
    assert marked("<p>a strategic\n  cooperation deal</p>") == ["strategic\n  cooperation"]
    assert marked("<p>on third-state targeting</p>") == ["third-state targeting"]
    # The longest name wins: "strategic alliance", not "alliance" inside it.
    assert marked("<p>a strategic alliance</p>") == ["strategic alliance"]


def test_regular_plurals_match_and_irregular_ones_do_not():
    assert marked("<p>Most alliances</p>") == ["alliances"]
    assert marked("<p>two military alliances</p>") == ["military alliances"]
    assert marked("<p>exclusivitys</p>") == []  # no -s after a final y
    assert marked("<p>alliancess</p>") == []


def test_proper_names_and_titles_are_left_alone():
    assert marked("<p>Russia armed the Northern Alliance.</p>") == []
    assert marked("<p>the (Northern Alliance) and the Alliance Treaty Obligations</p>") == []
    assert (
        marked("<p><em>Iran and Russia: Strategic Alliance or Strategic Cooperation?</em></p>")
        == []
    )
    # A capitalised term that starts a sentence is still the term.
    assert marked("<p>Strategic cooperation is narrow.</p>") == ["Strategic cooperation"]
    assert marked("<p>Alliance politics.</p>") == ["Alliance"]
    # A multi-word criterion named in running text keeps its capital.
    assert marked("<p>If Threat type were coded otherwise</p>") == ["Threat type"]


def test_never_on_the_page_of_the_term_itself():
    html = "<p>alliance, strategic cooperation, threat type</p>"
    assert marked(html, here="concepts/strategic-alliance/") == [
        "strategic cooperation",
        "threat type",
    ]
    assert marked(html, here="criteria/") == ["alliance", "strategic cooperation"]


class Tree(HTMLParser):
    """Checks that the output nests properly and records the glossary markup."""

    VOID = {"br", "img", "hr", "input", "meta", "link", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.buttons: list[dict] = []
        self.ids: dict[str, str] = {}
        self.links: list[str] = []
        self.current_id: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in self.VOID:
            self.stack.append(tag)
        if tag == "button":
            self.buttons.append(attrs)
        if "id" in attrs:
            self.ids[attrs["id"]] = attrs.get("role", "")
        if tag == "a" and "ir-gloss__more" in attrs.get("class", ""):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()


def test_markup_is_a_described_button_with_a_tooltip_and_a_link_to_the_full_definition():
    html = "<p>An alliance and third-state targeting.</p>"
    out = mark(html, "cases/x/", GLOSSARY)
    tree = Tree()
    tree.feed(out)
    tree.close()
    assert tree.stack == []
    assert [b["type"] for b in tree.buttons] == ["button", "button"]
    described = [b["aria-describedby"] for b in tree.buttons]
    assert len(set(described)) == 2
    assert all(tree.ids[d] == "tooltip" for d in described)
    assert tree.links == [
        "../../concepts/strategic-alliance/",
        "../../criteria/#third-state-targeting",
    ]
    assert "Full definition of Strategic alliance" in out
    assert "Full explanation of Third-state targeting" in out
    # The definitions are kept out of the search index.
    assert out.count("data-search-exclude") == 4


def test_ids_are_unique_across_sections():
    html = '<p>alliance</p><h2 id="b">B</h2><p>alliance</p><h2 id="c">C</h2><p>alliance</p>'
    ids = re.findall(r'\sid="([^"]+)"', mark(html, HERE, GLOSSARY))
    assert len(ids) == len(set(ids)) == 3 * 2 + 2


def test_definition_text_is_escaped_data():
    hostile = Term(
        key="concept:x",
        kind="concept",
        title='<img src=x onerror="alert(1)">',
        short="<script>alert(1)</script> & \"quoted\" 'text' {{ config }}",
        target="concepts/x/",
        anchor="",
        names=("alliance",),
    )
    out = mark("<p>an alliance</p>", HERE, Glossary.of([hostile]))
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quoted&#34; &#39;text&#39;" in out
    assert "{{ config }}" in out  # printed as typed, never evaluated
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in out


def test_the_page_text_is_kept_exactly_outside_the_terms():
    html = (
        "<p>Tom &amp; Jerry&#39;s alliance &lt;b&gt; &nbsp;é <em>x</em></p>\n"
        '<ul><li>one</li><li><a href="a">alliance</a></li></ul><img src="x.png" alt="alliance">'
    )
    out = mark(html, HERE, GLOSSARY)
    assert re.sub(GLOSS, "alliance", out) == html


def test_no_terms_no_change():
    html = "<p>alliance</p>"
    assert mark(html, HERE, Glossary.of([])) == html


def test_the_glossary_comes_from_the_concepts_and_criteria(project):
    found = {t.key: t for t in terms(project)}
    assert set(found) == {f"concept:{c}" for c in project.concepts} | {
        f"criterion:{c}" for c in project.criteria
    }
    alliance = found["concept:strategic-alliance"]
    assert alliance.short == project.concepts["strategic-alliance"]["short"]
    assert "alliance" in alliance.names  # from also_called
    assert found["criterion:threat-type"].anchor == "threat-type"
    for term in found.values():
        assert 0 < len(term.short) <= 200, term.key


def test_without_a_short_line_the_summary_or_question_is_shown(project):
    import copy

    bare = copy.copy(project)
    bare.concepts = {
        k: {key: v for key, v in c.items() if key != "short"} for k, c in project.concepts.items()
    }
    bare.criteria = {
        k: {key: v for key, v in c.items() if key != "short"} for k, c in project.criteria.items()
    }
    found = {t.key: t for t in terms(bare)}
    assert found["criterion:threat-type"].short == project.criteria["threat-type"]["question"]
    summary = " ".join(project.concepts["strategic-alliance"]["summary"].split())
    assert found["concept:strategic-alliance"].short == summary
