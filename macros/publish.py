"""Write the site's data-driven Markdown: each generated page and each part of a
hand-written page is view data (view.py) laid out by a template (templates/), then turned
into page Markdown by render.page_markdown (headings for the table of contents, the finished
HTML held out of the Markdown step).
"""

from __future__ import annotations

import json
import re

import yaml

from .render import href, page_markdown, text
from .templates import letter_title, render_template
from .urls import doc_path, url
from .view import Site

# The parts hand-written pages call as macros, e.g. {{ comparison_table() }}: each is the
# view method of that name, laid out by templates/parts/<name>.html.
PARTS = (
    "comparison_table",
    "concepts_side_by_side",
    "cases_index",
    "concept_index",
    "criteria_section",
    "bibliography",
    "argument",
    "argument_map",
    "reference",
    "vocabulary",
    "perspectives",
    "bottom_line",
    "calibration",
    "timeline",
)


def part(site: Site, name: str, here: str, *args) -> str:
    """Page Markdown for one part of the hand-written page at URL `here`."""
    html = render_template(f"parts/{name}.html", **getattr(site, name)(here, *args))
    if not html.strip():  # an empty table is a bug to report, not a page to publish
        raise ValueError(f"{name}() produced nothing: is its part of data/ empty?")
    return page_markdown(html)


def front_matter(fields: dict) -> str:
    """YAML front matter. Written as JSON, which YAML reads the same (yaml.safe_dump took
    1.5 ms a page); ASCII-only, with each character beyond ASCII as a \\u escape, which
    YAML reads too, except characters beyond the first 65,536 (JSON writes those as two
    escapes), for which YAML writes it."""
    written = json.dumps(fields, ensure_ascii=True)
    if _ASTRAL.search(written):
        written = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)
    return "---\n" + written.rstrip("\n") + "\n---\n\n"


_ASTRAL = re.compile(r"\\u[dD][89abAB]")


def case_page(site: Site, case_id: str) -> str:
    case = site.p.cases[case_id]
    # Escaped: the theme prints the title and description into <head> as they are.
    meta = {
        "title": text(case["short_title"]),
        "render_macros": False,
        "description": text(case["title"]),
        # The way up and along for the theme (overrides/main.html), which escapes it.
        "page_nav": site.page_nav("case", case_id),
    }
    html = render_template("pages/case.html", case=site.case_page(case_id))
    return front_matter(meta) + page_markdown(html)


def concept_page(site: Site, concept_id: str) -> str:
    concept = site.p.concepts[concept_id]
    meta = {
        "title": text(concept["title"]),
        "render_macros": False,
        "description": text(concept["summary"][:300]),
        "page_nav": site.page_nav("concept", concept_id),
    }
    html = render_template("pages/concept.html", concept=site.concept_page(concept_id))
    return front_matter(meta) + page_markdown(html)


def sources_page(site: Site, letter: str) -> str:
    title = "Sources: " + letter_title(letter)
    meta = {
        "title": text(title),
        "render_macros": False,
        "description": text(f"{title}: the entries of the bibliography under this letter."),
        "toc_depth": 2,
        "page_nav": site.letter_nav(letter),
    }
    html = render_template("pages/sources.html", **site.sources_page(letter))
    return front_matter(meta) + page_markdown(html)


# The long indexes (Site.PAGING): the part each page holds, and each numbered page's title.
PAGED = {"comparison": "comparison_table", "cases": "cases_index", "timeline": "timeline"}
_PAGE_TITLES = {
    "comparison": "Comparison, cases {first}–{last}",
    "cases": "Cases {first}–{last}",
    "timeline": "Timeline, {label}",
}


def index_page(site: Site, name: str, number: int) -> str:
    """A numbered page (2, 3, ...) of a long index; the first is the hand-written page."""
    paging = site.PAGING[name]
    here = paging.url(number)
    view = getattr(site, PAGED[name])(here, number)
    pager = view["pager"]
    current = pager["pages"][number - 1]
    title = _PAGE_TITLES[name].format(
        first=f"{pager['first']:,}", last=f"{pager['last']:,}", label=current["label"]
    )
    meta = {
        "title": text(title),
        "render_macros": False,
        "description": text(f"{title}: page {number} of {pager['count']}."),
        "page_nav": site.paged_nav(name, number),
    }
    if name == "comparison":  # the table needs the width, as on /comparison/
        meta["hide"] = ["toc"]
    html = render_template(
        "pages/index_page.html",
        **view,
        name=name,
        title=title,
        first_href=href(here, url(paging.index)),
    )
    return front_matter(meta) + page_markdown(html)


def generated_pages(site: Site) -> dict[str, str]:
    """{docs-relative path: Markdown} for every page made from data files."""
    pages = {doc_path("case", case_id): case_page(site, case_id) for case_id in site.p.cases}
    pages.update(
        {
            doc_path("concept", concept_id): concept_page(site, concept_id)
            for concept_id in site.p.concepts
        }
    )
    pages.update(
        {
            doc_path("sources-letter", letter): sources_page(site, letter)
            for letter in site.letters()
        }
    )
    for name, paging in site.PAGING.items():
        for number in range(2, len(site.pages(name)) + 1):
            path = doc_path(paging.page, str(number))
            if path in pages:  # two generated pages at one address: a bug, not a page
                raise ValueError(f"{path}: two generated pages at one address")
            pages[path] = index_page(site, name, number)
    return pages
