"""The Site view: plain view data for every page kind, from a checked Project.

Nothing here is HTML or page wording: each method returns the facts a template in
macros/templates/ lays out. Each method that feeds a page part takes `here`, the URL of the
page it is written into (e.g. 'cases/x/'), so that every link is relative and the site works
from any base path. Text from data stays as typed: templates escape it, or pass Markdown
fields through their `markdown` filter.
"""

from __future__ import annotations

import html
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from . import argmap, derive, vocabulary
from .bibliography import format_references, short_cite, sort_key
from .errors import DataError
from .glossary import Glossary
from .glossary import terms as glossary_terms
from .model import DATA_DIR, Project, date_order, load_project
from .render import href, markdown_inline
from .templates import letter_title
from .urls import DOWNLOADS_PAGE, url


@dataclass(frozen=True)
class Link:
    href: str
    text: str


@dataclass(frozen=True)
class Paging:
    """How a long index is split into numbered pages: every entry on one page up to `limit`
    entries; beyond it, pages of `size` entries, the first at the index's own address
    ('comparison/'), the others at numbered ones ('comparison/2/', urls.py)."""

    index: str  # the URL kind of the first page
    page: str  # the URL kind of the others
    limit: int
    size: int

    def split(self, items: Sequence) -> list[list]:
        items = list(items)
        if len(items) <= self.limit:
            return [items]
        return [items[i : i + self.size] for i in range(0, len(items), self.size)]

    def url(self, number: int) -> str:
        return url(self.index) if number == 1 else url(self.page, str(number))


# The bibliography's groups, by CSL type, in the order the sources page shows them; the
# template words each group's heading.
SOURCE_GROUPS = (
    ("scholarship", ("book", "chapter", "article-journal", "report", "thesis")),
    ("official", ("treaty", "legislation", "speech", "bill", "regulation", "legal_case")),
    ("news", ("article-newspaper", "article-magazine", "broadcast", "interview")),
    ("web", ("webpage", "post", "post-weblog")),
)


@dataclass(frozen=True)
class VerdictView:
    concept: Link | None  # the concept, or None when indeterminate or not applicable
    contenders: tuple[str, ...]  # titles of the concepts with the highest score
    best: int  # the highest score
    total: int  # number of criteria
    css: str  # the concept id, 'indeterminate' or 'none'
    # 'decided', 'indeterminate', 'not-coded' (not yet coded on this site's extended test) or
    # 'not-applicable' (evidence on willingness or constraint gets no verdict)
    status: str = "decided"


def source_language(source: dict) -> str:
    """A reference's title is in the source's language; the rest of the page is English.
    '' for English."""
    lang = source.get("language", "en")
    return "" if lang.startswith("en") else lang


def first_sentence(markdown: str, most: int = 160) -> str:
    """The opening sentence of Markdown data text, as plain text (markup rendered and
    dropped), cut at a word boundary with an ellipsis past `most` characters."""
    plain = html.unescape(re.sub(r"<[^>]*>", "", markdown_inline(markdown)))
    plain = " ".join(plain.split())
    match = re.match(r"(.+?[.?!])(?:\s|$)", plain)
    sentence = match.group(1) if match else plain
    if len(sentence) > most:
        sentence = sentence[: sentence.rfind(" ", 0, most)].rstrip(",;:") + "…"
    return sentence


