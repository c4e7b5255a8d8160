"""A site with more cases than one page of each long index holds, built and read in a browser:
the real data plus 160 copies of its cases (as bench/run.py makes them), 188 cases in all, so
that the comparison, the cases index and the timeline each run to numbered pages.

Slow: it builds a site (about 15 s on a quiet 2-core machine) and drives Chromium.
"""

from __future__ import annotations

import re
import shutil

import pytest
from test_paging import BUDGET, many_cases

from conftest import AXE, DESKTOP, PHONE, built_once, serve, visits
from macros import citation, derive
from macros.view import Site
from sitecheck import broken_links, crawl, duplicate_ids, orphans

pytestmark = pytest.mark.slow

COPIES = 160


@pytest.fixture(scope="module")
def big(project) -> Site:
    return Site(many_cases(project, COPIES))


def add_copies(repo):
    real = sorted((repo / "data" / "cases").glob("*.yml"))
    for i in range(COPIES):  # the copies bench/run.py makes, named as test_paging names them
        original = real[i % len(real)]
        shutil.copy(original, original.with_name(f"bench-{i:04d}-{original.stem}"[:80] + ".yml"))


@pytest.fixture(scope="module")
def big_site(tmp_path_factory):
    site_dir, result = built_once(tmp_path_factory, "paging", add_copies)
    assert result["returncode"] == 0, result["stdout"] + result["stderr"]
    assert "WARNING" not in result["stdout"] + result["stderr"]
    return site_dir


@pytest.fixture(scope="module")
def big_pages(big_site):
    return crawl(big_site)


@pytest.fixture(scope="module")
def big_url(big_site):
    base, stop = serve(big_site)
    yield base
    stop()


@pytest.fixture
def open_page(tabs, big_url):
    yield from visits(tabs, big_url)


def test_the_long_indexes_run_to_numbered_pages_each_under_the_budget(big, big_site):
    for name, paging in big.PAGING.items():
        count = len(big.pages(name))
        assert count > 1, name
        for number in range(1, count + 1):
            page = big_site / paging.url(number) / "index.html"
            assert page.stat().st_size < BUDGET, f"{paging.url(number)}: {page.stat().st_size}"
        assert not (big_site / paging.url(count + 1)).exists()


def test_every_link_resolves_and_no_page_is_orphaned(big_site, big_pages):
    assert broken_links(big_site, big_pages) == []
    assert duplicate_ids(big_pages) == []
    assert orphans(big_pages) == []


def test_numbered_pages_are_of_their_kind_with_breadcrumb_and_citation(big, big_site):
    for paging in big.PAGING.values():
        address = paging.url(2)
        assert citation.page_kind(address) == (paging.page, "2")
        html = (big_site / address / "index.html").read_text(encoding="utf-8")
        crumbs = re.search(r'class="ir-breadcrumb".*?</div>', html, re.S).group(0)
        assert ">Home</a>" in crumbs and 'aria-current="page"' in crumbs
        assert 'class="ir-pager" aria-label="Other pages"' in html  # previous / next
        assert 'rel="prev"' in html
        # the <head> metadata of every page, but no "Cite this page" box: what a numbered
        # page holds moves as cases are added, so the index's first page is the one to cite
        assert '<meta name="citation_title"' in html and 'id="cite-this-page"' not in html
        assert 'class="ir-pages" aria-label="Pages of the' in html
        # out of the sidebar, like the other generated pages
        sidebar = html.split('<nav class="md-nav md-nav--primary"', 1)[1].split("</nav>", 1)[0]
        assert address not in sidebar
    timeline = (big_site / big.PAGING["timeline"].url(2) / "index.html").read_text()
    assert "javascripts/timeline.js" in timeline


def contested_on(big: Site, page: int) -> tuple[str, str, str]:
    """A case on page `page` of the comparison, a criterion whose other reading changes one
    of its verdicts, and that test."""
    for case_id in big.pages("comparison")[page - 1]:
        case = big.p.cases[case_id]
        for test in derive.TESTS:
            coded = derive.case_verdict(case, big.p, test)
            for criterion, verdict in derive.alternative_verdicts(case, big.p, test):
                if criterion != "*" and verdict.concept != coded.concept:
                    return case_id, criterion, test
    raise AssertionError(f"no contested reading on page {page}")


