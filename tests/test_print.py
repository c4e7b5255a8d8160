"""A printed case page reads like a short paper (the print section of stylesheets/site.css): Chromium prints the
built page to PDF, and its text (pypdf) holds the title, the verdicts, the coding table, the
sources and, at the foot, the citation with the page's address, in that order, and none of the
site's navigation. The PDFs go to test-artifacts/print/ for a reviewer to look at."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from conftest import ROOT, Visit, built_once, serve

pytestmark = pytest.mark.slow
CASE = "syria-civil-war"
ADDRESS = "https://example.org/iran-russia/"
ARTIFACTS = ROOT / "test-artifacts" / "print"
# Text that only the site's navigation and controls carry: none of it belongs on paper.
CHROME = [
    "Skip to content",  # Material's skip link
    "Search",  # the search form
    "Previous case",  # the pager
    "Next case",
    "On this page",  # the collapsible table of contents
    "Made with",  # the footer
    "Back to top",
    "Copy APA",  # the cite box's buttons and downloads
    "Download APA",
    "More styles and formats",
    "BibTeX",
    "Full definition of",  # a glossary pop-up
    "Switch to dark mode",  # the palette toggle
]


@pytest.fixture(scope="module")
def published_site(tmp_path_factory):
    """The site built as the deployment builds it, with its published address."""
    site_dir, result = built_once(tmp_path_factory, "published", env={"SITE_URL": ADDRESS})
    assert result["returncode"] == 0, result["stdout"] + result["stderr"]
    base, stop = serve(site_dir)
    yield base
    stop()


@pytest.fixture(scope="module")
def local_site(built_site):
    """The site as `make build` makes it without SITE_URL: its citations carry no address."""
    base, stop = serve(built_site[0])
    yield base
    stop()


def printed(tabs, base: str, path: str, name: str, scheme: str = "light") -> str:
    """The text of the page printed to PDF by Chromium, white space made single spaces."""
    v = Visit(tabs, base, path, color_scheme=scheme)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    v.page.pdf(path=str(path), format="A4", print_background=True)
    v.close()
    reader = PdfReader(path)
    # Layout mode: the plain mode drops the words of a <button> (a glossary term).
    text = "\n".join(p.extract_text(extraction_mode="layout") for p in reader.pages)
    return " ".join(text.split())


def loose(words: str) -> re.Pattern:
    """`words` as printed: any white space (a line break) between words or inside an address."""
    if words.startswith("http"):
        return re.compile(r"\s*".join(re.escape(ch) for ch in words))
    return re.compile(r"\s+".join(re.escape(w) for w in words.split()))


def positions(text: str, items: list[str]) -> list[int]:
    found = []
    for item in items:
        match = loose(item).search(text, found[-1] + 1 if found else 0)
        assert match, f"{item!r} is missing from the printed page, or out of order"
        found.append(match.start())
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_printed_case_page_reads_like_a_short_paper(tabs, published_site, site, scheme):
    case = site.case_page(CASE)
    text = printed(tabs, published_site, f"cases/{CASE}/", f"case-{scheme}", scheme)
    address = f"{ADDRESS}cases/{CASE}/"
    verdicts = []
    for t in case["tests"]:
        verdicts += [t["test"].title, t["verdict"].concept.text]
    criteria = [row["criterion"].text for row in case["coding"]]
    sources = [s["link"].text for s in case["page_sources"]]
    positions(
        text,
        [
            case["title"],
            *verdicts,
            "Coding on the criteria",
            *criteria,
            "Sources cited on this page",
            *sources,
            "Cite this page",
            f"Current address: {address}",
            "APA 7",
            address,  # the APA citation ends with it
        ],
    )
    # The citation is the foot of the paper: nothing follows the APA citation's address.
    assert loose(address).search(text[-len(address) - 10 :])
    for chrome in CHROME:
        assert chrome not in text, f"{chrome!r} is printed"
    assert "127.0.0.1" not in text


def test_a_local_build_prints_that_it_has_no_address(tabs, local_site, site):
    """Without SITE_URL the site names no address, on paper too: the cite box says so."""
    text = printed(tabs, local_site, f"cases/{CASE}/", "case-no-address")
    positions(text, [site.case_page(CASE)["title"], "Cite this page", "Address not configured"])
    assert "127.0.0.1" not in text and "localhost" not in text
    assert "Current address" not in text


def test_print_is_black_on_white_in_a_serif_face_in_both_schemes(tabs, published_site):
    for scheme in ("light", "dark"):
        v = Visit(tabs, published_site, f"cases/{CASE}/", color_scheme=scheme)
        page = v.page
        page.emulate_media(media="print")
        style = page.evaluate("""() => {
            const s = e => getComputedStyle(document.querySelector(e));
            return {bg: s('body').backgroundColor, fg: s('.md-typeset p').color,
                    font: s('.md-typeset p').fontFamily, cite: s('.ir-cite').fontFamily,
                    header: s('.md-header').display, crumbs: s('.ir-breadcrumb').display,
                    pager: s('.ir-pager').display, sticky: s('.ir-table tbody th').position};
        }""")
        v.close()
        assert style["bg"] == "rgb(255, 255, 255)", scheme
        assert style["fg"] == "rgb(0, 0, 0)", scheme
        assert style["font"].startswith("Georgia") and style["cite"].startswith("Georgia")
        assert style["header"] == style["crumbs"] == style["pager"] == "none"
        assert style["sticky"] == "static"


def test_screen_only_controls_and_closed_details_in_print(tabs, published_site):
    """The rules other parts of the site rely on: `.screen-only` is not printed, form controls
    are not printed, and a closed <details> prints open."""
    v = Visit(tabs, published_site, f"cases/{CASE}/")
    page = v.page
    page.evaluate("""() => {
        const article = document.querySelector('article');
        article.insertAdjacentHTML('beforeend',
            '<div class="screen-only" id="t-screen">What if: switch</div>' +
            '<form id="t-form"><select><option>x</option></select></form>' +
            '<details id="t-details"><summary>More</summary><p id="t-inside">Hidden on screen</p></details>');
    }""")
    assert page.locator("#t-screen").is_visible()
    assert not page.locator("#t-inside").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("#t-screen").is_visible()
    assert not page.locator("#t-form").is_visible()
    assert page.locator("#t-inside").is_visible()
    v.close()