class Site:
    """Everything derived from one Project; cheap to query page by page."""

    def __init__(self, project: Project):
        self.p = project
        self.index = derive.build_index(project)
        # {test: {case id: Verdict, or None where the test does not apply}}
        self.verdicts = {
            test: {cid: derive.case_verdict(c, project, test) for cid, c in project.cases.items()}
            for test in derive.TESTS
        }
        self.vocab = {v.name: v for v in vocabulary.all_vocabularies()}
        self.counts = derive.counts(project)

    @cached_property
    def glossary(self) -> Glossary:
        """The glossary terms (concepts and criteria) that pages mark with their definition."""
        return Glossary.of(glossary_terms(self.p))

    @cached_property
    def references(self):
        """{source id: formatted reference (safe HTML)}, in the style's order."""
        return format_references(self.p.sources)

    @cached_property
    def _id_names(self) -> dict[str, str]:
        names = {sid: short_cite(s) for sid, s in self.p.sources.items()}
        names |= {cid: c["title"] for cid, c in self.p.criteria.items()}
        names |= {cid: c["title"] for cid, c in self.p.concepts.items()}
        names |= {cid: c["short_title"] for cid, c in self.p.cases.items()}
        return {k: v for k, v in names.items() if "-" in k}  # a one-word id is a word

    # A run of word characters and hyphens standing on its own: not after a word character,
    # "/", "#", ".", "=" or "-", not followed by "/" (so not part of an address). An id is
    # replaced only when it is such a whole run. (One alternative per id in one pattern made
    # each text cost time in proportion to the number of ids: 3 s at 1,000 cases.)
    _ID_RUN = re.compile(r"(?<![\w/#.=-])[\w-]*-[\w-]*(?![\w/-])")

    def readable(self, value: str) -> str:
        """Data text with the ids of sources, criteria, concepts and cases that it names in
        running prose ('see atkin-1980-russia-and-iran') replaced by what a reader knows them
        by ('see Atkin 1980'); ids inside addresses are left alone."""
        names = self._id_names
        return self._ID_RUN.sub(lambda m: names.get(m.group(0), m.group(0)), value)

    @cached_property
    def _references(self) -> dict:
        return {}

    def reference_of(self, source_id: str):
        """One formatted reference: the whole list is formatted only for the sources page."""
        if "references" in self.__dict__:  # already formatted for the sources page
            return self.references[source_id]
        if source_id not in self._references:
            self._references[source_id] = format_references({source_id: self.p.sources[source_id]})[
                source_id
            ]
        return self._references[source_id]

    @cached_property
    def claim_numbers(self) -> dict[str, int]:
        return {c["id"]: n for n, c in enumerate(self.p.argument["claims"], 1)}

    def claim(self, claim_id: str) -> dict:
        return self.p.argument["claims"][self.claim_numbers[claim_id] - 1]

    # ----- small pieces -------------------------------------------------------------------

    @cached_property
    def source_letters(self) -> dict[str, str]:
        """{source id: the bibliography page it is on}: one page per initial letter of its
        entry in APA order ('a'...'z'), 'other' for any other initial. /sources/ lists them
        all, with the anchors (/sources/#<id>) that were the entries' first addresses."""
        letters = {}
        for source_id, source in self.p.sources.items():
            initial = sort_key(source)[0][:1]
            letters[source_id] = initial if "a" <= initial <= "z" else "other"
        return letters

    def source_href(self, here: str, source_id: str) -> str:
        return href(here, url("sources-letter", self.source_letters[source_id]), source_id)

    def source_links(self, here: str, ids: list[str]) -> list[Link]:
        return [Link(self.source_href(here, s), short_cite(self.p.sources[s])) for s in ids]

    def sourced(self, here: str, item: dict) -> dict:
        return {"text": item["text"], "sources": self.source_links(here, item["sources"])}

    def case_link(self, here: str, case_id: str) -> Link:
        return Link(href(here, url("case", case_id)), self.p.cases[case_id]["short_title"])

    def concept_link(self, here: str, concept_id: str) -> Link:
        return Link(href(here, url("concept", concept_id)), self.p.concepts[concept_id]["title"])

    def criterion_link(self, here: str, criterion_id: str) -> Link:
        return Link(
            href(here, url("criteria"), criterion_id), self.p.criteria[criterion_id]["title"]
        )

    def claim_link(self, here: str, claim_id: str) -> dict:
        """A claim's link: the template words it ('Claim 3: <title>')."""
        return {
            "href": href(here, url("argument"), claim_id),
            "number": self.claim_numbers[claim_id],
            "title": self.claim(claim_id).get("title", ""),
        }

    def value_label(self, criterion_id: str, value_id: str) -> str:
        return self.p.value_label(criterion_id, value_id)

    def verdict(self, here: str, verdict: derive.Verdict | None, case_id: str = "") -> VerdictView:
        if verdict is None:
            constraint = case_id and self.p.cases[case_id]["role"] == "constraint"
            return VerdictView(
                None, (), 0, 0, "none", "not-applicable" if constraint else "not-coded"
            )
        return VerdictView(
            self.concept_link(here, verdict.concept) if verdict.decided else None,
            tuple(self.p.concepts[c]["title"] for c in verdict.contenders),
            verdict.score(verdict.contenders[0]) if verdict.contenders else 0,
            verdict.total,
            verdict.concept or "indeterminate",
            "decided" if verdict.decided else "indeterminate",
        )

    def case_verdicts(self, here: str, case_id: str) -> dict[str, VerdictView]:
        """{test: the case's verdict on it}, for tables that show both tests."""
        return {t: self.verdict(here, self.verdicts[t][case_id], case_id) for t in derive.TESTS}

    def tests(self) -> list:
        """The two tests, labelled from the schema vocabulary, with the concepts each uses."""
        return [self.vocab["test"][t] for t in derive.TESTS]

    def test_verdict(self, here: str, case_id: str, test: str) -> dict:
        """One test's verdict on one case: the verdict, how the coding matches each concept
        the test uses, and the verdict under each recorded alternative reading."""
        case = self.p.cases[case_id]
        verdict = self.verdicts[test][case_id]
        criteria, concepts = derive.scope(self.p, test)
        view = {
            "test": self.vocab["test"][test],
            "verdict": self.verdict(here, verdict, case_id),
            "criteria": [self.p.criteria[c]["title"] for c in criteria],
            "added": [x["title"] for x in self.p.criteria.values() if x["test"] == "site"],
            "concepts": [self.p.concepts[c]["title"] for c in concepts],
            "matches": [],
            "alternatives": [],
        }
        if verdict is None:
            return view
        view["matches"] = [
            {
                "concept": self.concept_link(here, concept_id),
                "count": len(verdict.matches[concept_id]),
                "total": verdict.total,
                "criteria": [self.p.criteria[c]["title"] for c in verdict.matches[concept_id]],
            }
            for concept_id in concepts
        ]
        for criterion_id, alt_verdict in derive.alternative_verdicts(case, self.p, test):
            every = criterion_id == "*"
            view["alternatives"].append(
                {
                    "every": every,
                    "criterion": None if every else self.p.criteria[criterion_id]["title"],
                    "value": None
                    if every
                    else self.value_label(
                        criterion_id, case["coding"][criterion_id]["alternative"]["value"]
                    ),
                    "verdict": self.verdict(here, alt_verdict),
                    "changed": alt_verdict.concept != verdict.concept,
                }
            )
        return view

    def page_sources(self, here: str, ids: list[str]) -> list[dict]:
        unique = sorted(dict.fromkeys(ids), key=lambda s: short_cite(self.p.sources[s]))
        return [
            {"link": link, "reference": self.reference_of(s)}
            for s, link in zip(unique, self.source_links(here, unique), strict=True)
        ]

    def role_order(self, case_id: str) -> tuple:
        case = self.p.cases[case_id]
        return (self.vocab["role"].values().index(case["role"]), case["period"]["start"], case_id)

    def case_order(self) -> list[str]:
        """Case ids in the order of /cases/: by role (the schema's order), then start, then id."""
        return list(self._case_order)

    @cached_property
    def _case_order(self) -> tuple[str, ...]:
        roles = [t.value for t in self.vocab["role"].terms]
        return tuple(
            sorted(
                self.p.cases,
                key=lambda i: (
                    roles.index(self.p.cases[i]["role"]),
                    self.p.cases[i]["period"]["start"],
                    i,
                ),
            )
        )

    @cached_property
    def _positions(self) -> dict[str, dict[str, int]]:
        return {
            "case": {cid: n for n, cid in enumerate(self._case_order)},
            "concept": {cid: n for n, cid in enumerate(self.p.concepts)},
        }

    def page_nav(self, kind: str, entry_id: str) -> dict:
        """Where a generated page sits, for the theme: the way up (Home, then the index page),
        and the previous and next entry in the index's order. Links are relative to the page;
        text is plain (the theme template escapes it)."""
        here = url(kind, entry_id)
        if kind == "case":
            order, index, link = self._case_order, url("cases"), self.case_link
            up_text, noun = "Cases", "case"
        else:
            order, index, link = tuple(self.p.concepts), url("concepts"), self.concept_link
            up_text, noun = "Concepts", "concept"
        position = self._positions[kind][entry_id]
        prev_id = order[position - 1] if position > 0 else None
        next_id = order[position + 1] if position + 1 < len(order) else None
        return {
            "up": [
                {"href": href(here, url("home")), "text": "Home"},
                {"href": href(here, index), "text": up_text},
            ],
            "noun": noun,
            "position": position + 1,
            "count": len(order),
            "prev": prev_id and vars(link(here, prev_id)),
            "next": next_id and vars(link(here, next_id)),
        }

    def verdict_key(self, case_id: str, test: str) -> str:
        """The case's verdict on one test as one word: a concept id, 'indeterminate',
        'not-coded' or 'not-applicable' (what the legend counts and the filters select)."""
        v = self.verdicts[test][case_id]
        if v is None:
            return (
                "not-applicable" if self.p.cases[case_id]["role"] == "constraint" else "not-coded"
            )
        return v.concept if v.decided else "indeterminate"

    def verdict_title(self, key: str) -> str:
        """What a verdict key reads as: the concept's title, or the words of the badge."""
        if key in self.p.concepts:
            return self.p.concepts[key]["title"]
        return {
            "indeterminate": "Indeterminate",
            "not-coded": "Not yet coded",
            "not-applicable": "No verdict",
        }[key]

    def decades(self, case_id: str) -> list[str]:
        """The decades a case's period touches ('1990s'); an ongoing case runs to the year it
        was last reviewed, so the result does not depend on the day of the build."""
        case = self.p.cases[case_id]
        start = int(case["period"]["start"][:4])
        end = int(case["period"].get("end", case["last_reviewed"])[:4])
        return [f"{d}s" for d in range(start // 10 * 10, end + 1, 10)]

    def verdict_counts(self, here: str, test: str) -> dict:
        """How many cases carry each verdict of one test: one item per concept the test uses,
        then indeterminate, then (when some case has none) not yet coded and no verdict. The
        counts add up to the number of cases."""
        keys = [self.verdict_key(cid, test) for cid in self.verdicts[test]]
        items = []
        for concept_id in derive.scope(self.p, test)[1]:
            title = self.p.concepts[concept_id]["title"]
            items.append(
                {
                    "key": concept_id,
                    "verdict": VerdictView(
                        self.concept_link(here, concept_id), (title,), 0, 0, concept_id
                    ),
                    "count": keys.count(concept_id),
                }
            )
        items.append(
            {
                "key": "indeterminate",
                "verdict": VerdictView(None, (), 0, 0, "indeterminate"),
                "count": keys.count("indeterminate"),
            }
        )
        for status in ("not-coded", "not-applicable"):
            if status in keys:
                items.append(
                    {
                        "key": status,
                        "count": keys.count(status),
                        "verdict": VerdictView(None, (), 0, 0, "none", status),
                    }
                )
        return {"items": items, "total": len(keys), "test": self.vocab["test"][test]}

    # ----- long indexes, in numbered pages ---------------------------------------------------

    # The indexes that grow with the cases, and where each is split (see Paging). The sizes
    # keep every page under 150 KB of HTML with Material's frame (about 30 KB; bench/): a row
    # of the comparison is up to 3.6 KB with its what-if data, a row of the cases index about
    # 0.5 KB, an event of the timeline 0.9 KB. At the real data's size (28 cases, 181 events)
    # each is one page, as it was.
    PAGING = {
        "comparison": Paging("comparison", "comparison-page", limit=30, size=25),
        "cases": Paging("cases", "cases-page", limit=180, size=180),
        "timeline": Paging("timeline", "timeline-page", limit=200, size=100),
    }

    @cached_property
    def _timeline_order(self) -> tuple[tuple[str, int], ...]:
        """(case id, event number) of every event, in the timeline's order: by date (a
        partial date before the full dates it contains), then in the order of /cases/, then
        in the case's own order."""
        keys = []
        for position, case_id in enumerate(self._case_order):
            for number, event in enumerate(self.p.cases[case_id].get("events", []), 1):
                keys.append((date_order(event["date"]), position, number, case_id))
        return tuple((case_id, number) for *_, number, case_id in sorted(keys))

    def pages(self, name: str) -> list[list]:
        """The entries of each page of one long index (PAGING): case ids for 'cases' and
        'comparison', (case id, event number) for 'timeline'."""
        if name not in self._pages:
            entries = self._timeline_order if name == "timeline" else self._case_order
            self._pages[name] = self.PAGING[name].split(entries)
        return self._pages[name]

    @cached_property
    def _pages(self) -> dict[str, list[list]]:
        return {}

    @cached_property
    def _timeline_page_of(self) -> dict[str, int]:
        """{event id ('<case id>-<number>'): the timeline page it is on}."""
        return {
            f"{case_id}-{number}": n
            for n, chunk in enumerate(self.pages("timeline"), 1)
            for case_id, number in chunk
        }

    @cached_property
    def _timeline_case_page(self) -> dict[str, int]:
        """{case id: the timeline page of its first event}."""
        first: dict[str, int] = {}
        for n, chunk in enumerate(self.pages("timeline"), 1):
            for case_id, _ in chunk:
                first.setdefault(case_id, n)
        return first

    def page_label(self, name: str, chunk: list, start: int) -> str:
        """What a page of an index holds, for its pager: the years of its events on the
        timeline ('1996–2001'), otherwise the numbers of its entries ('31–60'; `start` is the
        number of its first)."""
        if name == "timeline":
            first, last = (
                self.p.cases[case_id]["events"][number - 1]["date"][:4]
                for case_id, number in (chunk[0], chunk[-1])
            )
            return first if first == last else f"{first}–{last}"
        return f"{start:,}–{start + len(chunk) - 1:,}"

    def pager(self, here: str, name: str, number: int) -> dict | None:
        """The pages of one long index, for the pager at the top of each (None when it is one
        page): each page's link and label (a label two pages share is numbered), which one
        is this, the previous and next, and the entries this page holds of how many."""
        chunks = self.pages(name)
        if not 1 <= number <= len(chunks):
            raise ValueError(f"{name}: no page {number} (it has {len(chunks)})")
        if len(chunks) == 1:
            return None
        paging = self.PAGING[name]
        starts = [1]
        for chunk in chunks[:-1]:
            starts.append(starts[-1] + len(chunk))
        labels = [self.page_label(name, c, start) for c, start in zip(chunks, starts, strict=True)]
        repeated = {label for label in labels if labels.count(label) > 1}
        seen: dict[str, int] = {}
        pages = []
        for n, label in enumerate(labels, 1):
            if label in repeated:
                seen[label] = seen.get(label, 0) + 1
                label = f"{label}, part {seen[label]}"
            pages.append(
                {
                    "number": n,
                    "href": href(here, paging.url(n)),
                    "label": label,
                    "current": n == number,
                }
            )
        first = starts[number - 1]
        return {
            "name": name,
            "number": number,
            "count": len(chunks),
            "first": first,
            "last": first + len(chunks[number - 1]) - 1,
            "total": sum(len(c) for c in chunks),
            "pages": pages,
            "prev": pages[number - 2] if number > 1 else None,
            "next": pages[number] if number < len(chunks) else None,
        }

    def paged_nav(self, name: str, number: int) -> dict:
        """The way up and along for a numbered page of a long index (see page_nav)."""
        paging = self.PAGING[name]
        here = paging.url(number)
        pager = self.pager(here, name, number)
        title = {"comparison": "Comparison", "cases": "Cases", "timeline": "Timeline"}[name]
        holds = {"comparison": "Comparison, cases ", "cases": "Cases ", "timeline": "Timeline, "}

        def along(page):
            return page and {"href": page["href"], "text": holds[name] + page["label"]}

        return {
            "up": [
                {"href": href(here, url("home")), "text": "Home"},
                {"href": href(here, url(paging.index)), "text": title},
            ],
            "noun": "page",
            "position": number,
            "count": pager["count"],
            "prev": along(pager["prev"]),
            "next": along(pager["next"]),
        }

    # ----- generated pages ------------------------------------------------------------------

    def case_page(self, case_id: str) -> dict:
        """View of /cases/<id>/."""
        here = url("case", case_id)
        case = self.p.cases[case_id]
        coding = []
        for criterion_id, criterion in self.p.criteria.items():
            entry = case.get("coding", {}).get(criterion_id)
            if entry is None:
                continue
            alternative = entry.get("alternative")
            coding.append(
                {
                    "id": criterion_id,
                    "criterion": self.criterion_link(here, criterion_id),
                    "test": self.vocab["test"][criterion["test"]],
                    "value": self.value_label(criterion_id, entry["value"]),
                    "rationale": self.readable(entry["rationale"]),
                    "sources": self.source_links(here, entry["sources"]),
                    "alternative": alternative
                    and {
                        "value": self.value_label(criterion_id, alternative["value"]),
                        "argument": self.readable(alternative["argument"]),
                        "sources": self.source_links(here, alternative["sources"]),
                    },
                }
            )
        tests = [self.test_verdict(here, case_id, t) for t in derive.TESTS]
        return {
            "id": case_id,
            "title": case["title"],
            "role": self.vocab["role"][case["role"]],
            "period": case["period"],
            "region": case["region"],
            "forms": [self.vocab["form"][f] for f in case["forms"]],
            "verdicts": {t["test"].value: t["verdict"] for t in tests},
            "verdict_href": href(here, here, "verdict"),
            "method_href": href(here, url("about"), "method"),
            "perspectives_href": href(here, url("perspectives")),
            "last_reviewed": case["last_reviewed"],
            "summary": [self.sourced(here, p) for p in case["summary"]],
            "events": self.events(here, case_id),
            # The timeline's page with the case's first event, filtered to the case
            "timeline_href": href(
                here, self.PAGING["timeline"].url(self._timeline_case_page.get(case_id, 1))
            )
            + f"?case={case_id}",
            "essay_use": case["essay_use"],
            "fact_checks": [
                {
                    "status": self.vocab["fact_check_status"][c["status"]],
                    "essay": c["essay"],
                    "finding": c["finding"],
                    "sources": self.source_links(here, c["sources"]),
                }
                for c in case.get("fact_checks", [])
            ],
            "coding": coding,
            "tests": tests,
            "differ": len({t["verdict"].css for t in tests}) > 1,
            "bears_on": [
                {
                    "criterion": self.criterion_link(here, b["criterion"]),
                    "text": b["text"],
                    "sources": self.source_links(here, b["sources"]),
                }
                for b in case.get("bears_on", [])
            ],
            "claims": [
                {
                    "link": self.claim_link(here, c),
                    "kind": self.vocab["claim_kind"][self.claim(c)["kind"]],
                }
                for c in self.index.claims_by_case.get(case_id, [])
            ],
            "related": self._related(here, case_id),
            "page_sources": self.page_sources(here, derive.sources_in(case)),
            "whatif": self.whatif(here, [case_id]),
        }

    # A concept page lists cases by name up to this many in one place; beyond it, it gives
    # their number and a link to the page listing them (/criteria/, /cases/), so that the page
    # stays small however many cases there are.
    LIST_LIMIT = 40

    def _case_list(self, here: str, case_ids: list[str], full_list: str) -> dict:
        shown = case_ids if len(case_ids) <= self.LIST_LIMIT else []
        return {
            "links": [self.case_link(here, cid) for cid in shown],
            "count": len(case_ids),
            "elsewhere": "" if shown or not case_ids else full_list,
        }

    # A case page names its related cases up to this many; beyond it, the cases its own file
    # names, and how many others name it, with a link to the downloads (each case's data
    # there holds its `related`). A bibliography entry's "Cited on" names case pages up to
    # this many too; beyond it, their number and the same link.
    RELATED_LIMIT = 20
    CITED_LIMIT = 20

    def _related(self, here: str, case_id: str) -> dict:
        related = self.index.related[case_id]
        if len(related) <= self.RELATED_LIMIT:
            shown = related
        else:
            shown = sorted(dict.fromkeys(self.p.cases[case_id].get("related", [])))
        return {
            "links": [self.case_link(here, r) for r in shown],
            "count": len(related),
            "others": len(related) - len(shown),
            "elsewhere": href(here, DOWNLOADS_PAGE) if len(shown) < len(related) else "",
        }

    def concept_page(self, concept_id: str) -> dict:
        """View of /concepts/<id>/."""
        here = url("concept", concept_id)
        concept = self.p.concepts[concept_id]
        profile = concept["profile"]
        criteria = []
        for criterion_id, criterion in self.p.criteria.items():
            meets, fails = [], []
            for case_id, case in self.p.cases.items():
                entry = case.get("coding", {}).get(criterion_id)
                if entry is not None:
                    (meets if entry["value"] == profile[criterion_id] else fails).append(case_id)
            criteria.append(
                {
                    "criterion": self.criterion_link(here, criterion_id),
                    "question": criterion["question"],
                    "value": self.value_label(criterion_id, profile[criterion_id]),
                    # Beyond LIST_LIMIT cases a count and a link to the list on /criteria/
                    "meets": self._case_list(
                        here,
                        meets,
                        href(here, url("criteria"), f"{criterion_id}--{profile[criterion_id]}"),
                    ),
                    "fails": self._case_list(
                        here, fails, href(here, url("criteria"), criterion_id)
                    ),
                }
            )
        definition = concept.get("essay_definition")
        return {
            "id": concept_id,
            "title": concept["title"],
            "summary": concept["summary"],
            "also_called": concept.get("also_called", []),
            "essay_definition": definition and self.sourced(here, definition),
            "literature": [self.sourced(here, item) for item in concept["literature"]],
            "criteria": criteria,
            "test": self.vocab["test"][concept["test"]],
            "cases_by_test": [
                {
                    "test": self.vocab["test"][t],
                    "applies": concept["test"] == "essay" or t == "site",
                    "cases": self._case_list(
                        here,
                        [
                            cid
                            for cid, v in self.verdicts[t].items()
                            if v is not None and v.concept == concept_id
                        ],
                        href(here, url("cases")),
                    ),
                }
                for t in derive.TESTS
            ],
            "claims": [
                self.claim_link(here, c) for c in self.index.claims_by_concept.get(concept_id, [])
            ],
            "page_sources": self.page_sources(here, derive.sources_in(concept)),
            "method_href": href(here, url("about"), "method"),
        }

    # ----- parts of hand-written pages (one macro each) -------------------------------------

    def concept_index(self, here: str) -> dict:
        return {
            "concepts": [
                {"link": self.concept_link(here, cid), "summary": c["summary"]}
                for cid, c in self.p.concepts.items()
            ]
        }

    def criteria_section(self, here: str) -> dict:
        criteria = []
        for criterion_id, criterion in self.p.criteria.items():
            answers = [
                {
                    "id": value["id"],
                    "label": value["label"],
                    "description": value["description"],
                    "concepts": [
                        self.concept_link(here, cid)
                        for cid, c in self.p.concepts.items()
                        if c["profile"][criterion_id] == value["id"]
                    ],
                    "cases": [
                        self.case_link(here, cid)
                        for cid, c in self.p.cases.items()
                        if c.get("coding", {}).get(criterion_id, {}).get("value") == value["id"]
                    ],
                }
                for value in criterion["values"]
            ]
            criteria.append(
                {
                    "id": criterion_id,
                    "order": criterion["order"],
                    "title": criterion["title"],
                    "question": criterion["question"],
                    "explanation": criterion["explanation"],
                    "answers": answers,
                    "sources": self.source_links(here, criterion["sources"]),
                    "claims": [
                        self.claim_link(here, c)
                        for c in self.index.claims_by_criterion.get(criterion_id, [])
                    ],
                }
            )
        return {"criteria": criteria}

    def cases_index(self, here: str, page: int = 1) -> dict:
        """/cases/ (or one of its numbered pages, beyond PAGING['cases']): the cases of the
        page in one table per role, in the schema's order; the legend counts every case."""
        groups = []
        order = self.pages("cases")[page - 1]
        for role in self.vocab["role"].terms:
            ids = [cid for cid in order if self.p.cases[cid]["role"] == role.value]
            if ids:
                groups.append(
                    {
                        "role": role,
                        "cases": [
                            {
                                "link": self.case_link(here, cid),
                                "period": self.p.cases[cid]["period"],
                                "region": self.p.cases[cid]["region"],
                                "verdicts": self.case_verdicts(here, cid),
                            }
                            for cid in ids
                        ],
                    }
                )
        return {
            "groups": groups,
            "counts": [self.verdict_counts(here, t) for t in derive.TESTS],
            "pager": self.pager(here, "cases", page),
        }

    def comparison_table(self, here: str, page: int = 1) -> dict:
        """/comparison/'s table (or one of its numbered pages, beyond PAGING['comparison']):
        the rows of the page, the filters they offer, the what-if data of those rows; the
        legend counts every case."""
        rows = []
        for case_id in self.pages("comparison")[page - 1]:
            case = self.p.cases[case_id]
            cells = []
            for criterion_id in self.p.criteria:
                entry = case.get("coding", {}).get(criterion_id)
                if entry is None:
                    cells.append(None)
                    continue
                cells.append(
                    {
                        "value": self.value_label(criterion_id, entry["value"]),
                        "link": Link(
                            href(here, url("case", case_id), "coding-" + criterion_id),
                            self.value_label(criterion_id, entry["value"]),
                        ),
                        "contested": self.value_label(criterion_id, entry["alternative"]["value"])
                        if "alternative" in entry
                        else None,
                    }
                )
            rows.append(
                {
                    "id": case_id,
                    "title": case["short_title"],
                    "link": self.case_link(here, case_id),
                    "role": self.vocab["role"][case["role"]],
                    "period": case["period"],
                    "decades": self.decades(case_id),
                    "region": case["region"],
                    "cells": cells,
                    "verdicts": self.case_verdicts(here, case_id),
                    "verdict_keys": {t: self.verdict_key(case_id, t) for t in derive.TESTS},
                }
            )
        counts = [self.verdict_counts(here, t) for t in derive.TESTS]
        return {
            "criteria": [
                {
                    "id": c,
                    "link": self.criterion_link(here, c),
                    "title": x["title"],
                    "test": self.vocab["test"][x["test"]],
                }
                for c, x in self.p.criteria.items()
            ],
            "tests": self.tests(),
            "rows": rows,
            "counts": counts,
            "filters": {
                "roles": [
                    self.vocab["role"][r]
                    for r in self.vocab["role"].values()
                    if any(row["role"].value == r for row in rows)
                ],
                "regions": sorted({row["region"] for row in rows}),
                "decades": sorted({d for row in rows for d in row["decades"]}),
                "verdicts": {
                    c["test"].value: [
                        {"key": i["key"], "title": self.verdict_title(i["key"])} for i in c["items"]
                    ]
                    for c in counts
                },
            },
            "whatif": self.whatif(here, [row["id"] for row in rows]),
            "pager": self.pager(here, "comparison", page),
        }

    def whatif(self, here: str, case_ids: list[str]) -> dict:
        """What the what-if script (docs/javascripts/whatif.js) needs, read from the data as
        the build reads it: each test's criteria and concepts with the concepts' profiles, the
        labels of every criterion value, and each case's coding with its recorded alternative
        readings. The script applies the rule of derive.verdict_for to these;
        tests/test_whatif.py checks that the two agree on every combination of readings."""
        cases = {}
        for case_id in case_ids:
            case = self.p.cases[case_id]
            coding = case.get("coding", {})
            cases[case_id] = {
                "title": case["short_title"],
                "values": derive.case_values(case),
                "alternatives": {
                    c: e["alternative"]["value"] for c, e in coding.items() if "alternative" in e
                },
                "applies": [t for t in derive.TESTS if derive.applies(case, self.p, t)],
            }
        return {
            "tests": {
                t: dict(zip(("criteria", "concepts"), derive.scope(self.p, t), strict=True))
                | {"title": self.vocab["test"][t].title}
                for t in derive.TESTS
            },
            "concepts": {
                cid: {
                    "title": c["title"],
                    "href": href(here, url("concept", cid)),
                    "profile": c["profile"],
                }
                for cid, c in self.p.concepts.items()
            },
            "criteria": {
                cid: {"title": c["title"], "values": {v["id"]: v["label"] for v in c["values"]}}
                for cid, c in self.p.criteria.items()
            },
            "cases": cases,
        }

    def concepts_side_by_side(self, here: str) -> dict:
        concepts = []
        for concept_id, concept in self.p.concepts.items():
            definition = concept.get("essay_definition")
            concepts.append(
                {
                    "link": self.concept_link(here, concept_id),
                    "summary": concept["summary"],
                    "essay_definition": definition["text"] if definition else None,
                    "profile": [
                        self.value_label(c, concept["profile"][c]) for c in self.p.criteria
                    ],
                    "test": self.vocab["test"][concept["test"]],
                    "cases": {
                        t: sum(
                            1 for v in self.verdicts[t].values() if v and v.concept == concept_id
                        )
                        for t in derive.TESTS
                    },
                }
            )
        totals = {
            t: {
                "indeterminate": sum(1 for v in self.verdicts[t].values() if v and not v.decided),
                "none": sum(1 for v in self.verdicts[t].values() if v is None),
                "all": len(self.verdicts[t]),
            }
            for t in derive.TESTS
        }
        return {
            "concepts": concepts,
            "tests": self.tests(),
            "totals": totals,
            "criteria": [self.criterion_link(here, c) for c in self.p.criteria],
            "counts": [self.verdict_counts(here, t) for t in derive.TESTS],
        }

    def source_view(self, source_id: str) -> dict:
        source = self.p.sources[source_id]
        return {
            "id": source_id,
            "reference": self.reference_of(source_id),
            "language": source_language(source),
            "url": source.get("url"),
            "doi_url": f"https://doi.org/{source['doi']}" if "doi" in source else None,
            "note": source.get("note") and self.readable(source["note"]),
        }

    def letters(self) -> list[str]:
        """The bibliography's pages, in order: 'a'...'z' as used, then 'other'."""
        used = set(self.source_letters.values())
        return sorted(used - {"other"}) + (["other"] if "other" in used else [])

    def bibliography(self, here: str) -> dict:
        """/sources/: every source in the style's order, by initial letter, each with the
        anchor it has always had (/sources/#<id>) and a link to its entry on its letter's
        page."""
        by_letter: dict[str, list] = {letter: [] for letter in self.letters()}
        for source_id in sorted(
            self.p.sources, key=lambda sid: (sort_key(self.p.sources[sid]), sid)
        ):
            by_letter[self.source_letters[source_id]].append(
                {
                    "id": source_id,
                    "short": short_cite(self.p.sources[source_id]),
                    "title": self.p.sources[source_id]["title"],
                    "href": self.source_href(here, source_id),
                }
            )
        return {
            "letters": [
                {
                    "key": letter,
                    "href": href(here, url("sources-letter", letter)),
                    "sources": entries,
                }
                for letter, entries in by_letter.items()
            ],
            "total": len(self.p.sources),
        }

    def sources_page(self, letter: str) -> dict:
        """View of /sources/<letter>/: the sources of one initial letter grouped by kind
        (SOURCE_GROUPS, in that order; a type no group names goes to 'other'), each group
        in the style's order, each source with the places that cite it."""
        here = url("sources-letter", letter)
        entries = []
        for source_id in self.references:
            if self.source_letters[source_id] != letter:
                continue
            cited = []
            for c in self.index.citations.get(source_id, []):
                target = (
                    self.source_href(here, c.anchor)
                    if c.kind == "source"
                    else href(here, c.url, c.anchor)
                )
                name = (
                    short_cite(self.p.sources[c.name])
                    if c.kind == "source" and c.name in self.p.sources
                    else c.name
                )
                cited.append({"kind": c.kind, "name": name, "href": target})
            cases = [c for c in cited if c["kind"] == "case"]
            if len(cases) > self.CITED_LIMIT:  # their number, where the first case was
                summary = {
                    "kind": "cases",
                    "name": str(len(cases)),
                    "href": href(here, DOWNLOADS_PAGE),
                }
                cited = [
                    summary if c is cases[0] else c
                    for c in cited
                    if c["kind"] != "case" or c is cases[0]
                ]
            entries.append(
                {
                    **self.source_view(source_id),
                    "short": short_cite(self.p.sources[source_id]),
                    "cited": cited,
                }
            )
        group_of = {t: key for key, types in SOURCE_GROUPS for t in types}
        groups = {key: [] for key, _ in SOURCE_GROUPS} | {"other": []}
        for entry in entries:
            groups[group_of.get(self.p.sources[entry["id"]]["type"], "other")].append(entry)
        return {
            "letter": letter,
            "sources": entries,
            "groups": [{"key": k, "sources": v} for k, v in groups.items() if v],
            "index_href": href(here, url("sources")),
        }

    def letter_nav(self, letter: str) -> dict:
        """The way up and along for a letter page of the bibliography (see page_nav)."""
        here = url("sources-letter", letter)
        order = self.letters()
        position = order.index(letter)

        def along(i):
            if not 0 <= i < len(order):
                return None
            return {
                "href": href(here, url("sources-letter", order[i])),
                "text": letter_title(order[i]),
            }

        return {
            "up": [
                {"href": href(here, url("home")), "text": "Home"},
                {"href": href(here, url("sources")), "text": "Sources"},
            ],
            "noun": "letter",
            "position": position + 1,
            "count": len(order),
            "prev": along(position - 1),
            "next": along(position + 1),
        }

    def reference(self, here: str, source_id: str) -> dict:
        if source_id not in self.p.sources:
            raise KeyError(f"reference(): no source {source_id!r} in data/sources/")
        return {"source": self.source_view(source_id)}

    def bottom_line(self, here: str) -> dict:
        """The site's answer in numbers, for the home page: how the Iran-Russia cases come out
        on each test, computed from the coding, with links to each case."""
        iran_russia = [
            cid
            for cid in sorted(self.p.cases, key=self.role_order)
            if self.p.cases[cid]["role"] not in ("reference", "constraint")
        ]

        def tally(ids: list[str], test: str) -> dict:
            groups: dict[str, list[Link]] = {}
            for cid in ids:
                verdict = self.verdicts[test][cid]
                key = "not-coded" if verdict is None else verdict.concept or "indeterminate"
                groups.setdefault(key, []).append(self.case_link(here, cid))
            concepts = [
                {"concept": self.concept_link(here, c), "id": c, "cases": groups.get(c, [])}
                for c in derive.scope(self.p, test)[1]
            ]
            return {
                "concepts": concepts,
                "indeterminate": groups.get("indeterminate", []),
                "not_coded": groups.get("not-coded", []),
                "total": len(ids),
            }

        essay_cases = [cid for cid in iran_russia if self.p.cases[cid]["role"] == "essay-case"]
        assessment = (self.p.perspectives or {}).get("assessment")
        return {
            "essay_cases": tally(essay_cases, "essay"),
            "essay_cases_site": tally(essay_cases, "site"),
            "all_essay": tally(iran_russia, "essay"),
            "all_site": tally(iran_russia, "site"),
            "constraints": [
                self.case_link(here, cid)
                for cid, c in self.p.cases.items()
                if c["role"] == "constraint"
            ],
            "date": assessment["date"] if assessment else None,
            "assessment_href": href(here, url("perspectives"), "assessment"),
            "comparison_href": href(here, url("comparison")),
            "alliance": self.concept_link(here, "strategic-alliance")
            if "strategic-alliance" in self.p.concepts
            else None,
        }

    def calibration(self, here: str) -> dict:
        """Reference cases: the concept the literature expects beside the verdict of each
        test, so that a miss of the rule is shown, never coded away."""
        rows = []
        for case_id, case in self.p.cases.items():
            if case["role"] != "reference" or "expected" not in case:
                continue
            expected = case["expected"]
            results = {}
            for test in derive.TESTS:
                verdict = self.verdicts[test][case_id]
                results[test] = {
                    "verdict": self.verdict(here, verdict, case_id),
                    "hit": verdict is not None and verdict.concept == expected,
                    "applies": expected in derive.scope(self.p, test)[1],
                }
            rows.append(
                {
                    "link": self.case_link(here, case_id),
                    "expected": self.concept_link(here, expected),
                    "results": results,
                }
            )
        return {
            "rows": rows,
            "tests": self.tests(),
            "hits": {t: sum(1 for r in rows if r["results"][t]["hit"]) for t in derive.TESTS},
        }

    def perspectives(self, here: str) -> dict:
        """Who calls the relationship what, and the site's dated assessment."""
        data = self.p.perspectives
        if data is None:
            return {"intro": None, "camps": [], "assessment": None}
        assessment = data.get("assessment")
        return {
            "intro": data["intro"],
            "camps": [
                {
                    "id": camp["id"],
                    "title": camp["title"],
                    "summary": camp["summary"],
                    "voices": [
                        {
                            "id": v["id"],
                            "who": v["who"],
                            "affiliation": v.get("affiliation"),
                            "from": self.vocab["vantage"][v["from"]],
                            "year": v.get("year"),
                            "view": v["view"],
                            "sources": self.source_links(here, v["sources"]),
                        }
                        for v in camp["voices"]
                    ],
                }
                for camp in data["camps"]
            ],
            "assessment": assessment
            and {
                "title": assessment["title"],
                "date": assessment["date"],
                "text": assessment["text"],
                "sources": self.source_links(here, assessment["sources"]),
            },
            "vantages": [
                {
                    "term": term,
                    "count": sum(
                        1 for c in data["camps"] for v in c["voices"] if v["from"] == term.value
                    ),
                }
                for term in self.vocab["vantage"].terms
            ],
        }

    def argument(self, here: str) -> dict:
        claims = []
        for number, claim in enumerate(self.p.argument["claims"], 1):
            links = [
                {"kind": key, "links": [fn(here, r) for r in claim[key]]}
                for key, fn in (
                    ("concepts", self.concept_link),
                    ("criteria", self.criterion_link),
                    ("cases", self.case_link),
                )
                if claim.get(key)
            ]
            claims.append(
                {
                    "id": claim["id"],
                    "number": number,
                    "title": claim.get("title", ""),
                    "kind": self.vocab["claim_kind"][claim["kind"]],
                    "statement": self.readable(claim["statement"]),
                    "sources": self.source_links(here, claim["sources"]),
                    "links": links,
                    "objections": [
                        {
                            "id": o["id"],
                            "objection": self.readable(o["objection"]),
                            "sources": self.source_links(here, o["sources"]),
                            "by": self.vocab["responder"][o["response"]["by"]],
                            "response": self.readable(o["response"]["text"]),
                            "response_sources": self.source_links(
                                here, o["response"].get("sources", [])
                            ),
                        }
                        for o in claim.get("objections", [])
                    ],
                }
            )
        return {"claims": claims}

    def argument_map(self, here: str) -> dict:
        """The argument as a map: one box per claim, one arrow per `supports` entry, one
        marker per objection hanging from its claim, laid out wide (layers) and narrow (a
        column) by argmap.py; and the same relations as a list, for reading and listening."""
        claims = self.p.argument["claims"]
        kinds = self.vocab["claim_kind"]
        shapes = [
            argmap.Claim(
                c["id"],
                f"{n} · {kinds[c['kind']].title}",
                c.get("title") or kinds[c["kind"]].title,
                list(c.get("supports", [])),
                [o["response"]["by"] for o in c.get("objections", [])],
            )
            for n, c in enumerate(claims, 1)
        ]
        supported_by: dict[str, list[str]] = {c["id"]: [] for c in claims}
        for c in claims:
            for target in c.get("supports", []):
                supported_by[target].append(c["id"])
        listed = []
        for c in claims:
            listed.append(
                {
                    **self.claim_link(here, c["id"]),
                    "id": c["id"],
                    "kind": kinds[c["kind"]],
                    "supports": [self.claim_link(here, t) for t in c.get("supports", [])],
                    "supported_by": [self.claim_link(here, s) for s in supported_by[c["id"]]],
                    "objections": [
                        {
                            "id": o["id"],
                            "href": href(here, url("argument"), o["id"]),
                            "gist": first_sentence(self.readable(o["objection"])),
                            "by": self.vocab["responder"][o["response"]["by"]],
                        }
                        for o in c.get("objections", [])
                    ],
                }
            )
        return {
            "claims": listed,
            "claims_by_id": {c["id"]: c for c in listed},
            "wide": argmap.wide(shapes),
            "narrow": argmap.narrow(shapes),
            "counts": {
                "claims": len(claims),
                "supports": sum(len(c.get("supports", [])) for c in claims),
                "objections": sum(len(c.get("objections", [])) for c in claims),
            },
        }

    def events(self, here: str, case_id: str) -> list[dict]:
        """One case's dated events, in date order (a partial date before the full dates it
        contains), each with its kind, its line, its sources and its place on /timeline/."""
        case = self.p.cases[case_id]
        timeline = self.PAGING["timeline"]
        numbered = sorted(
            enumerate(case.get("events", []), 1), key=lambda ie: (date_order(ie[1]["date"]), ie[0])
        )
        return [
            {
                "id": f"{case_id}-{number}",
                "number": number,
                "date": event["date"],
                "kind": self.vocab["event_kind"][event["kind"]],
                "text": event["text"],
                "sources": self.source_links(here, event["sources"]),
                "timeline_href": href(
                    here,
                    timeline.url(self._timeline_page_of[f"{case_id}-{number}"]),
                    f"{case_id}-{number}",
                ),
            }
            for number, event in numbered
        ]

    def timeline(self, here: str, page: int = 1) -> dict:
        """Every dated event of every case on one line of time (or the events of one numbered
        page, beyond PAGING['timeline']): grouped by year, in date order (then in the order of
        /cases/), each entry with its case, the case's role and the event's kind, which the
        page's filters use. Only what occurs on the page is offered as a filter."""
        order = {case_id: n for n, case_id in enumerate(self._case_order)}
        wanted: dict[str, set[int]] = {}
        for case_id, number in self.pages("timeline")[page - 1]:
            wanted.setdefault(case_id, set()).add(number)
        entries = []
        for case_id, numbers in wanted.items():
            case = self.p.cases[case_id]
            for event in self.events(here, case_id):
                if event["number"] not in numbers:
                    continue
                event |= {
                    "case": self.case_link(here, case_id),
                    "case_id": case_id,
                    "role": self.vocab["role"][case["role"]],
                    "key": (date_order(event["date"]), order[case_id], event["number"]),
                }
                entries.append(event)
        entries.sort(key=lambda e: e["key"])
        years: dict[str, list[dict]] = {}
        for entry in entries:
            years.setdefault(entry["date"][:4], []).append(entry)
        return {
            "years": [{"year": y, "events": events} for y, events in years.items()],
            "count": len(entries),
            "cases": [
                {"id": c, "text": self.p.cases[c]["short_title"]}
                for c in sorted(wanted, key=order.__getitem__)
            ],
            "roles": [t for t in self.vocab["role"].terms if any(e["role"] == t for e in entries)],
            "kinds": [
                t for t in self.vocab["event_kind"].terms if any(e["kind"] == t for e in entries)
            ],
            "pager": self.pager(here, "timeline", page),
        }

    def vocabulary(self, here: str) -> dict:
        """Every enumerated value with its label and meaning, as the schemas define them."""
        return {"vocabularies": list(self.vocab.values())}


# ----- one loaded, checked Site per data directory and content version ------------------

_cache: dict[tuple, Site] = {}


def _fingerprint(data_dir: Path) -> tuple:
    """What changes when any data file changes; lstat, so no link is followed."""
    entries = ((str(p), p.lstat()) for p in data_dir.rglob("*"))
    return tuple(
        sorted(
            (name, info.st_mtime_ns, info.st_size)
            for name, info in entries
            if not stat.S_ISDIR(info.st_mode)
        )
    )


def load_site(data_dir: Path = DATA_DIR, notes: list[str] | None = None) -> Site:
    """Load and check the data and the vocabularies; raises DataError listing every problem.
    Notes that are not errors (skipped hidden files) are appended to `notes` when given."""
    problems = vocabulary.problems()
    if problems:
        raise DataError(problems)
    return Site(load_project(data_dir, notes))


def get_site(data_dir: Path = DATA_DIR, recheck: bool = True) -> Site:
    """Load (or reuse) the site for data_dir; raises DataError on invalid data. Whether a
    data file changed is found by a stat of every file (20 ms at 1,000 cases): the build asks
    once, at its start, and its later calls pass `recheck=False` to reuse that answer."""
    if not recheck:
        for (directory, _), site in _cache.items():
            if directory == str(data_dir):
                return site
    key = (str(data_dir), _fingerprint(data_dir))
    if key not in _cache:
        _cache.clear()
        _cache[key] = load_site(data_dir)
    return _cache[key]
