"""Turn untrusted data text into safe HTML.

Data text is Markdown written by contributors. Raw HTML in it is shown literally (the
Markdown parser's HTML handling is switched off), and the result is sanitised again with
nh3 so that only plain formatting and http(s) links survive. Nothing here is ever passed to
Jinja: pages that carry data text opt out of macro rendering, and macro output is not
re-evaluated.
"""
from __future__ import annotations

import html
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
