"""A crawler over a built site: links, anchors, ids and external requests, from the files."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

RESOURCE_ATTRS = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"),
                  ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data")}


@dataclass
class Page:
    url: str                                    # site-relative, e.g. "cases/x/"
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
            (self.page.resources if rel in ("stylesheet", "preload", "icon", "manifest", "modulepreload")
             else self.page.links).append(attrs["href"])
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
    return [f"{page.url}: {src}" for page in pages.values() for src in page.resources
            if resolve(page, src)[0] is None]


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
                linked.add(target if not target or target.endswith(("/", ".html")) else target + "/")
    return [url for url in pages if url not in linked and url not in ("", "404.html")]
