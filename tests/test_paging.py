"""Long indexes in numbered pages (Site.PAGING), and the lists capped on case and source pages,
checked on the real data and on a synthetic project of 1,028 cases: the real cases plus
1,000 copies under new ids, as `make bench` makes them (bench/run.py), built here in memory.

Fast: nothing here runs MkDocs. Sizes are of the article HTML the templates write; Material's
page frame (header, navigation, scripts, the cite box) adds about 30 KB to each page, which
FRAME allows for. tests/test_paging_build.py builds such a site and measures the real bytes.
"""

from __future__ import annotations

import dataclasses
import json
import posixpath
import re

import pytest
from mkdocs.utils.meta import get_data

from macros import citation, publish
from macros.render import release
from macros.urls import url
from macros.view import Paging, Site

BUDGET = 150 * 1024  # every index page (issue 12)
FRAME = 35 * 1024  # Material's frame around the article, measured on the real site
COPIES = 1000


def many_cases(project, copies: int):
    """The project with `copies` more cases: copies of the real ones, in turn, under new ids
    (bench/run.py copy_repo names them the same way)."""
    real = sorted(project.cases)
    cases = dict(project.cases)
    for i in range(copies):
        original = real[i % len(real)]
        cases[f"bench-{i:04d}-{original}"[:80]] = project.cases[original]
    return dataclasses.replace(project, cases=cases)


@pytest.fixture(scope="module")
def big(project) -> Site:
    return Site(many_cases(project, COPIES))


def article(markdown: str) -> str:
    return release(markdown)


def index_pages(site: Site, name: str) -> list[tuple[str, str]]:
    """(URL, HTML) of every page of one long index: the part on the hand-written first page,
    then each generated numbered page."""
    paging = site.PAGING[name]
    pages = [(paging.url(1), article(publish.part(site, publish.PAGED[name], paging.url(1))))]
    for number in range(2, len(site.pages(name)) + 1):
        pages.append((paging.url(number), article(publish.index_page(site, name, number))))
    return pages


@pytest.fixture(scope="module")
def big_pages(big) -> dict[str, list[tuple[str, str]]]:
    return {name: index_pages(big, name) for name in big.PAGING}


def resolve(here: str, link: str) -> str:
    """The site-relative URL a relative link on page `here` leads to ('' for the home page)."""
    path, _, _ = link.partition("#")
    path = path.partition("?")[0]
    joined = posixpath.normpath(posixpath.join("/" + here, path))
    return "" if joined == "/" else joined.lstrip("/") + "/"


