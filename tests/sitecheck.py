"""A crawler over a built site: links, anchors, ids and external requests, from the files."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

RESOURCE_ATTRS = {
    ("script", "src"),
    ("img", "src"),
    ("iframe", "src"),
    ("source", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
}


@dataclass
class Page:
    url: str  # site-relative, e.g. "cases/x/"
    ids: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self, page: Page):
        super().__init__(convert_charrefs=True)
        self.page = page

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.page.ids.append(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.page.ids.append(attrs["name"])
        if tag == "a" and attrs.get("href") is not None:
            self.page.links.append(attrs["href"])
        if tag == "link" and attrs.get("href"):
            rel = attrs.get("rel", "")
            (
                self.page.resources
                if rel in ("stylesheet", "preload", "icon", "manifest", "modulepreload")
                else self.page.links
            ).append(attrs["href"])
        for t, attr in RESOURCE_ATTRS:
            if tag == t and attrs.get(attr):
                self.page.resources.append(attrs[attr])


def page_url(site: Path, html_file: Path) -> str:
    rel = html_file.relative_to(site).as_posix()
    return rel[: -len("index.html")] if rel.endswith("index.html") else rel


def crawl(site: Path) -> dict[str, Page]:
    pages = {}
    for html_file in sorted(site.rglob("*.html")):
        page = Page(page_url(site, html_file))
        _Parser(page).feed(html_file.read_text(encoding="utf-8"))
        pages[page.url] = page
    return pages


BASE = "http://site.invalid/"


def resolve(page: Page, href: str) -> tuple[str | None, str]:
    """(site-relative target URL or None if external, fragment)."""
    absolute = urljoin(BASE + page.url, href)
    parts = urlsplit(absolute)
    if not absolute.startswith(BASE):
        return None, ""
    return unquote(parts.path[1:]), unquote(parts.fragment)


def broken_links(site: Path, pages: dict[str, Page]) -> list[str]:
    problems = []
    for page in pages.values():
        for href in page.links + page.resources:
            if href.startswith("javascript:"):
                problems.append(f"{page.url}: script link {href}")
                continue
            if href.startswith("mailto:"):
                continue
            target, fragment = resolve(page, href)
            if target is None:
                continue
            if target in pages or target + "/" in pages:
                target_page = pages.get(target) or pages[target + "/"]
                if fragment and fragment not in target_page.ids:
                    problems.append(f"{page.url}: missing anchor {href}")
            elif not (site / target).is_file():
                problems.append(f"{page.url}: missing target {href}")
    return problems


def external_resources(pages: dict[str, Page]) -> list[str]:
    return [
        f"{page.url}: {src}"
        for page in pages.values()
        for src in page.resources
        if resolve(page, src)[0] is None
    ]


def duplicate_ids(pages: dict[str, Page]) -> list[str]:
    found = []
    for page in pages.values():
        seen = set()
        for i in page.ids:
            if i in seen:
                found.append(f"{page.url}: #{i}")
            seen.add(i)
    return found


def orphans(pages: dict[str, Page]) -> list[str]:
    linked = set()
    for page in pages.values():
        for href in page.links:
            target, _ = resolve(page, href)
            if target is not None and target != page.url:
                linked.add(
                    target if not target or target.endswith(("/", ".html")) else target + "/"
                )
    return [url for url in pages if url not in linked and url not in ("", "404.html")]


_REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)"', re.I)


def resolves(site: Path, address: str, pages: dict[str, Page], hops: int = 5) -> bool:
    """Whether a site-relative address ('cases/x/', 'sources/#id', 'data/cases.csv') resolves in
    the built site: its page or file exists, with the anchor when it has one, following the
    redirect pages that mkdocs-redirects writes for renamed or removed pages."""
    path, _, fragment = address.partition("#")
    page = pages.get(path) or (pages.get(path + "/") if path and not path.endswith("/") else None)
    if page is None:
        return (site / path).is_file() and not fragment
    index = (
        site / page.url / "index.html"
        if page.url.endswith("/") or not page.url
        else (site / page.url)
    )
    moved = _REFRESH.search(index.read_text(encoding="utf-8"))
    if moved and hops:
        target, target_fragment = resolve(page, moved.group(1))
        return target is not None and resolves(
            site,
            target + ("#" + (fragment or target_fragment) if fragment or target_fragment else ""),
            pages,
            hops - 1,
        )
    return not fragment or fragment in page.ids


def unresolved(site: Path, addresses: list[str]) -> list[str]:
    pages = crawl(site)
    return [a for a in addresses if not resolves(site, a, pages)]


def read_published(path: Path) -> list[str]:
    """The site-relative addresses in tests/published_urls.txt: one a line, written from the
    site's root ('/cases/x/'); a line starting with '#' is a comment."""
    return [
        line.strip()[1:]
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
