"""Compare two built sites page by page: `python tests/sitediff.py OLD_SITE NEW_SITE`.

Prints every page whose article text or markup differs, with the first differing lines, so a
refactoring can show that it changed no page, or only the pages it meant to change.
"""

from __future__ import annotations

import difflib
import re
import sys
from html.parser import HTMLParser
from pathlib import Path


class _Article(HTMLParser):
    """The text and the tag sequence of a page's <article>, one element per line."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.lines: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        if self.depth:
            shown = " ".join(f'{k}="{v}"' for k, v in sorted(attrs, key=lambda a: a[0]))
            self.lines.append(f"<{tag} {shown}>".replace(" >", ">"))

    def handle_endtag(self, tag):
        if self.depth:
            self.lines.append(f"</{tag}>")
        if tag == "article":
            self.depth -= 1

    def handle_data(self, data):
        text = re.sub(r"\s+", " ", data).strip()
        if self.depth and text:
            self.lines.append(text)


def article_lines(path: Path) -> list[str]:
    parser = _Article()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.lines


def differences(old: Path, new: Path) -> dict[str, list[str]]:
    """{page: unified diff lines} for every page that differs or exists on one side only."""
    pages = {p.relative_to(old) for p in old.rglob("index.html")}
    pages |= {p.relative_to(new) for p in new.rglob("index.html")}
    result = {}
    for page in sorted(pages):
        a = article_lines(old / page) if (old / page).exists() else ["(missing)"]
        b = article_lines(new / page) if (new / page).exists() else ["(missing)"]
        if a != b:
            result[str(page)] = list(difflib.unified_diff(a, b, lineterm="", n=1))
    return result


if __name__ == "__main__":
    found = differences(Path(sys.argv[1]), Path(sys.argv[2]))
    for page, diff in found.items():
        print(f"== {page}")
        print("\n".join(diff[:40]))
    print(f"{len(found)} page(s) differ")
    sys.exit(1 if found else 0)
