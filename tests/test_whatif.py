"""The comparison's sorting and filtering and the reader's what-if, in a real browser.

The what-if script (docs/javascripts/whatif.js) applies the build's verdict rule
(macros/derive.py) to the data the page carries; the first test runs both on every case and
every combination of recorded alternative readings and requires the same verdict.
"""

from __future__ import annotations

import itertools
import re

import pytest

from conftest import AXE, DESKTOP, PHONE
from macros import derive

pytestmark = pytest.mark.slow


def combinations(case: dict) -> list[dict[str, str]]:
    """The case's coding under every subset of its alternative readings."""
    base = derive.case_values(case)
    alternatives = {
        c: e["alternative"]["value"]
        for c, e in case.get("coding", {}).items()
        if "alternative" in e
    }
    result = []
    for chosen in itertools.product([False, True], repeat=len(alternatives)):
        values = dict(base)
        for (criterion, value), on in zip(alternatives.items(), chosen, strict=True):
            if on:
                values[criterion] = value
        result.append(values)
    return result


def test_client_rule_agrees_with_the_python_rule_on_every_case_and_combination(visit, project):
    v = visit("comparison/", viewport=DESKTOP)
    calls, expected = [], []
    for case in project.cases.values():
        for test in derive.TESTS:
            if not derive.applies(case, project, test):
                continue
            for values in combinations(case):
                calls.append([values, test])
                verdict = derive.verdict_for(values, project, test)
                expected.append(
                    [verdict.concept, list(verdict.contenders), verdict.total]
                    + [verdict.score(verdict.contenders[0])]
                )
    got = v.page.evaluate(
        """calls => calls.map(([values, test]) => {
             const v = window.irWhatIf.verdictFor(values, test);
             return [v.concept, v.contenders, v.total, v.best];
           })""",
        calls,
    )
    assert len(calls) > 100  # every case, both tests, every subset of readings
    assert got == expected


def changing_alternative(project) -> tuple[str, str, str, str]:
    """A case, criterion and test where the one alternative reading changes the verdict,
    with the title the verdict then reads as."""
    for case_id, case in project.cases.items():
        for test in derive.TESTS:
            coded = derive.case_verdict(case, project, test)
            for criterion, verdict in derive.alternative_verdicts(case, project, test):
                if criterion != "*" and verdict.concept != coded.concept:
                    title = (
                        project.concepts[verdict.concept]["title"]
                        if verdict.concept
                        else ("Indeterminate")
                    )
                    return case_id, criterion, test, title
    raise AssertionError("no alternative reading changes a verdict")


def test_what_if_on_the_comparison_by_keyboard_is_announced_and_shared_by_url(
    visit, project, base_url
):
    case_id, criterion, test, title = changing_alternative(project)
    v = visit("comparison/", viewport=DESKTOP)
    page = v.page
    row = page.locator(f"#row-{case_id}")
    toggle = row.locator(f'[data-ir-whatif-toggle="{case_id}:{criterion}"]')
    assert toggle.count() == 0  # the switch is made when its reading is first opened
    marker = row.locator(f'td[data-criterion="{criterion}"] a.ir-contested')
    assert marker.get_attribute("role") == "button"
    assert marker.get_attribute("aria-expanded") == "false"
    marker.focus()
    page.keyboard.press("Enter")  # opens the contested marker in place
    assert marker.get_attribute("aria-expanded") == "true"
    assert "#" not in page.url  # a button now, not a link followed
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-pressed") == "true"
    verdict = row.locator(f'[data-ir-verdict="{test}"]')
    assert verdict.locator(".ir-verdict").inner_text() == title
    assert "coded:" in verdict.inner_text()
    status = page.locator("[data-ir-whatif-status]")
    page.wait_for_function("document.querySelector('[data-ir-whatif-status]').textContent !== ''")
    assert title in status.inner_text()
    assert f"alt={case_id}:{criterion}" in page.url
    legend = page.locator(f'[data-ir-count^="{test}:"]')
    total = sum(int(n) for n in legend.all_inner_texts())
    assert total == len(project.cases)

    shared = page.url
    w = visit(shared.replace(base_url, ""), viewport=DESKTOP)
    again = w.page.locator(f"#row-{case_id}")
    assert (
        again.locator(f'[data-ir-whatif-toggle="{case_id}:{criterion}"]').get_attribute(
            "aria-pressed"
        )
        == "true"
    )
    assert again.locator(f'[data-ir-verdict="{test}"] .ir-verdict').inner_text() == title
    w.page.locator("[data-ir-whatif-reset]").click()
    assert "alt=" not in w.page.url
    assert again.locator(f'[data-ir-verdict="{test}"] .ir-whatif-note').count() == 0


