"""Glossary terms: a short definition on hover, focus or tap wherever a page names a concept
or a criterion.

The terms come from the data: each concept's title and the names under `also_called`, each
criterion's title. The definition is the entry's `short` line (falling back to a concept's
`summary` as plain text, or a criterion's `question`), and it links to the full definition:
the concept's page, or the criterion's anchor on the criteria page (urls.py).

`mark` is a post-processing step on the finished HTML of a page body (mkdocs_glue's
on_page_content, after the held HTML is back). Decisions:

- **First occurrence per page section.** A term is marked the first time it occurs in each
  section that starts with an `<h2>` (and once before the first one), so that a reader who
  lands on a section through its anchor meets the definition there; later occurrences in the
  same section are left as they are. Every name of a concept counts as that concept ("military
  alliance" after "strategic alliance" is not marked again in the section).
- **Body text only.** Never inside headings, links, code, buttons, table header cells,
  captions, summaries, labels, definitions (`dfn`, `abbr`), citations (`cite`), or inside an
  element with one of SKIP_CLASSES (verdict badges, paragraph labels, source lists, the cite
  box, an existing glossary term) or with `data-gloss-skip`, `hidden` or `aria-hidden="true"`.
  Other parts of the site can opt out with `data-gloss-skip`.
- **Never on the term's own page**: not on a concept's page for that concept, not on the
  criteria page for the criteria (and never inside a link, so never inside a link to the
  term's page).
- **Matching:** case-insensitive, on whole words (a letter, digit or hyphen next to the match
  rules it out: "non-alliance" is not "alliance"), any white space between the words of a
  term, and a regular plural with -s ("alliances"; not after a final s, x or y). A match that
  is part of a name or a title is left alone: every word of a longer name capitalised
  ("Strategic Alliance or Strategic Cooperation?", the "Comprehensive Strategic Partnership"
  treaty), or a capitalised one-word name next to another capitalised word ("Northern
  Alliance", "Alliance Treaty Obligations"). So is the text of `<i>`, which is how formatted
  references set the titles of works.

The markup is a toggletip: a `<button type="button">` with the term as its text, described
(aria-describedby) by the definition in an element with role="tooltip"; the full-definition
link sits beside it in the pop-up. CSS (stylesheets/site.css) shows the pop-up on hover and
focus; javascripts/glossary.js adds tap to pin it open (aria-expanded), Escape to close it and
keeps it in the viewport. Definition text is data: escaped here, never parsed.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .render import href, markdown_inline
from .templates import render_template
from .urls import url

TEMPLATES = ("glossary/term.html",)
SKIP_TAGS = frozenset(
    [
        "a",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "code",
        "pre",
        "kbd",
        "samp",
        "var",
        "button",
        "th",
        "caption",
        "summary",
        "label",
        "legend",
        "select",
        "option",
        "textarea",
        "dfn",
        "abbr",
        "cite",
        "i",
        "nav",
        "script",
        "style",
        "template",
        "svg",
        "math",
        "title",
    ]
)
# Parts of a page that are not running text: verdict badges, labels, source lists and
# references, the cite box, the way up and along, permalinks, and the glossary's own markup.
SKIP_CLASSES = frozenset(
    [
        "ir-gloss",
        "ir-verdict",
        "ir-verdict-detail",
        "ir-label",
        "ir-sources",
        "ir-page-sources",
        "ir-contested",
        "ir-source",
        "ir-cited",
        "ir-cite",
        "ir-breadcrumb",
        "ir-pager",
        "ir-onthispage",
        "headerlink",
        "md-nav",
    ]
)
_RAW_TEXT = frozenset({"script", "style", "textarea", "title"})
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
_TOKEN = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<![^>]*>|<\?[^>]*>"
    r"|<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.S,
)
_CLASS = re.compile(r"""\sclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)
_OPT_OUT = re.compile(
    r"""\s(?:data-gloss-skip|hidden)(?=[\s=/]|$)|\saria-hidden\s*=\s*["']?true""", re.I
)
_SECTION = frozenset({"h1", "h2"})
_LEADING_PUNCTUATION = re.compile(r"^[^\w]+")
_WORD_BEFORE = re.compile(r"([^\s<>]+)\s+$")
_WORD_AFTER = re.compile(r"^\s+([^\s<>]+)")


@dataclass(frozen=True)
class Term:
    """One glossary entry: a concept or a criterion."""

    key: str  # 'concept:strategic-alliance', 'criterion:threat-type'
    kind: str  # 'concept' or 'criterion'
    title: str
    short: str  # plain text
    target: str  # the site-relative URL of the full definition
    anchor: str  # its anchor there, or ''
    names: tuple[str, ...]  # what pages call it, as typed in the data


def _plain(markdown_text: str) -> str:
    """A Markdown field as plain text (the fallback for a concept without `short`)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", markdown_inline(markdown_text))).split())


def terms(project) -> tuple[Term, ...]:
    """The glossary: every concept, then every criterion, in the data's order."""
    found = []
    for cid, c in project.concepts.items():
        found.append(
            Term(
                key=f"concept:{cid}",
                kind="concept",
                title=c["title"],
                short=c.get("short") or _plain(c["summary"]),
                target=url("concept", cid),
                anchor="",
                names=(c["title"], *c.get("also_called", ())),
            )
        )
    for cid, c in project.criteria.items():
        found.append(
            Term(
                key=f"criterion:{cid}",
                kind="criterion",
                title=c["title"],
                short=c.get("short") or c["question"],
                target=url("criteria"),
                anchor=cid,
                names=(c["title"],),
            )
        )
    return tuple(found)


