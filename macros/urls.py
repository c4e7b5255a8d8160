"""Where every page lives: the site's one URL scheme.

URLs are site-relative and end in a slash ('cases/syria-civil-war/'); `render.href` turns
them into links relative to the page they are written into.
"""

from __future__ import annotations

PAGES = {
    "home": "",
    "argument": "argument/",
    "concepts": "concepts/",
    "concept": "concepts/{id}/",
    "criteria": "criteria/",
    "cases": "cases/",
    "case": "cases/{id}/",
    # Beyond a number of entries an index is split into numbered pages (view.py PAGING): the
    # first stays at the index's address, the others follow it. Under /cases/ they have a
    # folder of their own, so that no case id can take their address.
    "cases-page": "cases/page/{id}/",
    "comparison": "comparison/",
    "comparison-page": "comparison/{id}/",
    "timeline": "timeline/",
    "timeline-page": "timeline/{id}/",
    "sources": "sources/",
    "sources-letter": "sources/{id}/",
    "about": "about/",
    "perspectives": "perspectives/",
    "cite": "cite/",
}
# Page kinds written from data (one page per entry, or per page of a long index); the others
# are hand-written in docs/.
GENERATED = (
    "case",
    "concept",
    "sources-letter",
    "cases-page",
    "comparison-page",
    "timeline-page",
)


def url(kind: str, entry_id: str = "") -> str:
    """The URL of a page: url('case', 'syria-civil-war') == 'cases/syria-civil-war/'."""
    pattern = PAGES[kind]
    if ("{id}" in pattern) != bool(entry_id):
        raise ValueError(f"url({kind!r}, {entry_id!r}): an id goes with {', '.join(GENERATED)}")
    return pattern.format(id=entry_id)


# The downloads under /data/ (exports.py): addresses a reader's script may depend on.
DOWNLOADS = {
    "cases-json": "data/cases.json",
    "cases-csv": "data/cases.csv",
    "events-csv": "data/events.csv",
    "case-json": "data/cases/{id}.json",
    "schema": "data/schemas/{id}",
    "datapackage": "data/datapackage.json",
}


# The page that lists the downloads (docs/data/index.md).
DOWNLOADS_PAGE = "data/"


def download(kind: str, entry_id: str = "") -> str:
    """The site-relative address of a download: download('case-json', 'x') == 'data/cases/x.json'."""
    return DOWNLOADS[kind].format(id=entry_id)


def doc_path(kind: str, entry_id: str) -> str:
    """The docs-relative file of a generated page: 'cases/syria-civil-war.md'."""
    return url(kind, entry_id).rstrip("/") + ".md"