def test_what_if_on_a_case_page_by_keyboard(visit, project, base_url):
    case_id, criterion, test, title = changing_alternative(project)
    v = visit(f"cases/{case_id}/", viewport=PHONE)
    page = v.page
    box = page.locator(f'.ir-whatif input[value="{case_id}:{criterion}"]')
    box.focus()
    page.keyboard.press("Space")
    assert box.is_checked()
    shown = page.locator(f'.ir-whatif [data-ir-verdict="{test}"] .ir-verdict')
    assert shown.inner_text() == title
    page.wait_for_function("document.querySelector('[data-ir-whatif-status]').textContent !== ''")
    assert title in page.locator(".ir-whatif [data-ir-whatif-status]").inner_text()
    assert f"alt={case_id}:{criterion}" in page.url
    w = visit(page.url.replace(base_url, ""), viewport=PHONE)
    assert w.page.locator(f'.ir-whatif input[value="{case_id}:{criterion}"]').is_checked()
    assert w.page.locator(f'.ir-whatif [data-ir-verdict="{test}"] .ir-verdict').inner_text() == (
        title
    )


def test_sorting_by_keyboard_orders_rows_and_is_announced(visit, project):
    v = visit("comparison/", viewport=DESKTOP)
    page = v.page
    header = page.locator(".ir-comparison thead th", has_text="Period")
    header.focus()
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "ascending"
    starts = page.locator(".ir-comparison tbody tr td:nth-of-type(1)").evaluate_all(
        "cells => cells.map(c => c.dataset.sort)"
    )
    assert starts == sorted(starts)
    assert len(starts) == len(project.cases)
    page.wait_for_function(
        "document.querySelector('[data-ir-filter-status]').textContent.startsWith('Sorted')"
    )
    page.keyboard.press("Space")
    assert header.get_attribute("aria-sort") == "descending"
    starts = page.locator(".ir-comparison tbody tr td:nth-of-type(1)").evaluate_all(
        "cells => cells.map(c => c.dataset.sort)"
    )
    assert starts == sorted(starts, reverse=True)


def test_filters_show_matching_rows_and_say_how_many(visit, project, site):
    v = visit("comparison/", viewport=PHONE)
    page = v.page
    page.locator('select[name="role"]').select_option("reference")
    expected = sorted(c for c, x in project.cases.items() if x["role"] == "reference")
    shown = page.locator(".ir-comparison tbody tr:not([hidden])").evaluate_all(
        "rows => rows.map(r => r.dataset.case)"
    )
    assert sorted(shown) == expected
    # The status is announced: emptied, then written 50 ms later (comparison.js announce).
    status = page.locator("[data-ir-filter-status]")
    status.filter(has_text="Showing ").wait_for(timeout=5000)
    assert re.search(rf"Showing {len(expected)} of {len(project.cases)} cases", status.inner_text())
    page.locator('select[name="role"]').select_option("")
    page.locator('select[name="verdict-essay"]').select_option("strategic-cooperation")
    shown = page.locator(".ir-comparison tbody tr:not([hidden])").evaluate_all(
        "rows => rows.map(r => r.dataset.case)"
    )
    assert sorted(shown) == sorted(
        c for c in project.cases if site.verdict_key(c, "essay") == "strategic-cooperation"
    )
    page.locator(".ir-filters button[type=reset]").click()
    page.wait_for_function(
        f"document.querySelectorAll('.ir-comparison tbody tr:not([hidden])').length === "
        f"{len(project.cases)}"
    )


