"""Glossary terms in a real browser (macros/glossary.py, javascripts/glossary.js): the short
definition shows on hover, on keyboard focus and on tap; Enter pins it open and makes its link
reachable; Escape closes it; screen readers get it as the term's description; axe finds no
violation with a definition open, in light and dark. The browser fixtures are conftest.py's."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from test_browser import screenshot

from conftest import AXE, DESKTOP, PHONE

pytestmark = pytest.mark.slow
CASE = "cases/syria-civil-war/"


def parts(page, tip: str):
    """The term, pop-up and link of the glossary term described by the element `tip`."""
    pop = page.locator(f"#{tip}-pop")
    return page.locator(f'[aria-describedby="{tip}"]'), pop, pop.locator(".ir-gloss__more")


def first_term(page):
    term = page.locator(".ir-gloss__term").first
    term.scroll_into_view_if_needed()
    gloss = page.locator(".ir-gloss").first
    return term, gloss.locator(".ir-gloss__pop"), gloss.locator(".ir-gloss__more")


def definition_of(site, page) -> str:
    """The data's short definition of the first term on the page."""
    href = page.locator(".ir-gloss__more").first.get_attribute("href")
    entry = re.search(r"(concepts/([a-z0-9-]+)/|#([a-z0-9-]+))$", href)
    if entry.group(2):
        return site.p.concepts[entry.group(2)]["short"]
    return site.p.criteria[entry.group(3)]["short"]


def test_hover_shows_the_definition_and_leaving_hides_it(visit, site):
    v = visit(CASE, viewport=DESKTOP)
    term, pop, _ = first_term(v.page)
    assert not pop.is_visible()
    term.hover()
    expect(pop).to_be_visible()
    assert definition_of(site, v.page) in " ".join(pop.inner_text().split())
    box, term_box = pop.bounding_box(), term.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= DESKTOP["width"]
    assert abs(box["y"] - term_box["y"] - term_box["height"]) < 8  # right under the term
    screenshot(v.page, "glossary-hover-desktop")
    # Escape closes it without moving the pointer (WCAG 1.4.13) ...
    v.page.keyboard.press("Escape")
    expect(pop).to_be_hidden()
    # ... and it opens again on the next hover.
    v.page.mouse.move(0, 0)
    term.hover()
    expect(pop).to_be_visible()
    v.page.mouse.move(0, 0)
    expect(pop).to_be_hidden()
    assert v.console_errors == []


def test_keyboard_focus_enter_tab_and_escape(visit):
    v = visit(CASE, viewport=DESKTOP)
    page = v.page
    for _ in range(400):  # every link of the facts, summary and sources comes first
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('ir-gloss__term')"):
            break
    else:
        pytest.fail("no glossary term was reached with Tab")
    term, pop, link = parts(
        page, page.evaluate("document.activeElement.getAttribute('aria-describedby')")
    )
    expect(pop).to_be_visible()  # focus shows it
    assert term.get_attribute("aria-expanded") == "false"
    outline = term.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline != "none", "the focused term shows a focus ring"
    # Enter pins it open; only then is its link the next Tab stop.
    page.keyboard.press("Enter")
    assert term.get_attribute("aria-expanded") == "true"
    assert term.get_attribute("aria-controls") == pop.get_attribute("id")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('ir-gloss__more')")
    expect(pop).to_be_visible()
    # Escape closes it and puts focus back on the term.
    page.keyboard.press("Escape")
    expect(pop).to_be_hidden()
    assert page.evaluate("document.activeElement.classList.contains('ir-gloss__term')")
    assert term.get_attribute("aria-expanded") == "false"
    # Enter opens it again, Enter closes it.
    page.keyboard.press("Enter")
    expect(pop).to_be_visible()
    page.keyboard.press("Enter")
    expect(pop).to_be_hidden()
    # Closed, its link is no Tab stop: Tab goes past it.
    page.keyboard.press("Tab")
    assert not page.evaluate("document.activeElement.classList.contains('ir-gloss__more')")
    expect(link).to_be_hidden()
    assert v.console_errors == []


def test_screen_readers_get_the_definition_as_the_terms_description(visit, site):
    v = visit(CASE, viewport=DESKTOP)
    term, _, _ = first_term(v.page)
    short = definition_of(site, v.page)
    expect(term).to_have_role("button")
    expect(term).to_have_accessible_name(term.inner_text())
    expect(term).to_have_accessible_description(re.compile(re.escape(short)))
    tip = v.page.locator("#" + term.get_attribute("aria-describedby"))
    assert tip.get_attribute("role") == "tooltip"


def test_tap_on_a_phone_opens_it_and_a_tap_elsewhere_closes_it(visit):
    v = visit(CASE, viewport=PHONE, is_mobile=True, has_touch=True)
    term, pop, link = first_term(v.page)
    term.tap()
    expect(pop).to_be_visible()
    assert term.get_attribute("aria-expanded") == "true"
    box = pop.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], "fits the screen"
    assert v.page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    expect(link).to_be_visible()
    screenshot(v.page, "glossary-tap-phone")
    v.page.locator("h1").tap()
    expect(pop).to_be_hidden()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_accessibility_violations_with_a_definition_open(visit, axe, scheme):
    v = visit(CASE, viewport=DESKTOP, color_scheme=scheme)
    term, pop, _ = first_term(v.page)
    term.click()
    expect(pop).to_be_visible()
    screenshot(v.page, f"glossary-open-{scheme}")
    result = axe.run(v.page, options=AXE)
    assert [
        (x["id"], x["nodes"][0]["target"], x["nodes"][0]["failureSummary"])
        for x in result.response["violations"]
    ] == []


def test_a_definition_in_a_scrolling_table_is_not_cut_off(visit):
    """The comparison and coding tables scroll sideways: the pop-up is placed over the page,
    not inside the table's scroll box."""
    v = visit(CASE, viewport=DESKTOP)
    first = v.page.locator(".ir-table .ir-gloss__term").first
    term, pop, _ = parts(v.page, first.get_attribute("aria-describedby"))
    term.scroll_into_view_if_needed()
    term.click()
    expect(pop).to_be_visible()
    assert pop.evaluate("e => getComputedStyle(e).position") == "fixed"
    inside = term.evaluate(
        "e => { const t = e.closest('.ir-table'); return [t.scrollWidth, t.clientWidth]; }"
    )
    assert inside[0] <= inside[1], "the open pop-up does not widen the table's scroll box"
