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
        "ir-contested__more",
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
    r"<(?:!--.*?-->|!\[CDATA\[.*?\]\]>|![^>]*>|\?[^>]*>"
    r"|(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+)>)",
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
        # The lookahead on the first letters lets the engine skip most positions at once.
        firsts = re.escape("".join(sorted({n[0].lower() + n[0].upper() for n, _ in names})))
        pattern = re.compile(
            rf"(?=[{firsts}])(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])",
            re.IGNORECASE,
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
    before = _WORD_BEFORE.search(node[max(0, match.start() - 80) : match.start()])
    after = _WORD_AFTER.search(node[match.end() : match.end() + 80])
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
    term (see the module's docstring). `here` is the page's site-relative URL.

    Every place a term's name occurs is found first; the elements are then followed from the
    start of the page up to the last of those places only, to tell which of them lie in body
    text (a few milliseconds a page)."""
    candidates = list(glossary.pattern.finditer(page_html))
    if not candidates:
        return page_html
    own = {t.key for t in glossary.terms if t.target == here}
    seen: set[str] = set()
    stack: list[tuple[str, bool]] = []  # open elements: (tag, skips)
    open_tags: dict[str, int] = {}  # how many of each tag are open
    skipping = 0
    skip_cache: dict[tuple[str, str], bool] = {}
    replacements: list[tuple[int, int, str]] = []
    next_candidate = 0
    raw_until = ""  # inside <script>, <style>...: the tag that ends the raw text

    def text(start: int, end: int) -> None:
        """Mark the candidates in the text between two tags."""
        nonlocal next_candidate
        while next_candidate < len(candidates) and candidates[next_candidate].start() < end:
            match = candidates[next_candidate]
            next_candidate += 1
            if match.start() < start or skipping:
                continue  # inside a tag (an attribute value), or in a skipped element
            term, one_word = glossary.by_group[match.lastgroup]
            if term.key in seen or term.key in own:
                continue
            if _proper_name(page_html[start:end], _Shifted(match, start), one_word):
                continue
            seen.add(term.key)
            count = len(replacements) + 1
            markup = _markup(term, match.group(0), here, count)
            replacements.append((match.start(), match.end(), markup))

    starts = [c.start() for c in candidates]
    count = len(candidates)
    pos = 0
    for token in _TOKEN.finditer(page_html):
        start = token.start()
        if raw_until:
            if token.group(1) and token.group(2).lower() == raw_until:
                raw_until = ""
                pos = token.end()
                # candidates in the raw text are passed over, never marked
                while next_candidate < count and starts[next_candidate] < pos:
                    next_candidate += 1
            continue
        if next_candidate < count and starts[next_candidate] < start:
            text(pos, start)  # only text that holds the next candidate is looked at
        elif next_candidate >= count:
            break
        pos = token.end()
        closing, tag, attrs = token.groups()
        if not tag:
            continue  # a comment, doctype or the like
        tag = tag.lower()
        if closing:  # close back to the element it closes
            if open_tags.get(tag):
                while stack:
                    closed, skips = stack.pop()
                    open_tags[closed] -= 1
                    skipping -= skips
                    if closed == tag:
                        break
            continue
        if tag in _SECTION:
            seen.clear()
        if tag in _RAW_TEXT:  # its content is text up to the closing tag, never markup
            raw_until = tag
            continue
        if tag in _VOID or attrs.rstrip().endswith("/"):
            continue
        key = (tag, attrs)
        skips = skip_cache.get(key)
        if skips is None:
            skips = skip_cache[key] = _skips(tag, attrs)
        stack.append((tag, skips))
        open_tags[tag] = open_tags.get(tag, 0) + 1
        skipping += skips
    else:
        if not raw_until and pos < len(page_html):
            text(pos, len(page_html))
    if not replacements:
        return page_html
    out = []
    last = 0
    for begin, end, markup in replacements:
        out.append(page_html[last:begin])
        out.append(markup)
        last = end
    out.append(page_html[last:])
    return "".join(out)


class _Shifted:
    """A match seen from inside the text node that starts at `offset` (for _proper_name)."""

    def __init__(self, match: re.Match, offset: int):
        self._match, self._offset = match, offset

    def group(self, *args):
        return self._match.group(*args)

    def start(self) -> int:
        return self._match.start() - self._offset

    def end(self) -> int:
        return self._match.end() - self._offset