def test_without_javascript_the_table_is_plain_and_complete(visit, project):
    v = visit("comparison/", viewport=DESKTOP, java_script_enabled=False)
    page = v.page
    assert not page.locator("[data-ir-filters]").is_visible()
    assert page.locator("[data-ir-whatif-toggle]:visible").count() == 0
    assert page.locator(".ir-comparison tbody tr:visible").count() == len(project.cases)
    # Every other reading is on the page, each behind its marker, a link to its row: followed,
    # the row's readings show (:target), each with its link to the rationale.
    alternatives = sum(
        1
        for c in project.cases.values()
        for e in c.get("coding", {}).values()
        if "alternative" in e
    )
    assert page.locator(".ir-contested__more").count() == alternatives
    row = page.locator("tbody tr").filter(has=page.locator("a.ir-contested")).first
    readings = row.locator(".ir-contested__more")
    assert readings.count() >= 1 and not readings.first.is_visible()
    row.locator("a.ir-contested").first.click()
    assert page.url.endswith("#" + row.get_attribute("id"))
    for reading in readings.all():
        assert reading.is_visible()
        assert reading.inner_text().startswith("Another reading: ")
        assert reading.locator("a", has_text="Why").get_attribute("href").startswith("../cases/")
    assert page.locator(".ir-contested__more:visible").count() == readings.count()
    c = visit("cases/iran-drones-ukraine-war/", viewport=DESKTOP, java_script_enabled=False)
    assert not c.page.locator(".ir-whatif").is_visible()
    assert c.page.locator(".ir-alternative").count() > 0


def test_a_contested_marker_opens_and_closes_in_place(visit):
    v = visit("comparison/", viewport=PHONE, is_mobile=True, has_touch=True)
    page = v.page
    marker = page.locator("a.ir-contested").first
    cell = page.locator("td[data-criterion]").filter(has=marker).first
    reading = cell.locator(".ir-contested__more")
    assert marker.get_attribute("aria-controls") == reading.get_attribute("id")
    marker.focus()
    page.keyboard.press("Space")  # a button answers Space as well as Enter
    assert marker.get_attribute("aria-expanded") == "true"
    assert reading.is_visible()
    assert cell.locator("[data-ir-whatif-toggle]").is_visible()
    marker.click()
    assert marker.get_attribute("aria-expanded") == "false"
    assert not reading.is_visible()
    assert "#" not in page.url
    assert v.console_errors == []


def test_the_other_readings_are_printed(visit):
    v = visit("comparison/", viewport=DESKTOP)
    v.page.emulate_media(media="print")
    readings = v.page.locator(".ir-contested__more")
    assert readings.count() > 0
    assert v.page.locator(".ir-contested__more:visible").count() == readings.count()


def test_the_table_is_laid_out_once_the_page_has_started(visit, project):
    """The table is held back from Material's start-up (overrides/main.html, .ir-defer) and
    laid out a few rows at a time after it; an address naming a place in it is not held back."""
    v = visit("comparison/", viewport=PHONE, is_mobile=True, has_touch=True)
    root = v.page.evaluate("document.documentElement.className").split()
    assert "ir-js" in root and "ir-defer" in root
    assert v.page.locator("[data-ir-defer]").get_attribute("data-ir-rows") == "all"
    assert v.page.locator(".ir-comparison tbody tr:visible").count() == len(project.cases)
    case_id = list(project.cases)[-1]
    w = visit(f"comparison/#row-{case_id}", viewport=PHONE, is_mobile=True, has_touch=True)
    row = w.page.locator(f"#row-{case_id}")
    assert row.evaluate("r => r.getBoundingClientRect().top < window.innerHeight")
    assert "ir-defer" not in w.page.evaluate("document.documentElement.className")
    assert w.page.locator(".ir-comparison tbody tr:visible").count() == len(project.cases)
    # with the script, the row named by the address shows no reading until one is opened
    assert row.locator(".ir-contested__more:visible").count() == 0


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_switched_readings_and_open_controls_have_no_accessibility_violations(
    visit, axe, project, scheme
):
    case_id, criterion, _, _ = changing_alternative(project)
    v = visit(f"comparison/?alt={case_id}:{criterion}", viewport=DESKTOP, color_scheme=scheme)
    v.page.locator(".ir-comparison thead th", has_text="Case").click()
    c = visit(f"cases/{case_id}/?alt={case_id}:{criterion}", viewport=PHONE, color_scheme=scheme)
    for page in (v.page, c.page):
        result = axe.run(page, options=AXE)
        assert [
            f"{x['id']}: {x['nodes'][0]['target']}" for x in result.response["violations"]
        ] == []