def pager_links(html: str) -> list[tuple[str, bool, str]]:
    """(href, current, text) of each link of the page's pager."""
    nav = re.search(r'<nav class="ir-pages"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "no pager"
    return [
        (href, bool(current), text)
        for href, current, text in re.findall(
            r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav.group(1)
        )
    ]


# ----- the real data: one page each, as before --------------------------------------------


def test_the_real_data_keeps_every_index_on_one_page(site):
    for name in site.PAGING:
        assert len(site.pages(name)) == 1, name
        assert site.pager(url(name), name, 1) is None
        html = article(publish.part(site, publish.PAGED[name], url(name)))
        assert 'class="ir-pages' not in html and "this page" not in html
    generated = publish.generated_pages(site)
    assert not [p for p in generated if re.match(r"(comparison|timeline|cases/page)/", p)]
    # every case on the one comparison and cases index, every event on the one timeline
    comparison = article(publish.part(site, "comparison_table", url("comparison")))
    assert sorted(re.findall(r'<tr id="row-([^"]+)"', comparison)) == sorted(site.p.cases)
    timeline = article(publish.part(site, "timeline", url("timeline")))
    events = sum(len(c.get("events", [])) for c in site.p.cases.values())
    assert len(re.findall(r'class="ir-event"', timeline)) == events


def test_the_real_data_lists_every_related_case_and_citing_page(site):
    for case_id in site.p.cases:
        related = site.case_page(case_id)["related"]
        assert related["others"] == 0 and not related["elsewhere"]
        assert [link.href for link in related["links"]] == [
            f"../{other}/" for other in site.index.related[case_id]
        ]
    for letter in site.letters():
        for entry in site.sources_page(letter)["sources"]:
            assert all(c["kind"] != "cases" for c in entry["cited"])


# ----- the pieces ------------------------------------------------------------------------------


def test_paging_splits_beyond_its_limit_only():
    paging = Paging("comparison", "comparison-page", limit=3, size=2)
    assert paging.split("abc") == [["a", "b", "c"]]
    assert paging.split("abcde") == [["a", "b"], ["c", "d"], ["e"]]
    assert paging.split([]) == [[]]
    assert paging.url(1) == "comparison/" and paging.url(3) == "comparison/3/"


def test_numbered_pages_have_addresses_of_their_own_kind():
    assert citation.page_kind("comparison/2/") == ("comparison-page", "2")
    assert citation.page_kind("timeline/12/") == ("timeline-page", "12")
    assert citation.page_kind("cases/page/2/") == ("cases-page", "2")
    # a case may be called "page": its address is not a page of the index
    assert citation.page_kind("cases/page/") == ("case", "page")
    assert url("cases-page", "2") != url("case", "2")


# ----- 1,028 cases ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["comparison", "cases", "timeline"])
def test_each_page_of_a_long_index_stays_under_the_budget(big, big_pages, name):
    pages = big_pages[name]
    assert len(pages) > 1, "1,028 cases make more than one page"
    extra = 0
    if name == "comparison":  # /comparison/ also sets the concepts side by side
        extra = len(article(publish.part(big, "concepts_side_by_side", url("comparison"))))
    for n, (page_url, html) in enumerate(pages, 1):
        size = len(html.encode()) + FRAME + (extra if n == 1 else 0)
        assert size < BUDGET, f"{page_url}: {size // 1024} KB"


def test_every_case_is_on_exactly_one_page_of_the_comparison(big, big_pages):
    seen = []
    for _page_url, html in big_pages["comparison"]:
        rows = re.findall(r'<tr id="row-([^"]+)"', html)
        assert 0 < len(rows) <= big.PAGING["comparison"].size
        # the what-if data carries the rows of its page, and only those
        data = re.search(r'id="ir-whatif-data">(.*?)</script>', html, re.S).group(1)
        assert sorted(json.loads(data)["cases"]) == sorted(rows)
        seen.extend(rows)
    assert len(seen) == len(set(seen)) == len(big.p.cases)
    assert seen == big.case_order()  # in the order of the cases index, across the pages


def test_every_case_is_on_exactly_one_page_of_the_cases_index(big, big_pages):
    seen = []
    for page_url, html in big_pages["cases"]:
        links = re.findall(r'<tr><th scope="row"><a href="([^"]+)">', html)
        seen.extend(resolve(page_url, link) for link in links)
    assert seen == [url("case", c) for c in big.case_order()]


def test_every_event_is_on_exactly_one_page_of_the_timeline(big, big_pages):
    seen = []
    for _page_url, html in big_pages["timeline"]:
        ids = re.findall(r'<li id="([^"]+)" class="ir-event"', html)
        assert 0 < len(ids) <= big.PAGING["timeline"].size
        # the case filter offers the cases of the page's events, and no other
        offered = re.findall(r'<option value="([a-z0-9-]+)">', html.split('name="role"')[0])
        assert set(offered) == set(re.findall(r'class="ir-event" data-case="([^"]+)"', html))
        seen.extend(ids)
    events = [
        f"{case_id}-{n}"
        for case_id, case in big.p.cases.items()
        for n in range(1, len(case.get("events", [])) + 1)
    ]
    assert len(seen) == len(set(seen)) and sorted(seen) == sorted(events)
    dates = [
        big.p.cases[e.rsplit("-", 1)[0]]["events"][int(e.rsplit("-", 1)[1]) - 1]["date"][:4]
        for e in seen
    ]
    assert dates == sorted(dates)  # in the order of time, across the pages


@pytest.mark.parametrize("name", ["comparison", "cases", "timeline"])
def test_every_page_links_to_every_page_and_marks_its_own(big, big_pages, name):
    pages = big_pages[name]
    addresses = [page_url for page_url, _ in pages]
    for page_url, html in pages:
        links = pager_links(html)
        assert [resolve(page_url, href) for href, _, _ in links] == addresses
        assert [current for _, current, _ in links] == [a == page_url for a in addresses]
        labels = [text for _, _, text in links]
        assert len(set(labels)) == len(labels)  # each link says which page it is
    total = len(big.p.cases) if name != "timeline" else len(big._timeline_order)
    last = pages[-1][1]
    assert re.search(rf"of {total:,}, page {len(pages)} of {len(pages)}:", last)


@pytest.mark.parametrize("name", ["comparison", "cases", "timeline"])
def test_numbered_pages_go_up_and_along_like_other_generated_pages(big, name):
    count = len(big.pages(name))
    for number in (2, count):
        page = publish.index_page(big, name, number)
        body, meta = get_data(page)
        assert meta["render_macros"] is False and meta["title"]
        nav = meta["page_nav"]
        here = big.PAGING[name].url(number)
        assert [resolve(here, u["href"]) for u in nav["up"]] == ["", url(name)]
        assert (nav["noun"], nav["position"], nav["count"]) == ("page", number, count)
        assert resolve(here, nav["prev"]["href"]) == big.PAGING[name].url(number - 1)
        if number < count:
            assert resolve(here, nav["next"]["href"]) == big.PAGING[name].url(number + 1)
        else:
            assert nav["next"] is None
        # a heading of its own, and a link back to the first page, which explains the index
        assert re.search(r"^# .+\{#page-title\}$", body, re.M)
        first = re.search(r'<a href="([^"]+)">The first\s+page</a>', release(body))
        assert resolve(here, first.group(1)) == url(name)


def test_a_page_of_the_comparison_filters_its_own_rows_and_counts_every_case(big, big_pages):
    page_url, html = big_pages["comparison"][1]
    rows = re.findall(r'<tr id="row-[^"]+" data-case="[^"]+" data-role="([^"]+)"', html)
    roles = re.findall(
        r'<option value="([a-z-]+)">', html.split('name="role"')[1].split("</select>")[0]
    )
    assert set(roles) == set(rows)  # only the roles that occur on the page
    assert 'data-ir-scope="on this page"' in html and "cases on this page that match" in html
    # the legend counts every case, on every page
    assert "1,028 cases in all" in html
    essay = big.verdict_counts(page_url, "essay")
    for item in essay["items"]:
        assert f'data-ir-count="essay:{item["key"]}">{item["count"]}</span>' in html


def test_links_into_the_timeline_lead_to_the_page_holding_the_event(big):
    for case_id in ("syria-civil-war", big.case_order()[-1]):
        view = big.case_page(case_id)
        pages = {
            e["id"]: n
            for n, chunk in enumerate(big.pages("timeline"), 1)
            for e in [{"id": f"{c}-{k}"} for c, k in chunk]
        }
        here = url("case", case_id)
        for event in view["events"]:
            target = resolve(here, event["timeline_href"])
            assert target == big.PAGING["timeline"].url(pages[event["id"]])
            assert event["timeline_href"].endswith("#" + event["id"])
        first = min(pages[e["id"]] for e in view["events"])
        link = view["timeline_href"]
        assert resolve(here, link) == big.PAGING["timeline"].url(first)
        assert link.endswith(f"?case={case_id}")


def test_case_and_source_pages_do_not_grow_with_the_cases(site, big):
    """Related cases and "Cited on" are capped: a case page is the size it is with the real
    data, and a letter of the bibliography stays under the budget."""
    for case_id in ("syria-civil-war", "comprehensive-strategic-partnership-treaty-2025"):
        real = len(article(publish.case_page(site, case_id)))
        grown = article(publish.case_page(big, case_id))
        assert len(grown) < real + 1024, case_id
        related = big.case_page(case_id)["related"]
        own = sorted(set(big.p.cases[case_id].get("related", [])))
        assert [resolve(url("case", case_id), link.href) for link in related["links"]] == [
            url("case", c) for c in own
        ]
        assert related["others"] == len(big.index.related[case_id]) - len(own) > 0
        assert f"{related['others']} other cases name this case as related" in grown
        assert '<a href="../../data/">downloads</a>' in grown
    for letter in big.letters():
        html = article(publish.sources_page(big, letter))
        assert len(html.encode()) + FRAME < BUDGET, letter
        for entry in big.sources_page(letter)["sources"]:
            cases = [c for c in entry["cited"] if c["kind"] in ("case", "cases")]
            assert len(cases) <= big.CITED_LIMIT
            citing = sum(1 for c in big.index.citations[entry["id"]] if c.kind == "case")
            if citing > big.CITED_LIMIT:
                assert cases == [{"kind": "cases", "name": str(citing), "href": "../../data/"}]
    source_id = "wps-2001-khatami-visit-treaty"
    citing = sum(1 for c in big.index.citations[source_id] if c.kind == "case")
    html = article(publish.sources_page(big, big.source_letters[source_id]))
    assert f'{citing} case pages (<a href="../../data/">' in html


def test_two_generated_pages_at_one_address_are_refused(site, monkeypatch):
    # A mistake in PAGING: the cases index's pages where the comparison's go.
    monkeypatch.setitem(Site.PAGING, "cases", Paging("cases", "comparison-page", 1, 1))
    monkeypatch.setitem(Site.PAGING, "comparison", Paging("comparison", "comparison-page", 1, 1))
    monkeypatch.setattr(site, "_pages", {})
    with pytest.raises(ValueError, match="comparison/2.md: two generated pages at one address"):
        publish.generated_pages(site)
