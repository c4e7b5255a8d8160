"""Views and templates, rendered against the small fixture project (tests/fixtures/minimal).

Fast: nothing here runs MkDocs. The pages the templates write are checked as the reader gets
them (render.release puts the held HTML back, as the build's hook does).
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from jinja2 import UndefinedError
from markupsafe import escape
from mkdocs.utils.meta import get_data

from conftest import FIXTURES, overlay
from macros import citation, contribute, glossary, publish, templates
from macros.bibliography import short_cite
from macros.model import load_project
from macros.render import release
from macros.urls import url
from macros.view import Site
from macros.vocabulary import vocabulary


@pytest.fixture
def minimal_site(minimal_data) -> Site:
    return Site(load_project(minimal_data))


def page_html(markdown: str) -> str:
    return release(markdown)


def test_case_page_shows_the_case_with_schema_labels(minimal_site):
    page = publish.case_page(minimal_site, "first-case")
    body, front = get_data(page)
    assert front["title"] == "First case" and front["render_macros"] is False
    assert page.startswith("---\n") and "\n---\n\n" in page
    assert "\n# The first case {#case-title}\n" in page
    assert "\n## How the essay uses it {#essay-use}\n" in page
    html = page_html(page)
    assert f"<dt>Role</dt>\n<dd>{vocabulary('role')['essay-case'].title}</dd>" in html
    assert f"<dd>{vocabulary('form')['diplomatic'].title}</dd>" in html
    assert '<a href="../../criteria/#threat-type">Threat type</a>' in html
    assert '<a href="../second-case/">Second case</a>' in html  # related
    assert (
        '<a href="../../argument/#first-claim">Claim 1</a> <span class="ir-kind">Definition</span>'
        in html
    )
    assert 'href="../../sources/t/#test-book"' in html


def test_concept_page_lists_cases_meeting_and_failing(minimal_site):
    html = page_html(publish.concept_page(minimal_site, "strategic-cooperation"))
    assert "Cases that meet it" in html
    assert '<a href="../../cases/first-case/">First case</a>' in html


@pytest.mark.parametrize("name", publish.PARTS)
def test_every_part_renders_something(minimal_site, name):
    args = ("test-book",) if name == "reference" else ()
    html = page_html(publish.part(minimal_site, name, url("about"), *args))
    assert html.strip() and "<" in html


def test_cases_index_groups_by_role_in_schema_order(minimal_site):
    page = publish.part(minimal_site, "cases_index", url("cases"))
    roles = vocabulary("role")
    headings = re.findall(r"^## (.*) \{#(.*)\}$", page, flags=re.M)
    assert headings == [
        (roles["essay-case"].plural_title, "essay-case"),
        (roles["counter-evidence"].plural_title, "counter-evidence"),
    ]


def test_argument_shows_who_answers_an_objection(minimal_site):
    html = page_html(publish.part(minimal_site, "argument", url("argument")))
    label = escape(vocabulary("responder")["site"].title)
    assert f'<p class="ir-label">{label}</p>' in html
    assert '<div class="ir-objection" id="first-objection">' in html


def test_data_text_is_escaped_and_jinja_in_it_is_printed_as_typed(tmp_path):
    data = overlay(FIXTURES / "minimal", tmp_path / "none", tmp_path / "data")
    path = data / "cases" / "first-case.yml"
    text = path.read_text()
    text = text.replace("title: The first case", 'title: "A <i>title</i> {{ 7*191 }}"')
    text = text.replace('"Something happened."', '"<b>bold</b> {% if 1 %}1337{% endif %} *em*"')
    path.write_text(text)
    site = Site(load_project(data))
    page = publish.case_page(site, "first-case")
    html = page_html(page)
    assert "1337" not in html.replace("{% if 1 %}1337{% endif %}", "")
    assert "{% if 1 %}1337{% endif %}" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<em>em</em>" in html
    assert r"# A &lt;i&gt;title&lt;/i&gt; \{\{ 7\*191 \}\} {#case-title}" in page


def test_templates_escape_and_refuse_unknown_names():
    assert templates.ENV.autoescape is True
    with pytest.raises(UndefinedError):
        templates.render_template("parts/concept_index.html")
    assert templates.render_template("_macros.html").strip() == ""


def test_markdown_is_the_one_filter_that_makes_data_html():
    assert (
        str(templates.markdown("<script>x</script> *a*"))
        == "<p>&lt;script&gt;x&lt;/script&gt; <em>a</em></p>"
    )
    assert str(templates.markdown("*a*", inline=True)) == "<em>a</em>"


@pytest.mark.parametrize("number, word", [(0, "zero"), (4, "four"), (12, "twelve"), (21, "21")])
def test_number_word(number, word):
    assert templates.number_word(number) == word


def test_every_template_is_used():
    used = {f"parts/{name}.html" for name in publish.PARTS}
    used |= {"pages/case.html", "pages/concept.html", "pages/sources.html", "_macros.html"}
    used |= {"pages/index_page.html"}  # the numbered pages of a long index
    used |= set(contribute.TEMPLATES)
    used |= set(citation.TEMPLATES) | set(glossary.TEMPLATES)
    found = {
        str(p.relative_to(templates.TEMPLATE_DIR)) for p in templates.TEMPLATE_DIR.rglob("*.html")
    }
    assert found == used


# ----- the MkDocs glue, with a stand-in for mkdocs-macros' env ------------------------------


class Env:
    def __init__(self):
        self.page = None
        self.variables: dict = {}
        self.macros: dict = {}
        self.filters: dict = {}

    def macro(self, fn, name=None):
        self.macros[name or fn.__name__] = fn
        return fn

    def filter(self, fn, name=None):
        self.filters[name or fn.__name__] = fn
        return fn


def test_glue_registers_every_part_and_the_counts():
    from macros import mkdocs_glue

    env = Env()
    mkdocs_glue.define_env(env)
    assert set(env.macros) == set(publish.PARTS) | set(contribute.MACROS)
    assert env.filters["number_word"](4) == "four"
    assert set(env.variables["counts"]) >= {
        "cases",
        "concepts",
        "criteria",
        "sources",
        "claims",
        "roles",
    }


def test_macro_that_renders_nothing_fails(monkeypatch):
    from macros import mkdocs_glue

    env = Env()
    mkdocs_glue.define_env(env)
    assert '<div class="ir-table"' in release(env.macros["comparison_table"]())
    monkeypatch.setattr(publish, "render_template", lambda name, **view: "")
    with pytest.raises(ValueError, match="comparison_table\\(\\) produced nothing"):
        env.macros["comparison_table"]()


def test_reference_macro_refuses_an_unknown_source():
    from macros import mkdocs_glue

    env = Env()
    mkdocs_glue.define_env(env)
    with pytest.raises(KeyError, match="no source 'nope'"):
        env.macros["reference"]("nope")


@pytest.mark.parametrize(
    "period, shown",
    [
        ({"start": "1992", "end": "1997"}, "1992–1997"),
        ({"start": "2015"}, "2015–present"),
        ({"start": "2016", "end": "2016"}, "2016"),
    ],
)
def test_period(period, shown):
    template = templates.ENV.from_string('{% from "_macros.html" import period %}{{ period(p) }}')
    assert template.render(p=period) == shown


# ----- issue 9: a reader gets the answer at a glance ------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-12-08", "8 December 2024"),
        ("2011-03", "March 2011"),
        ("1992", "1992"),
        ("2001-07-01", "1 July 2001"),
        ("n.d.", "n.d."),
    ],
)
def test_dates_read_as_people_write_them(value, expected):
    assert templates.date_text(value) == expected


@pytest.mark.parametrize(
    "period, expected",
    [
        ({"start": "1992", "end": "1997"}, "1992–1997"),
        ({"start": "2011", "end": "2024-12-08"}, "2011 – 8 December 2024"),
        ({"start": "2011-03"}, "March 2011 – present"),
        ({"start": "1979"}, "1979–present"),
        ({"start": "2016", "end": "2016"}, "2016"),
    ],
)
def test_periods_use_one_date_style(period, expected):
    macros = templates.ENV.get_template("_macros.html").module
    assert str(macros.period(period)) == expected


@pytest.mark.parametrize("test", ["essay", "site"])
def test_verdict_totals_add_up_to_the_cases(site, test):
    counts = site.verdict_counts(url("comparison"), test)
    assert sum(item["count"] for item in counts["items"]) == counts["total"] == len(site.p.cases)
    concepts = [c for c, x in site.p.concepts.items() if test == "site" or x["test"] == "essay"]
    assert [item["key"] for item in counts["items"]][: len(concepts)] == concepts
    assert "indeterminate" in [item["key"] for item in counts["items"]]


def test_one_verdict_macro_and_one_phrasing_for_indeterminate(site):
    source = (templates.TEMPLATE_DIR / "_macros.html").read_text()
    assert source.count("{% macro verdict") == 2  # the badge and its legend
    html = publish.part(site, "comparison_table", url("comparison"))
    released = release(html)
    assert "tied:" not in released
    undecided = [v for t in site.verdicts.values() for v in t.values() if v and not v.decided]
    detail = 'Indeterminate</span> <span class="ir-verdict-detail">(closest: '
    assert released.count(detail) == len(undecided)


def test_case_pages_go_up_and_along_in_the_cases_index_order(site):
    order = site.case_order()
    index = [c["link"].text for g in site.cases_index(url("cases"))["groups"] for c in g["cases"]]
    assert index == [site.p.cases[cid]["short_title"] for cid in order]
    first, second = order[0], order[1]
    nav = site.page_nav("case", first)
    assert [u["text"] for u in nav["up"]] == ["Home", "Cases"]
    assert nav["up"][1]["href"] == "../"
    assert nav["prev"] is None and nav["next"]["href"] == f"../{second}/"
    assert site.page_nav("case", second)["prev"]["href"] == f"../{first}/"
    assert site.page_nav("case", order[-1])["next"] is None
    front = get_data(publish.case_page(site, first))[1]
    assert front["page_nav"] == nav


@pytest.mark.slow  # formats every real source
def test_bibliography_pages_hold_every_source_once(site):
    index = site.bibliography(url("sources"))
    listed = [s["id"] for letter in index["letters"] for s in letter["sources"]]
    assert sorted(listed) == sorted(site.p.sources) and index["total"] == len(listed)
    grouped = [
        s["id"]
        for letter in site.letters()
        for g in site.sources_page(letter)["groups"]
        for s in g["sources"]
    ]
    assert sorted(grouped) == sorted(site.p.sources)
    assert len(site.letters()) >= 20 and site.letters()[0] == "a"


@pytest.mark.slow  # formats every real source
def test_cited_on_names_a_source_by_its_short_citation_not_its_id(site):
    cited = [
        c
        for letter in site.letters()
        for s in site.sources_page(letter)["sources"]
        for c in s["cited"]
        if c["kind"] == "source"
    ]
    names = [c["name"] for c in cited]
    assert names and not set(names) & set(site.p.sources)
    # a note citing another source links to that source's letter page
    assert all(re.match(r"\.\./[a-z]+/#", c["href"]) for c in cited), cited[:3]


def test_claim_links_say_what_the_claim_claims(site):
    first = site.p.argument["claims"][0]
    link = site.claim_link(url("home"), first["id"])
    assert link["title"] == first["title"]
    html = release(publish.part(site, "argument", url("argument")))
    assert f'<a href="#{first["id"]}">{escape(first["title"])}</a>' in html


def test_reference_urls_are_links_and_stay_escaped():
    from macros.render import link_urls

    assert link_urls("See https://example.org/a?b=1&amp;c=2.") == (
        'See <a href="https://example.org/a?b=1&amp;c=2">https://example.org/a?b=1&amp;c=2</a>.'
    )
    assert (
        link_urls('<a href="https://x.org">https://x.org</a>')
        == '<a href="https://x.org">https://x.org</a>'
    )
    assert "<a" not in link_urls('https://y.org/"onmouseover=alert(1)')


def test_ids_in_prose_read_as_names(site):
    source_id = next(i for i in site.p.sources if "-" in i)
    text = f"see {source_id}; https://example.org/{source_id} and threat-type."
    readable = site.readable(text)
    assert readable.startswith(f"see {short_cite(site.p.sources[source_id])};")
    assert f"https://example.org/{source_id}" in readable
    assert readable.endswith(f"and {site.p.criteria['threat-type']['title']}.")


def test_the_home_pages_answer_is_computed_from_both_tests(site):
    view = site.bottom_line(url("home"))
    iran_russia = [c for c in site.p.cases.values() if c["role"] not in ("reference", "constraint")]
    assert view["all_site"]["total"] == view["all_essay"]["total"] == len(iran_russia)
    for test in ("all_essay", "all_site"):
        t = view[test]
        decided = sum(len(c["cases"]) for c in t["concepts"])
        assert decided + len(t["indeterminate"]) + len(t["not_coded"]) == t["total"]
    html = release(publish.part(site, "bottom_line", url("home")))
    assert "This site's answer" in html
    coded = view["all_site"]["total"] - len(view["all_site"]["not_coded"])
    assert f"{coded} Iran-Russia cases coded on this site's extended test" in " ".join(html.split())
    essay = view["essay_cases"]
    assert f"its {essay['total']} cases come out as" in " ".join(html.split())


def test_what_if_data_carries_the_rule_as_the_build_applies_it(site, project):
    """The what-if script gets each test's criteria and concepts (derive.scope), every
    concept's profile and every case's coding with its alternatives, nothing retyped."""
    from macros import derive

    data = site.whatif("comparison/", list(project.cases))
    for test in derive.TESTS:
        criteria, concepts = derive.scope(project, test)
        assert data["tests"][test]["criteria"] == criteria
        assert data["tests"][test]["concepts"] == concepts
    for concept_id, concept in project.concepts.items():
        assert data["concepts"][concept_id]["profile"] == concept["profile"]
    for case_id, case in project.cases.items():
        entry = data["cases"][case_id]
        assert entry["values"] == derive.case_values(case)
        assert set(entry["alternatives"]) == {
            c for c, e in case.get("coding", {}).items() if "alternative" in e
        }
        assert entry["applies"] == [t for t in derive.TESTS if site.verdicts[t][case_id]]


def test_comparison_rows_carry_what_the_filters_select(site, project):
    view = site.comparison_table("comparison/")
    for row in view["rows"]:
        case = project.cases[row["id"]]
        assert row["region"] == case["region"]
        assert f"{case['period']['start'][:3]}0s" == row["decades"][0]
        for test, key in row["verdict_keys"].items():
            verdict = site.verdicts[test][row["id"]]
            assert key == (
                (verdict.concept or "indeterminate")
                if verdict
                else ("not-applicable" if case["role"] == "constraint" else "not-coded")
            )
    offered = {v["key"] for v in view["filters"]["verdicts"]["site"]}
    assert {row["verdict_keys"]["site"] for row in view["rows"]} <= offered


# ----- issue 15: the timeline -------------------------------------------------------------


def _events_on_the_page(html: str) -> list[tuple[str, str, str, str, str]]:
    """(case, role, kind, date, line) of every event the timeline page lists, in page order."""
    return [
        (case, role, kind, date, " ".join(text.split()))
        for case, role, kind, date, text in re.findall(
            r'<li id="[^"]+" class="ir-event" data-case="([^"]+)" data-role="([^"]+)" '
            r'data-kind="([^"]+)">\s*<p class="ir-event__when"><time datetime="([^"]+)">.*?'
            r'<p class="ir-event__text">(.*?)</p>',
            html,
            flags=re.S,
        )
    ]


def test_timeline_has_one_entry_per_case_event(site):
    """One to one: every event of every case file is on /timeline/ once, and nothing else."""
    html = page_html(publish.part(site, "timeline", url("timeline")))
    shown = _events_on_the_page(html)
    expected = [
        (case_id, case["role"], e["kind"], e["date"], str(escape(e["text"])))
        for case_id, case in site.p.cases.items()
        for e in case.get("events", [])
    ]
    assert expected, "the real data has events"
    assert sorted(shown) == sorted(expected)
    assert len(set(re.findall(r'<li id="([^"]+)" class="ir-event"', html))) == len(expected)


def test_timeline_is_in_date_order_grouped_by_year(site):
    html = page_html(publish.part(site, "timeline", url("timeline")))
    dates = [d for _, _, _, d, _ in _events_on_the_page(html)]

    def key(d: str) -> tuple:
        return tuple(int(x) for x in d.split("-")) + (0,) * (3 - len(d.split("-")))

    assert dates == sorted(dates, key=key)
    years = re.findall(r'<section class="ir-timeline-year" data-year="(\d{4})"', html)
    assert years == sorted(set(d[:4] for d in dates))
    for year, body in re.findall(
        r'data-year="(\d{4})".*?>(.*?)</section>', html, flags=re.S
    ):  # each year's section holds that year's events only
        assert set(re.findall(r'<time datetime="(\d{4})', body)) == {year}


def test_timeline_partial_dates_come_first_and_read_as_written(minimal_site):
    view = minimal_site.timeline(url("timeline"))
    [y1997, y2016] = view["years"]
    assert [(e["date"], e["case_id"]) for e in y1997["events"]] == [
        ("1997", "first-case"),
        ("1997-06-27", "first-case"),
    ]
    assert [e["date"] for e in y2016["events"]] == ["2016-06"]
    html = page_html(publish.part(minimal_site, "timeline", url("timeline")))
    assert '<time datetime="1997-06-27">27 June 1997</time>' in html
    assert '<time datetime="2016-06">June 2016</time>' in html
    # Each entry links to its case and to its sources in the bibliography.
    assert '<a href="../cases/first-case/">First case</a>' in html
    assert '<a href="../sources/t/#test-book">' in html


def test_timeline_filters_offer_what_occurs_and_stay_hidden_without_script(minimal_site):
    view = minimal_site.timeline(url("timeline"))
    assert [c["id"] for c in view["cases"]] == ["first-case", "second-case"]
    assert [r.value for r in view["roles"]] == ["essay-case", "counter-evidence"]
    assert [k.value for k in view["kinds"]] == ["agreement", "military", "vote"]
    html = page_html(publish.part(minimal_site, "timeline", url("timeline")))
    form = re.search(r"<form[^>]*>", html).group(0)
    assert 'id="timeline-filters"' in form and " hidden" in form
    for name in ("case", "role", "kind"):
        assert f'<label for="timeline-{name}">' in html
        assert f'<select id="timeline-{name}" name="{name}" data-filter="{name}">' in html
    assert re.search(r'<p [^>]*role="status" aria-live="polite"[^>]*>3 events from 2 cases', html)
    assert '<option value="vote">Vote</option>' in html
    for event in re.findall(r'<li id="[^"]+" class="ir-event"[^>]*>', html):
        assert re.search(r'data-case="[a-z0-9-]+" data-role="[a-z-]+" data-kind="[a-z]+"', event)


def test_case_page_lists_its_own_events_linking_to_the_timeline(minimal_site):
    html = page_html(publish.case_page(minimal_site, "first-case"))
    section = html.split("{#timeline}", 1)[1].split("\n## ", 1)[0]
    assert section.index("1997</time>") < section.index("27 June 1997</time>")
    assert "An agreement is signed." in section
    assert '<a href="../../timeline/?case=first-case">' in section


def test_events_are_in_the_exports(project):
    from macros import exports

    files = exports.exports(project)
    rows = list(csv.DictReader(io.StringIO(files["data/events.csv"])))
    assert len(rows) == sum(len(c.get("events", [])) for c in project.cases.values())
    assert {r["case"] for r in rows} == {c for c, x in project.cases.items() if x.get("events")}
    listing = json.loads(files["data/cases.json"])
    for summary in listing["cases"]:
        assert summary["events"] == project.cases[summary["id"]].get("events", [])
        own = json.loads(files[f"data/cases/{summary['id']}.json"])
        assert own.get("events", []) == summary["events"]
    assert exports.EXPORT_CHANGES[0][0] == exports.SCHEMA_VERSION == "2.1.0"


def test_concept_page_gives_counts_and_where_listed_beyond_the_limit(site, monkeypatch):
    full = site.concept_page("strategic-cooperation")
    meets = full["criteria"][0]["meets"]
    assert meets["links"] and meets["count"] == len(meets["links"]) and not meets["elsewhere"]
    monkeypatch.setattr(type(site), "LIST_LIMIT", 1)
    page = site.concept_page("strategic-cooperation")
    crowded = [c["meets"] for c in page["criteria"] if c["meets"]["count"] > 1]
    assert crowded and all(not m["links"] and m["elsewhere"] for m in crowded)
    first = page["criteria"][0]
    assert first["meets"]["elsewhere"].startswith("../../criteria/#")
    html = page_html(publish.concept_page(site, "strategic-cooperation"))
    assert ' cases, <a href="../../criteria/#' in html
    assert "listed in the cases index</a>" in html
