"""The built site in a real browser (Debian's Chromium driven by Playwright).

Every page kind: loads with no console error or failed request and no request to another
host; axe-core finds no WCAG 2.1 A/AA violation in light and dark schemes; works by keyboard;
search finds cases and concepts; fits a 375-px phone; has a way up and a table of contents
at every width; shows no raw id or ISO date. Screenshots go to test-artifacts/
(`make screenshots`: every page kind at both widths, light and dark).
"""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import AXE, DESKTOP, PHONE, ROOT, Visit

pytestmark = pytest.mark.slow  # builds the site
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
PAGE_KINDS = {
    "home": "",
    "argument": "argument/",
    "concepts": "concepts/",
    "concept": "concepts/strategic-alliance/",
    "criteria": "criteria/",
    "cases": "cases/",
    "case": "cases/syria-civil-war/",
    "comparison": "comparison/",
    "sources": "sources/",
    "about": "about/",
    "data": "data/",
    "contribute": "contribute/",
    "field-reference": "contribute/schema/",
    "cite": "cite/",
    "perspectives": "perspectives/",
    "timeline": "timeline/",
}


def screenshot(page, name, max_height=None):
    """The whole page (at most `max_height` px of it) as test-artifacts/screenshots/NAME.png.
    Chromium's own capture with its quicker PNG encoding: what Playwright's full-page
    screenshot shows, in a third less time."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    width, height = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    cdp = page.context.new_cdp_session(page)
    shot = cdp.send(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "optimizeForSpeed": True,
            "clip": {
                "x": 0,
                "y": 0,
                "width": width,
                "height": min(height, max_height or height),
                "scale": 1,
            },
        },
    )
    cdp.detach()
    (ARTIFACTS / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))


# ----- every page kind at both widths in both schemes ----------------------------------------
#
# One page is opened for each kind, width and scheme (`shown`), and the tests of that page
# share it: pytest runs the tests of one `shown` together, in the order of this file, then
# closes it. So the tests that only look come first, then the screenshot, then the tests
# that scroll and click (issue 9: a reader gets the answer in thirty seconds, on a phone too).


WIDTHS = {"phone": PHONE, "desktop": DESKTOP}
SCHEMES = ["light", "dark"]


def context_for(width: str, scheme: str) -> dict:
    phone = width == "phone"
    return {
        "viewport": WIDTHS[width],
        "color_scheme": scheme,
        "is_mobile": phone,
        "has_touch": phone,
    }


def views(kinds=tuple(PAGE_KINDS), widths=tuple(WIDTHS), schemes=tuple(SCHEMES)):
    """Parameters for `shown`: these page kinds at these widths in these schemes."""
    return [
        pytest.param((kind, width, scheme), id=f"{kind}-{width}-{scheme}")
        for kind in kinds
        for width in widths
        for scheme in schemes
    ]


@pytest.fixture(scope="module")
def shown(request, tabs, base_url):
    kind, width, scheme = request.param
    v = Visit(tabs, base_url, PAGE_KINDS[kind], **context_for(width, scheme))
    v.kind, v.width, v.scheme = kind, width, scheme
    yield v
    v.close()


@pytest.mark.parametrize("shown", views(widths=["desktop"], schemes=["light"]), indirect=True)
def test_page_loads_cleanly_from_its_own_host_only(shown, base_url):
    v = shown
    assert v.console_errors == []
    assert v.failed == []
    own = urlsplit(base_url).netloc
    assert [u for u in v.requests if urlsplit(u).netloc != own and not u.startswith("data:")] == []


@pytest.mark.parametrize("shown", views(widths=["desktop"]), indirect=True)
def test_no_accessibility_violations(shown, axe):
    v = shown
    result = axe.run(v.page, options=AXE)
    violations = [
        f"{x['id']}: {x['nodes'][0]['target']} {x['nodes'][0]['failureSummary']}"
        for x in result.response["violations"]
    ]
    assert violations == []


@pytest.mark.parametrize("shown", views(widths=["phone"], schemes=["light"]), indirect=True)
def test_phone_has_no_horizontal_page_scroll(shown):
    v = shown
    overflow = v.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


@pytest.mark.parametrize("shown", views(["comparison"], ["phone"], ["light"]), indirect=True)
def test_phone_comparison_table_scrolls_inside_its_container(shown):
    v = shown
    table = v.page.locator(".ir-table").first
    assert table.evaluate("e => e.scrollWidth > e.clientWidth")
    assert table.evaluate("e => getComputedStyle(e).overflowX") == "auto"


# A full ISO date, or an ISO year-month on either side of a range ("2011–2024-12"); "1995-96"
# is how people write a span of years.
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|[–—]\s*\d{4}-\d{2}\b|\b\d{4}-\d{2}\s*[–—]")


def visible_text(page) -> str:
    """The article's text as shown, without code (ids are meant there) and without link text
    that is an address (a URL may hold anything)."""
    return page.evaluate("""() => {
        const article = document.querySelector('article').cloneNode(true);
        article.querySelectorAll('code, pre, kbd, .headerlink').forEach(e => e.remove());
        article.querySelectorAll('a').forEach(a => {
            if (/^https?:/.test(a.textContent.trim())) a.remove();
        });
        article.querySelectorAll('details').forEach(d => d.setAttribute('open', ''));
        document.body.appendChild(article);
        const text = article.innerText;
        article.remove();
        return text;
    }""")


# The contributor's pages are about ids and fields: they name them on purpose.
FOR_CONTRIBUTORS = {"contribute", "field-reference"}


@pytest.mark.parametrize("shown", views(widths=["desktop"], schemes=["light"]), indirect=True)
def test_no_raw_id_or_iso_date_in_visible_text(shown, project):
    v, kind = shown, shown.kind
    text = visible_text(v.page)
    assert ISO_DATE.findall(text) == []
    if kind in FOR_CONTRIBUTORS:
        return
    ids = {
        i
        for group in (project.cases, project.sources, project.concepts, project.criteria)
        for i in group
        if "-" in i
    }
    ids |= {c["id"] for c in project.argument["claims"]}
    words = set(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", text))
    assert sorted(words & ids) == []


@pytest.mark.parametrize("shown", views(["home"]), indirect=True)
def test_the_home_page_gives_the_sites_answer_above_the_fold(shown, site):
    v, width = shown, shown.width
    answer = v.page.locator(".ir-bottom-line")
    assert answer.is_visible()
    box = answer.bounding_box()
    assert box["y"] < WIDTHS[width]["height"], "the answer starts on the first screen"
    text = " ".join(answer.inner_text().split())
    view = site.bottom_line("")
    coded = view["all_site"]["total"] - len(view["all_site"]["not_coded"])
    assert f"{coded} Iran-Russia cases" in text  # counted by the build, not typed
    from macros.templates import date_text

    assert f"as of {date_text(view['date'])}".lower() in text.lower()  # the label is upper case


@pytest.mark.screenshot
@pytest.mark.parametrize("shown", views(), indirect=True)
def test_screenshot(shown):
    """`make screenshots`: every page kind at 375 and 1280 px, light and dark, for a reviewer
    (test-artifacts/screenshots/<kind>-<width>-<scheme>.png, at most 15,000 px tall)."""
    screenshot(shown.page, f"{shown.kind}-{shown.width}-{shown.scheme}", max_height=15_000)


# After the screenshot: these scroll, click and open.


@pytest.mark.parametrize("shown", views(["comparison"]), indirect=True)
def test_comparison_case_column_stays_in_view_while_the_table_scrolls(shown):
    v, width, scheme = shown, shown.width, shown.scheme
    box = v.page.locator(".ir-table").first
    # One scroll container: Material did not wrap the table in a scroller of its own.
    assert (
        v.page.locator(".ir-table .md-typeset__scrollwrap, .ir-table .md-typeset__table").count()
        == 0
    )
    row = v.page.locator("#row-syria-civil-war")
    row.scroll_into_view_if_needed()
    case_cell = row.locator("th")
    before = case_cell.bounding_box()
    left = box.bounding_box()["x"]
    overflows = box.evaluate("e => e.scrollWidth > e.clientWidth")
    if width == "phone":
        assert overflows, "the comparison should scroll sideways on a phone"
        assert v.page.locator(".ir-scroll-hint").first.is_visible()
    box.evaluate("e => e.scrollTo({left: e.scrollWidth, behavior: 'instant'})")  # at once
    if overflows:
        assert box.evaluate("e => e.scrollLeft") > 0
    after = case_cell.bounding_box()
    assert abs(after["x"] - left) <= 1 and abs(after["x"] - before["x"]) <= 1
    assert case_cell.is_visible()
    # The verdict column is reachable and the contested marker opens by keyboard.
    assert row.locator(".ir-verdict").last.is_visible()  # the extended test, last column
    marker = v.page.locator("a.ir-contested").first
    marker.focus()
    v.page.keyboard.press("Enter")
    assert marker.get_attribute("aria-expanded") == "true"
    assert v.page.locator(".ir-contested__more").first.is_visible()
    if width == "phone":
        screenshot(v.page, f"comparison-scrolled-{width}-{scheme}")


WAY_UP = {  # the breadcrumb of each kind
    "case": ["Home", "Cases"],
    "concept": ["Home", "Concepts"],
    "sources": ["Home"],
}


@pytest.mark.parametrize("shown", views(WAY_UP), indirect=True)
def test_a_way_up_and_a_table_of_contents_at_every_width(shown):
    v, kind = shown, shown.kind
    trail = WAY_UP[kind]
    crumbs = v.page.locator(".ir-breadcrumb[role=navigation] a")
    assert [crumbs.nth(i).inner_text() for i in range(crumbs.count())] == trail
    assert crumbs.last.is_visible()
    own = v.page.locator(".md-sidebar--secondary .md-nav--secondary .md-nav__link").first
    if own.count() and own.is_visible():
        toc_link = own
    else:
        toc = v.page.locator("details.ir-onthispage")
        assert toc.is_visible(), "no table of contents is visible"
        toc.locator("summary").click()
        toc_link = toc.locator("a").first
    assert toc_link.is_visible()
    target = toc_link.get_attribute("href")
    toc_link.click()
    v.page.wait_for_function(f"location.hash === {target!r}")
    if kind == "case":
        pager = v.page.locator("nav.ir-pager a[rel=next], nav.ir-pager a[rel=prev]")
        assert pager.count() >= 1
        pager.first.scroll_into_view_if_needed()
        assert pager.first.is_visible()


# ----- search, keyboard, the cite box ----------------------------------------------------------


def open_search(page, query):
    page.locator(".md-search__input").click()
    page.locator(".md-search__input").press_sequentially(query, delay=40)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_open_search_dialog_has_no_accessibility_violations(visit, axe, scheme):
    v = visit("", viewport=DESKTOP, color_scheme=scheme, search=True)
    open_search(v.page, "Syria")
    v.page.wait_for_selector(".md-search-result__item")
    result = axe.run(v.page, options=AXE)
    assert [
        (x["id"], x["nodes"][0]["target"], x["nodes"][0]["failureSummary"])
        for x in result.response["violations"]
    ] == []


@pytest.mark.parametrize(
    "query, target",
    [
        ("Syria", "cases/syria-civil-war/"),
        ("Tajik", "cases/tajik-civil-war/"),
        ("strategic partnership", "concepts/strategic-partnership/"),
    ],
)
def test_search_finds_cases_and_concepts(visit, query, target):
    v = visit("", viewport=DESKTOP, search=True)
    open_search(v.page, query)
    v.page.wait_for_selector(f'.md-search-result__item a[href*="{target}"]', timeout=10_000)


def focus_outline(page) -> dict:
    return page.evaluate("""() => {
        const el = document.activeElement;
        // Material draws the focus ring of a visually hidden option on its label.
        const shown = el.classList.contains('md-option') ? el.nextElementSibling : el;
        const s = getComputedStyle(shown);
        return {tag: el.tagName, cls: el.className, text: (el.textContent || '').trim().slice(0, 40),
                outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
                shadow: s.boxShadow !== 'none'};
    }""")


def test_skip_link_is_first_visible_and_works(visit):
    v = visit("cases/syria-civil-war/", viewport=DESKTOP)
    v.page.keyboard.press("Tab")
    focused = focus_outline(v.page)
    assert "md-skip" in focused["cls"]
    assert v.page.locator(".md-skip").is_visible()
    v.page.keyboard.press("Enter")
    assert v.page.evaluate("location.hash") == "#case-title"


def test_focus_is_visible_on_every_tab_stop(visit):
    v = visit("comparison/", viewport=DESKTOP)
    invisible = []
    for _ in range(25):
        v.page.keyboard.press("Tab")
        focused = focus_outline(v.page)
        if focused["tag"] != "BODY" and not (focused["outline"] or focused["shadow"]):
            invisible.append(focused)
    assert invisible == []


def test_comparison_table_is_reachable_and_scrolls_by_keyboard(visit):
    v = visit("comparison/", viewport=PHONE)
    for _ in range(80):
        v.page.keyboard.press("Tab")
        if v.page.evaluate("document.activeElement.classList.contains('ir-table')"):
            break
    else:
        pytest.fail("the comparison table was not reached with Tab")
    assert v.page.evaluate("document.activeElement.scrollLeft") == 0
    for _ in range(5):
        v.page.keyboard.press("ArrowRight")
    # Keyboard scrolling is smooth: wait for it rather than reading it at once.
    v.page.wait_for_function("document.activeElement.scrollLeft > 0", timeout=5_000)


def test_phone_navigation_drawer_opens_and_closes(visit):
    v = visit("cases/", viewport=PHONE, is_mobile=True, has_touch=True)
    drawer = v.page.locator("#__drawer")
    nav_link = v.page.locator(".md-sidebar--primary .md-nav__link", has_text="Comparison").first
    assert not nav_link.is_visible() or not drawer.is_checked()
    v.page.locator('label.md-header__button[for="__drawer"]').click()
    assert drawer.is_checked()
    nav_link.wait_for(state="visible")
    v.page.locator('label.md-overlay[for="__drawer"]').click(position={"x": 360, "y": 400})
    assert not drawer.is_checked()


def test_missing_browser_fails_with_install_hint(tmp_path):
    """Without Chromium the browser tests must fail loudly, never skip."""
    import subprocess
    import sys

    env = {
        **os.environ,
        "CHROMIUM_PATH": str(tmp_path / "no-such-chromium"),
        "NO_MKDOCS_2_WARNING": "1",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"{Path(__file__)}::test_skip_link_is_first_visible_and_works",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "apt-get install -y chromium" in result.stdout
    assert "skipped" not in result.stdout.splitlines()[-1]


@pytest.mark.parametrize("key", ["Enter", "Space"])
def test_cite_box_copies_by_keyboard_and_announces_it(visit, key):
    v = visit(
        "cases/syria-civil-war/",
        viewport=DESKTOP,
        permissions=["clipboard-read", "clipboard-write"],
    )
    v.page.evaluate("navigator.clipboard.writeText('')")  # nothing left from an earlier copy
    assert v.page.get_by_role("button", name="Copy APA 7").is_visible()  # shown by the script
    button = v.page.get_by_role("button", name="Copy BibTeX")
    assert not button.is_visible()  # in the closed "More styles and formats"
    v.page.locator(".ir-cite__more summary").focus()
    v.page.keyboard.press(key)
    assert button.is_visible()
    button.focus()
    v.page.keyboard.press(key)
    status = v.page.locator("#cite-status")
    status.filter(has_text="BibTeX copied").wait_for(timeout=5000)
    assert status.get_attribute("aria-live") == "polite"
    copied = v.page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("@online{iranrussia-cases-syria-civil-war,")
    assert v.console_errors == []


# ----- issue 15: the timeline's filters -------------------------------------------------------


def test_timeline_filters_work_by_keyboard_and_announce_the_count(visit, project):
    v = visit("timeline/", viewport=PHONE, is_mobile=True, has_touch=True)
    page = v.page
    events = page.locator(".ir-event")
    total = sum(len(c.get("events", [])) for c in project.cases.values())
    assert events.count() == total
    status = page.locator("#timeline-status")
    assert status.get_attribute("role") == "status"
    assert status.get_attribute("aria-live") == "polite"
    # The script shows the filters; by keyboard: focus the kind filter, choose "Vote".
    kind = page.get_by_label("Kind of event")
    assert kind.is_visible()
    kind.focus()
    votes = sum(
        1 for c in project.cases.values() for e in c.get("events", []) if e["kind"] == "vote"
    )
    for _ in range(10):
        if kind.input_value() == "vote":
            break
        page.keyboard.press("ArrowDown")
    assert kind.input_value() == "vote"
    status.filter(has_text=f"Showing {votes} of {total} events").wait_for(timeout=5000)
    assert page.locator(".ir-event:visible").count() == votes
    assert all(
        k == "vote"
        for k in page.locator(".ir-event:visible").evaluate_all(
            "els => els.map(e => e.dataset.kind)"
        )
    )
    # A year without a vote is hidden with its heading; the choice is kept in the address.
    hidden_years = page.locator(".ir-timeline-year[hidden]").count()
    assert hidden_years > 0
    assert "kind=vote" in page.url
    # Narrowed further to one case, then reset with the keyboard: everything is back.
    case_id = next(
        cid
        for cid, c in project.cases.items()
        if any(e["kind"] == "vote" for e in c.get("events", []))
    )
    page.get_by_label("Case", exact=True).select_option(case_id)
    shown = sum(1 for e in project.cases[case_id]["events"] if e["kind"] == "vote")
    status.filter(has_text=f"Showing {shown} of {total} events").wait_for(timeout=5000)
    page.get_by_role("button", name="Show all").focus()
    page.keyboard.press("Enter")
    status.filter(has_text=f"{total} events from").wait_for(timeout=5000)
    assert page.locator(".ir-event:visible").count() == total
    assert "?" not in page.url
    assert v.console_errors == []


def test_timeline_opens_filtered_from_a_case_page_link(visit, project):
    case_id = "syria-civil-war"
    v = visit(f"cases/{case_id}/", viewport=DESKTOP)
    v.page.get_by_role("link", name="This case's events on the timeline of all cases").click()
    v.page.wait_for_load_state("load")
    assert v.page.get_by_label("Case", exact=True).input_value() == case_id
    assert v.page.locator(".ir-event:visible").count() == len(project.cases[case_id]["events"])


def test_timeline_without_script_lists_every_event(visit, project):
    page = visit("timeline/", java_script_enabled=False, viewport=PHONE).page
    total = sum(len(c.get("events", [])) for c in project.cases.values())
    assert page.locator(".ir-event:visible").count() == total
    assert not page.locator("#timeline-filters").is_visible()


def test_timeline_filters_keep_their_place_until_their_script_shows_them(visit, browser, base_url):
    """The filters are shown by a deferred script, after the first paint: until then their
    place is kept (overrides/main.html, .ir-js), so the events do not jump down."""
    first_year = "document.querySelector('.ir-timeline-year').getBoundingClientRect().top"
    shown = visit("timeline/", viewport=PHONE)
    assert shown.page.locator("#timeline-filters").is_visible()
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.route("**/timeline.js", lambda route: route.abort())
        page.goto(base_url + "timeline/", wait_until="load")
        assert not page.locator("#timeline-filters").is_visible()
        assert page.evaluate(first_year) == shown.page.evaluate(first_year)
    finally:
        context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_filtered_timeline_has_no_accessibility_violations(visit, axe, scheme):
    v = visit("timeline/?kind=vote", viewport=DESKTOP, color_scheme=scheme)
    v.page.locator("#timeline-status").filter(has_text="Showing").wait_for(timeout=5000)
    result = axe.run(v.page, options=AXE)
    assert [x["id"] for x in result.response["violations"]] == []


def test_timeline_prints_without_its_filters(visit, tmp_path):
    v = visit("timeline/", viewport=DESKTOP)
    v.page.emulate_media(media="print")
    assert not v.page.locator("#timeline-filters").is_visible()
    assert v.page.locator(".ir-event").first.is_visible()
    pdf = tmp_path / "timeline.pdf"
    v.page.pdf(path=str(pdf))
    assert pdf.stat().st_size > 10_000
