"""Turn untrusted data text into safe HTML.

Data text is Markdown written by contributors. Raw HTML in it is shown literally (the
Markdown parser's HTML handling is switched off), and the result is sanitised again with
nh3 so that only plain formatting and http(s) links survive. Nothing here is ever passed to
Jinja: pages that carry data text opt out of macro rendering, and macro output is not
re-evaluated.
"""
from __future__ import annotations

import html
import re
import posixpath

import markdown
import nh3

_ALLOWED_TAGS = {"p", "em", "strong", "a", "code", "ul", "ol", "li", "blockquote", "br"}
_ALLOWED_SCHEMES = ("http://", "https://")


def _md() -> markdown.Markdown:
    md = markdown.Markdown(extensions=[], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


_MD = _md()


def _only_web_links(tag, attribute, value):
    if tag == "a" and attribute == "href":
        return value if value.lower().startswith(_ALLOWED_SCHEMES) else None
    return value


def text(value: str) -> str:
    """Escape plain text for HTML element content or attribute values."""
    return html.escape(value, quote=True)


def markdown_block(value: str) -> str:
    """Render Markdown data text to sanitised block HTML."""
    _MD.reset()
    rendered = _MD.convert(value)
    return nh3.clean(rendered, tags=_ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                     url_schemes={"http", "https"}, attribute_filter=_only_web_links,
                     link_rel="noopener noreferrer nofollow", strip_comments=True)


def markdown_inline(value: str) -> str:
    """Render one paragraph of Markdown without the surrounding <p>."""
    block = markdown_block(value)
    if block.startswith("<p>") and block.endswith("</p>") and block.count("<p>") == 1:
        return block[3:-4]
    return block


def href(here: str, target: str, anchor: str = "") -> str:
    """Relative link from the page at URL `here` to `target` (both like 'cases/x/' or '')."""
    rel = posixpath.relpath("/" + target, "/" + here) if target != here else "."
    rel = "./" if rel == "." else rel + "/"
    return rel + (f"#{anchor}" if anchor else "")


def link(here: str, target: str, label_html: str, anchor: str = "", cls: str = "") -> str:
    class_attr = f' class="{cls}"' if cls else ""
    return f'<a href="{text(href(here, target, anchor))}"{class_attr}>{label_html}</a>'


# Runs of Persian/Arabic, Hebrew and Cyrillic text get their own language and direction, so
# that screen readers switch voice and right-to-left text is laid out right inside English
# pages. Arabic-script runs are tagged Persian: on a site about Iran that is the language
# quoted; sources carry an explicit `language` where it matters.
_ARABIC = "\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF"
_HEBREW = "\u0590-\u05FF\uFB1D-\uFB4F"
_CYRILLIC = "\u0400-\u04FF\u0500-\u052F"
_JOINERS = "\\s\u200c\u200d\u200e\u200f،؛؟.,:!\\-–—«»()0-9۰-۹٠-٩"
_SCRIPT_RUNS = re.compile(
    f"(?P<fa>[{_ARABIC}](?:[{_ARABIC}{_JOINERS}]*[{_ARABIC}])?)"
    f"|(?P<he>[{_HEBREW}](?:[{_HEBREW}{_JOINERS}]*[{_HEBREW}])?)"
    f"|(?P<ru>[{_CYRILLIC}](?:[{_CYRILLIC}{_JOINERS}]*[{_CYRILLIC}])?)")
_TAG = re.compile(r"(<[^>]*>)")


def _wrap_run(match: re.Match) -> str:
    lang = match.lastgroup
    direction = ' dir="rtl"' if lang in ("fa", "he") else ""
    return f'<span lang="{lang}"{direction}>{match.group(0)}</span>'


def mark_scripts(fragment: str) -> str:
    """Wrap non-Latin runs in text nodes (never inside tags) with lang and dir."""
    parts = _TAG.split(fragment)
    for i in range(0, len(parts), 2):  # even items are text between tags
        if parts[i]:
            parts[i] = _SCRIPT_RUNS.sub(_wrap_run, parts[i])
    return "".join(parts)


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def markdown_heading(level: int, value: str, anchor: str) -> str:
    """A Markdown heading showing `value` literally (so it reaches the TOC and skip link)."""
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(value, quote=False))
    return f"{'#' * level} {escaped} {{#{anchor}}}"
