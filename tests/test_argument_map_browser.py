"""The argument map in a real browser: the drawing for the screen's width is the one shown, it
fits a 375-px phone, its text stays inside its boxes, every claim is a keyboard stop that
leads to the claim, and axe finds nothing in light and dark. Reuses test_browser's fixtures.
"""

from __future__ import annotations

import pytest
import test_browser
from test_browser import SCHEMES, WIDTHS, context_for, screenshot

from conftest import AXE

# The browser, the server of the built site and axe: fixtures of test_browser.py on this
# branch, of conftest.py once they move there (then nothing is taken from test_browser).
for _name in ("axe", "base_url", "browser", "visit"):
    if hasattr(test_browser, _name):
        globals()[_name] = getattr(test_browser, _name)

pytestmark = pytest.mark.slow

SHOWN = {"phone": "narrow", "desktop": "wide"}

TEXT_OUTSIDE_BOXES = """() => {
    const out = [];
    for (const svg of document.querySelectorAll('.ir-map-svg')) {
        if (getComputedStyle(svg).display === 'none') continue;
        for (const a of svg.querySelectorAll('a')) {
            const r = a.querySelector('rect').getBBox();
            for (const t of a.querySelectorAll('text')) {
                const b = t.getBBox();
                if (b.x < r.x || b.x + b.width > r.x + r.width || b.y < r.y
                    || b.y + b.height > r.y + r.height)
                    out.push(a.getAttribute('data-claim') || a.getAttribute('data-objection'));
            }
        }
    }
    return out;
}"""


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_map_fits_and_has_no_accessibility_violations(visit, axe, project, width, scheme):
    v = visit("argument/", **context_for(width, scheme))
    figure = v.page.locator("#argument-map-figure")
    figure.scroll_into_view_if_needed()
    screenshot(v.page, f"argument-map-{width}-{scheme}")
    shown = v.page.locator(".ir-map-svg:visible")
    assert shown.count() == 1
    assert f"ir-map-svg--{SHOWN[width]}" in shown.get_attribute("class")
    assert shown.locator("a.ir-map-node").count() == len(project.argument["claims"])
    assert v.page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    box = shown.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTHS[width]["width"]
    assert v.page.evaluate(TEXT_OUTSIDE_BOXES) == []
    # Text in the boxes is no smaller than 10 px on screen.
    scale = box["width"] / float(shown.get_attribute("viewBox").split()[2])
    assert 11 * scale >= 10, scale
    if width == "desktop":
        # The same page in the same context as test_browser's axe check of every page kind
        # at desktop width (test_no_accessibility_violations[argument-desktop-*]): not twice.
        assert test_browser.PAGE_KINDS["argument"] == "argument/"
        return
    result = axe.run(v.page, options=AXE)
    violations = [
        f"{x['id']}: {x['nodes'][0]['target']} {x['nodes'][0]['failureSummary']}"
        for x in result.response["violations"]
    ]
    assert violations == []


@pytest.mark.parametrize("width", WIDTHS)
def test_every_claim_in_the_map_is_a_keyboard_stop_that_leads_to_it(visit, project, width):
    v = visit("argument/", **context_for(width, "light"))
    v.page.locator(".ir-map-legend").scroll_into_view_if_needed()
    claims = [c["id"] for c in project.argument["claims"]]
    objections = [o["id"] for c in project.argument["claims"] for o in c.get("objections", [])]
    reached, marked = [], []
    for _ in range(400):
        v.page.keyboard.press("Tab")
        focused = v.page.evaluate("""() => {
            const el = document.activeElement;
            const s = getComputedStyle(el);
            return {claim: el.getAttribute('data-claim'), objection: el.getAttribute('data-objection'),
                    list: !!el.closest('.ir-map-list'),
                    ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0};
        }""")
        if focused["list"]:
            break
        if focused["claim"]:
            assert focused["ring"], focused
            reached.append(focused["claim"])
        if focused["objection"]:
            marked.append(focused["objection"])
    assert reached == claims  # every claim once, in the essay's order
    assert marked == objections
    # Enter on a claim's box goes to the claim.
    last = claims[-1]
    v.page.locator(f'.ir-map-svg:visible a[data-claim="{last}"]').focus()
    v.page.keyboard.press("Enter")
    v.page.wait_for_function(f"location.hash === '#{last}'")
