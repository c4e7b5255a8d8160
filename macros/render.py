"""Turn untrusted data text into safe HTML, and keep that HTML out of any later parser.

Data text is Markdown written by contributors. Raw HTML in it is shown literally (the
Markdown parser's HTML handling is switched off), and the result is sanitised again with
nh3 so that only plain formatting and http(s) links survive. Nothing here is ever passed to
Jinja: pages that carry data text opt out of macro rendering, and macro output is not
re-evaluated.

Sanitised HTML is finished: it is never parsed as Markdown a second time (the site's Markdown
has `attr_list`, which would turn left-over text such as `{: onfocus=...}` into live
attributes). `page_markdown` turns a page body into Markdown headings, which the table of
contents and search need, and placeholders for everything else; `release` puts the held HTML
back after the Markdown step.
"""

from __future__ import annotations

import html
import itertools
import posixpath
import re
import secrets

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


# Text with none of Markdown's syntax: no character that starts inline markup, an entity or
# a tag, no control character and no white space but spaces and line breaks, no line that
# could start a block (list, quote, heading, code, rule) or end in a hard line break. Most data text is such plain prose; it is paragraphs split at blank lines,
# which is what Python-Markdown would make of it, at a tenth of the cost (tests/test_render.py
# compares the two).
_MARKUP = re.compile(
    r"[\\`*_\[\]!<>&#|~=+\x00-\x09\x0b-\x1f\x7f]|[^\S \n]|^ |[ ]$|^\s*(?:[-+*>#]|\d+[.)])", re.M
)
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")


def _plain_paragraphs(value: str) -> str | None:
    text = value.strip("\n")
    if not text or _MARKUP.search(text):
        return None
    return "\n".join(f"<p>{html.escape(par, quote=False)}</p>" for par in _BLANK_LINES.split(text))


def markdown_block(value: str) -> str:
    """Render Markdown data text to sanitised block HTML."""
    rendered = _plain_paragraphs(value)
    if rendered is None:
        _MD.reset()
        rendered = _MD.convert(value)
    return nh3.clean(
        rendered,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https"},
        attribute_filter=_only_web_links,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def markdown_inline(value: str) -> str:
    """Render one paragraph of Markdown without the surrounding <p>."""
    block = markdown_block(value)
    if block.startswith("<p>") and block.endswith("</p>") and block.count("<p>") == 1:
        return block[3:-4]
    return block


def href(here: str, target: str, anchor: str = "") -> str:
    """Relative link from the page at URL `here` to `target` (both like 'cases/x/' or '').
    (posixpath.relpath, which gave the same, cost 4 s of a 1,000-case build.)"""
    if "." in here or "." in target:  # not a plain folder address: let posixpath decide
        rel = posixpath.relpath("/" + target, "/" + here) if target != here else "."
    else:
        up = [part for part in here.split("/") if part]
        down = [part for part in target.split("/") if part]
        common = 0
        while common < len(up) and common < len(down) and up[common] == down[common]:
            common += 1
        rel = "/".join([".."] * (len(up) - common) + down[common:]) or "."
    rel = "./" if rel == "." else rel + "/"
    return rel + (f"#{anchor}" if anchor else "")


def link(here: str, target: str, label_html: str, anchor: str = "", cls: str = "") -> str:
    class_attr = f' class="{cls}"' if cls else ""
    return f'<a href="{text(href(here, target, anchor))}"{class_attr}>{label_html}</a>'


_BARE_URL = re.compile(r"(<a\b[^>]*>.*?</a>)|(https?://[^\s<>\"']+?)(?=[.,;:)]?(?:\s|<|$))", re.S)


def link_urls(fragment: str) -> str:
    """Finished HTML with each bare http(s) address in its text made a link (a formatted
    reference prints its URL or DOI as text). Addresses already inside a link are left alone;
    the address is unescaped then escaped again for the attribute."""

    def linked(match: re.Match) -> str:
        if match.group(1):
            return match.group(1)
        address = match.group(2)
        target = text(html.unescape(address))
        return f'<a href="{target}">{address}</a>'

    return _BARE_URL.sub(linked, fragment)


# Runs of Persian/Arabic, Hebrew and Cyrillic text get their own language and direction, so
# that screen readers switch voice and right-to-left text is laid out right inside English
# pages. Arabic-script runs are tagged Persian: on a site about Iran that is the language
# quoted; sources carry an explicit `language` where it matters.
_ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_HEBREW = "\u0590-\u05ff\ufb1d-\ufb4f"
_CYRILLIC = "\u0400-\u04ff\u0500-\u052f"
_JOINERS = "\\s\u200c\u200d\u200e\u200f،؛؟.,:!\\-–—«»()0-9۰-۹٠-٩"
_SCRIPT_RUNS = re.compile(
    f"(?P<fa>[{_ARABIC}](?:[{_ARABIC}{_JOINERS}]*[{_ARABIC}])?)"
    f"|(?P<he>[{_HEBREW}](?:[{_HEBREW}{_JOINERS}]*[{_HEBREW}])?)"
    f"|(?P<ru>[{_CYRILLIC}](?:[{_CYRILLIC}{_JOINERS}]*[{_CYRILLIC}])?)"
)
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


# ----- limits on what one text may cost -------------------------------------------------

# Python-Markdown matches brackets and nests block structure with work that grows with the
# square of their number: 20,000 "[" took 67 s, 2,000 nested list levels 52 s and a
# RecursionError. Real texts use at most a few dozen brackets and three levels.
MAX_BRACKETS = 50
MAX_NESTING_PREFIX = 24
_NESTING_PREFIX = re.compile(r"^(?:[ \t>*+-]|[0-9]{1,9}[.)])*", re.MULTILINE)
# A prefix that long starts with that many of its characters: one search rules it out.
_MAYBE_DEEP = re.compile(rf"^[ \t>*+\-0-9.)]{{{MAX_NESTING_PREFIX + 1}}}", re.MULTILINE)


def markdown_cost_problem(value: str) -> str:
    """Why this Markdown text would be too costly to render, or "" when it is fine."""
    brackets = value.count("[")
    if brackets > MAX_BRACKETS:
        return (
            f"text has {brackets} '[' (expected at most {MAX_BRACKETS} square brackets "
            "in one text; split it up)"
        )
    if not _MAYBE_DEEP.search(value):
        return ""
    deepest = max((len(m.group(0)) for m in _NESTING_PREFIX.finditer(value)), default=0)
    if deepest > MAX_NESTING_PREFIX:
        return (
            f"a line starts with {deepest} characters of indentation, quote or list "
            f"markers (expected at most {MAX_NESTING_PREFIX}: nest lists and quotes "
            "at most a few levels)"
        )
    return ""


# ----- page assembly: Markdown headings, finished HTML held out of the Markdown step -----

_HEADING = re.compile(r"<!--ir-heading:([1-6]):([a-z0-9-]+):([^>]*)-->")
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def heading(level: int, title: str, anchor: str) -> str:
    """Mark a heading inside page HTML. `page_markdown` turns it into a Markdown heading, so
    it reaches the table of contents, the permalink and search. Data can never forge a
    marker: escaped text has no `<`, and sanitised Markdown has no comments."""
    return f"<!--ir-heading:{level}:{anchor}:{text(title)}-->"


def markdown_heading(level: int, title: str, anchor: str) -> str:
    """A Markdown heading showing `title` literally, with an explicit, stable anchor."""
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(title.replace("\n", " "), quote=False))
    return f"{'#' * level} {mark_scripts(escaped)} {{#{anchor}}}"