def test_what_if_works_on_a_numbered_page_and_keeps_the_readings_of_other_pages(
    big, open_page, big_url
):
    case_id, criterion, test = contested_on(big, 2)
    elsewhere, other_criterion, _ = contested_on(big, 1)
    key, kept = f"{case_id}:{criterion}", f"{elsewhere}:{other_criterion}"
    v = open_page(f"comparison/2/?alt={kept}", viewport=DESKTOP)
    page = v.page
    assert v.console_errors == [] and v.failed == []
    # a reading of a case on page 1: kept in the address, said, and carried by the pager
    summary = page.locator("[data-ir-whatif-summary]")
    assert "1 reading is switched for cases on other pages" in summary.inner_text()
    first = page.locator("[data-ir-pager] a[href]").first.get_attribute("href")
    assert f"alt={kept}" in first
    row = page.locator(f"#row-{case_id}")
    row.locator(f'td[data-criterion="{criterion}"] a.ir-contested').click()
    toggle = row.locator(f'[data-ir-whatif-toggle="{key}"]')
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert "coded:" in row.locator(f'[data-ir-verdict="{test}"]').inner_text()
    assert f"alt={kept},{key}" in page.url or f"alt={key},{kept}" in page.url
    # the legend still counts every case: the page's difference moves it
    total = sum(int(n) for n in page.locator(f'[data-ir-count^="{test}:"]').all_inner_texts())
    assert total == len(big.p.cases)
    # following the pager to page 1 brings both readings along, and page 1 applies its own
    page.locator("[data-ir-pager] a[href]").first.click()
    page.wait_for_load_state("load")
    assert page.url.startswith(big_url + "comparison/?alt=")
    mine = page.locator(f'[data-ir-whatif-toggle="{kept}"]')
    assert mine.get_attribute("aria-pressed") == "true"
    assert key in page.url


def test_filters_on_a_numbered_page_say_they_choose_among_its_rows(big, open_page):
    v = open_page("comparison/2/", viewport=DESKTOP)
    status = v.page.locator("[data-ir-filter-status]")
    shown = len(big.pages("comparison")[1])
    assert status.inner_text() == f"Showing all {shown} cases on this page."
    role = v.page.locator('select[name="role"]')
    value = role.locator("option").nth(1).get_attribute("value")
    role.select_option(value)
    expected = sum(1 for c in big.pages("comparison")[1] if big.p.cases[c]["role"] == value)
    v.page.wait_for_function(
        "document.querySelector('[data-ir-filter-status]').textContent.indexOf('of the') > 0"
    )
    assert status.inner_text() == f"Showing {expected} of the {shown} cases on this page."


def test_timeline_pages_filter_their_events_and_carry_the_choice(big, open_page):
    view = big.timeline(big.PAGING["timeline"].url(2), 2)
    events = [e for year in view["years"] for e in year["events"]]
    kind = view["kinds"][0].value
    expected = sum(1 for e in events if e["kind"].value == kind)
    assert 0 < expected < len(events)
    v = open_page(f"timeline/2/?kind={kind}", viewport=PHONE)
    page = v.page
    assert v.console_errors == []
    status = page.locator("#timeline-status")
    status.filter(has_text="Showing").wait_for(timeout=5000)
    assert status.inner_text() == f"Showing {expected} of {len(events)} events."
    nxt = page.locator("a[data-ir-pager-link]", has_text="Next page").get_attribute("href")
    assert nxt.endswith(f"?kind={kind}") and "/timeline/3/" in nxt


@pytest.mark.parametrize(
    "path", ["comparison/2/", "cases/page/2/", "timeline/2/", "comparison/?alt=x-y:z"]
)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_numbered_pages_have_no_accessibility_violations(open_page, axe, path, scheme):
    v = open_page(path, viewport=PHONE if scheme == "dark" else DESKTOP, color_scheme=scheme)
    result = axe.run(v.page, options=AXE)
    assert [x["id"] for x in result.response["violations"]] == []
    assert v.console_errors == [] and v.failed == []