def _name_pattern(name: str) -> str:
    words = [re.escape(w) for w in name.split()]
    plural = "" if name[-1:].lower() in ("s", "x", "y") or not name[-1:].isalpha() else "s?"
    return r"\s+".join(words) + plural


@dataclass(frozen=True)
class Glossary:
    """The terms and one regular expression that finds any of their names."""

    terms: tuple[Term, ...]
    pattern: re.Pattern
    by_group: dict  # regex group name -> (Term, the name is one word)

    @classmethod
    def of(cls, entries) -> Glossary:
        names = []  # (name, term), longest first so that "strategic alliance" wins over "alliance"
        seen = set()
        for term in entries:
            for name in term.names:
                folded = " ".join(name.lower().split())
                if folded and folded not in seen:
                    seen.add(folded)
                    names.append((name, term))
        names.sort(key=lambda nt: len(nt[0]), reverse=True)
        groups = {}
        alternatives = []
        for i, (name, term) in enumerate(names):
            groups[f"g{i}"] = (term, len(name.split()) == 1)
            alternatives.append(f"(?P<g{i}>{_name_pattern(name)})")
        if not alternatives:
            return cls(tuple(entries), re.compile(r"(?!x)x"), {})
        pattern = re.compile(
            r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])", re.IGNORECASE
        )
        return cls(tuple(entries), pattern, groups)


def _capitalised(word: str) -> bool:
    letters = _LEADING_PUNCTUATION.sub("", word)
    return bool(letters) and letters[0].isupper()


def _proper_name(node: str, match: re.Match, one_word: bool) -> bool:
    """Part of a name or a title rather than the term: every word capitalised ("Strategic
    Alliance or Strategic Cooperation?", "Comprehensive Strategic Partnership"), or one
    capitalised word next to another ("Northern Alliance", "Alliance Treaty Obligations")."""
    words = match.group(0).split()
    if not all(_capitalised(w) for w in words):
        return False
    if not one_word:
        return True
    before = _WORD_BEFORE.search(node[: match.start()])
    after = _WORD_AFTER.search(node[match.end() :])
    return any(w is not None and _capitalised(w.group(1)) for w in (before, after))


def _markup(term: Term, shown: str, here: str, n: int) -> str:
    return render_template(
        "glossary/term.html",
        term=term,
        shown=html.unescape(shown),  # letters, hyphens and spaces: escaped again as they were
        tip=f"ir-gloss-{n}",
        more=href(here, term.target, term.anchor),
    )


def _skips(tag: str, attrs: str) -> bool:
    if tag in SKIP_TAGS or _OPT_OUT.search(attrs):
        return True
    found = _CLASS.search(attrs)
    if found:
        classes = next(g for g in found.groups() if g is not None).split()
        return any(c in SKIP_CLASSES for c in classes)
    return False


def mark(page_html: str, here: str, glossary: Glossary) -> str:
    """The page body with the first occurrence of each term in each section made a glossary
    term (see the module's docstring). `here` is the page's site-relative URL."""
    if not glossary.by_group:
        return page_html
    own = {t.key for t in glossary.terms if t.target == here}
    seen: set[str] = set()
    stack: list[tuple[str, bool]] = []  # open elements: (tag, skips)
    skipping = 0
    count = 0
    out: list[str] = []
    pos = 0

    def text_node(node: str) -> str:
        nonlocal count
        if skipping or not node.strip():
            return node
        pieces = []
        last = 0
        for match in glossary.pattern.finditer(node):
            term, one_word = glossary.by_group[match.lastgroup]
            if term.key in seen or term.key in own:
                continue
            if _proper_name(node, match, one_word):
                continue
            seen.add(term.key)
            count += 1
            pieces.append(node[last : match.start()])
            pieces.append(_markup(term, match.group(0), here, count))
            last = match.end()
        if not pieces:
            return node
        pieces.append(node[last:])
        return "".join(pieces)

    length = len(page_html)
    while pos < length:
        token = _TOKEN.search(page_html, pos)
        end_of_text = token.start() if token else length
        if end_of_text > pos:
            out.append(text_node(page_html[pos:end_of_text]))
        if not token:
            break
        out.append(token.group(0))
        pos = token.end()
        tag = (token.group(2) or "").lower()
        if not tag:
            continue  # a comment, doctype or the like
        if token.group(1):  # a closing tag: close back to the element it closes
            if any(t == tag for t, _ in stack):
                while stack:
                    closed, skips = stack.pop()
                    skipping -= skips
                    if closed == tag:
                        break
            continue
        attrs = token.group(3) or ""
        if tag in _SECTION:
            seen.clear()
        if tag in _RAW_TEXT:  # its content is text up to the closing tag, never markup
            close = re.compile(rf"</{tag}\s*>", re.I).search(page_html, pos)
            stop = close.end() if close else length
            out.append(page_html[pos:stop])
            pos = stop
            continue
        if tag in _VOID or attrs.rstrip().endswith("/"):
            continue
        skips = _skips(tag, attrs)
        stack.append((tag, skips))
        skipping += skips
    return "".join(out)