_NONCE = secrets.token_hex(6)
_counter = itertools.count()
_held: dict[str, str] = {}
_PLACEHOLDER = re.compile(rf"(?:<p>)?(ir{_NONCE}n[0-9]+)(?:</p>)?")


def hold(fragment: str) -> str:
    """Keep finished HTML away from the Markdown step; returns the placeholder to put in its
    place: letters and digits only, which Markdown passes through untouched. The nonce,
    new in every process, means data text cannot name a placeholder."""
    key = f"ir{_NONCE}n{next(_counter)}"
    _held[key] = fragment
    return key


def release(page_html: str, forget: bool = False) -> str:
    """The page with every held fragment back in place of its placeholder. The build
    releases each page once and lets go of its fragments (`forget`), so a build does not
    hold every generated page twice (a 1,000-case build: about 70 MB)."""
    take = _held.pop if forget else _held.__getitem__
    return _PLACEHOLDER.sub(lambda m: take(m.group(1)), page_html)


# An id attribute inside a tag. Held HTML comes from the templates, with every data text
# escaped, so no `<` or `"` of a text node can make a false match.
_ID = re.compile(r'<[a-zA-Z][^<>]*?\sid="([^"<>]+)"')


def anchor_ids(fragment: str) -> set[str]:
    """Every id in a fragment: the link checker must know the anchors of held HTML too.
    (A regular expression: parsing every page with HTMLParser cost a second per 100 pages.)"""
    return set(_ID.findall(fragment))


def forget_held() -> None:
    """Drop the fragments of the previous build (`mkdocs serve` builds again and again)."""
    _held.clear()


def page_markdown(body: str) -> str:
    """Markdown for a page body written as HTML with `heading()` markers: each marker becomes a
    Markdown heading, every stretch of HTML between them one held, finished fragment."""
    parts = []
    pieces = _HEADING.split(body)
    for i in range(0, len(pieces), 4):
        chunk = pieces[i].strip()
        if chunk:
            parts.append(hold(mark_scripts(chunk)))
        if i + 3 < len(pieces):
            level, anchor, title = pieces[i + 1 : i + 4]
            parts.append(markdown_heading(int(level), html.unescape(title), anchor))
    return "\n\n".join(parts) + "\n"
