"""HTML for every data-driven part of the site, from a checked Project.

Each function takes `here`, the URL of the page it is written into (e.g. 'cases/x/'), so
that all links are relative and the site works from any base path. All data text goes
through render.text (plain) or render.markdown_* (sanitised Markdown).
"""
from __future__ import annotations

from functools import cached_property

from . import derive
from .bibliography import format_references, short_cite
from .model import Project
from .render import heading, link, markdown_block, markdown_inline, text

ROLE_LABELS = {
    "essay-case": "Case the essay cites",
    "counter-evidence": "Evidence the essay sets against an alliance",
    "later-event": "Later event (after the essay)",
    "reference": "Reference case",
}
ROLE_GROUPS = {
    "essay-case": "Cases the essay cites",
    "counter-evidence": "Evidence the essay sets against an alliance",
    "later-event": "Later events (after the essay)",
    "reference": "Reference cases",
}
KIND_LABELS = {"definition": "Definition", "premise": "Premise", "evidence": "Evidence",
               "counter-evidence": "Counter-evidence", "conclusion": "Conclusion"}
STATUS_LABELS = {"consistent": "Consistent with the sources", "imprecise": "Imprecise",
                 "contradicted": "Contradicted by the sources", "unverified": "Not verified"}
FORM_LABELS = {"diplomatic": "diplomatic", "intelligence": "intelligence",
               "military-technical": "military-technical", "operational": "operational"}


def case_url(case_id: str) -> str:
    return f"cases/{case_id}/"


def concept_url(concept_id: str) -> str:
    return f"concepts/{concept_id}/"


def lang_attr(source: dict) -> str:
    """A reference's title is in the source's language; the rest of the page is English."""
    lang = source.get("language", "en")
    return "" if lang.startswith("en") else f' lang="{text(lang)}"'


def period_text(period: dict) -> str:
    start, end = period["start"], period.get("end")
    if end is None:
        return f"{start}–present"
    return start if end == start else f"{start}–{end}"


class Site:
    """Everything derived from one Project; cheap to query page by page."""

    def __init__(self, project: Project):
        self.p = project
        self.index = derive.build_index(project)
        self.verdicts = {cid: derive.case_verdict(c, project) for cid, c in project.cases.items()}

    @cached_property
    def references(self) -> dict[str, str]:
        return format_references(self.p.sources)

    # ----- small pieces -------------------------------------------------------------------

    def sources_html(self, here: str, ids: list[str]) -> str:
        links = ", ".join(link(here, "sources/", text(short_cite(self.p.sources[s])), s)
                          for s in ids)
        return f'<span class="ir-sources">Sources: {links}</span>'

    def sourced(self, here: str, item: dict) -> str:
        return (f'<div class="ir-sourced">{markdown_block(item["text"])}'
                f'<p>{self.sources_html(here, item["sources"])}</p></div>')

    def case_link(self, here: str, case_id: str) -> str:
        return link(here, case_url(case_id), text(self.p.cases[case_id]["short_title"]))

    def concept_link(self, here: str, concept_id: str) -> str:
        return link(here, concept_url(concept_id), text(self.p.concepts[concept_id]["title"]))

    def criterion_link(self, here: str, criterion_id: str) -> str:
        return link(here, "criteria/", text(self.p.criteria[criterion_id]["title"]), criterion_id)

    def claim_link(self, here: str, claim_id: str) -> str:
        number = self.claim_numbers[claim_id]
        return link(here, "argument/", f"Claim {number}", claim_id)

    @cached_property
    def claim_numbers(self) -> dict[str, int]:
        return {c["id"]: n for n, c in enumerate(self.p.argument["claims"], 1)}

    def value_label(self, criterion_id: str, value_id: str) -> str:
        return text(self.p.value_label(criterion_id, value_id))

    def verdict_label(self, here: str, verdict: derive.Verdict) -> str:
        if verdict.decided:
            return self.concept_link(here, verdict.concept)
        names = [text(self.p.concepts[c]["title"]) for c in verdict.contenders]
        if len(names) == 1:
            best = verdict.score(verdict.contenders[0])
            return f"Indeterminate (closest: {names[0]}, {best} of {verdict.total} criteria)"
        return f"Indeterminate (tied: {' and '.join(names)})"

    def verdict_badge(self, here: str, verdict: derive.Verdict) -> str:
        cls = f"ir-verdict ir-verdict--{verdict.concept or 'indeterminate'}"
        return f'<span class="{cls}">{self.verdict_label(here, verdict)}</span>'

    def list_or_none(self, items: list[str], none: str = "None") -> str:
        if not items:
            return f"<p>{none}</p>"
        return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"

    # ----- case pages ---------------------------------------------------------------------

    def case_page(self, case_id: str) -> str:
        """Body of /cases/<id>/ (Markdown headings with explicit anchors, HTML blocks)."""
        here = case_url(case_id)
        case = self.p.cases[case_id]
        verdict = self.verdicts[case_id]
        forms = ", ".join(FORM_LABELS[f] for f in case["forms"]) or "none"
        parts = [
            heading(1, case["title"], "case-title"),
            '<dl class="ir-facts">'
            f'<dt>Role</dt><dd>{text(ROLE_LABELS[case["role"]])}</dd>'
            f'<dt>Period</dt><dd>{text(period_text(case["period"]))}</dd>'
            f'<dt>Region</dt><dd>{text(case["region"])}</dd>'
            f'<dt>Forms of cooperation</dt><dd>{text(forms)}</dd>'
            f'<dt>Derived verdict</dt><dd>{self.verdict_badge(here, verdict)} '
            f'({link(here, "cases/" + case_id + "/", "why", "verdict")})</dd>'
            f'<dt>Last reviewed</dt><dd><time datetime="{text(case["last_reviewed"])}">'
            f'{text(case["last_reviewed"])}</time></dd></dl>',
            heading(2, "Summary", "summary"),
            "".join(self.sourced(here, p) for p in case["summary"]),
            heading(2, "How the essay uses it", "essay-use"),
            '<div class="ir-essay" role="note"><p class="ir-label">The essay\'s position</p>'
            f'{markdown_block(case["essay_use"])}</div>',
        ]
        if case.get("fact_checks"):
            parts += [heading(2, "Checking the essay's facts", "fact-checks"),
                      '<p class="ir-label">This site\'s analysis</p><p>Each statement the essay '
                      'makes about this case, set against the sources.</p>',
                      self.fact_checks(here, case["fact_checks"])]
        parts += [heading(2, "Coding on the criteria", "coding"),
                  '<p class="ir-label">This site\'s analysis</p><p>The site\'s coding. For '
                  'the essay\'s own cases it follows the essay\'s reading where the sources '
                  'allow; <em>another reading</em> gives the strongest competing value.</p>',
                  self.coding_table(here, case),
                  heading(2, "Derived verdict", "verdict"), self.verdict_reasons(here, case, verdict),
                  heading(2, "In the argument", "in-the-argument"), self.case_claims(here, case_id),
                  heading(2, "Related cases", "related"),
                  self.list_or_none([self.case_link(here, r) for r in self.index.related[case_id]]),
                  heading(2, "Sources cited on this page", "sources"),
                  self.page_sources(here, derive.sources_in(case))]
        return "\n\n".join(parts) + "\n"

    def fact_checks(self, here: str, checks: list[dict]) -> str:
        rows = []
        for check in checks:
            rows.append(
                f'<div class="ir-check ir-check--{check["status"]}">'
                f'<p class="ir-label">{text(STATUS_LABELS[check["status"]])}</p>'
                f'<p><strong>The essay:</strong> {markdown_inline(check["essay"])}</p>'
                f'<p><strong>The sources:</strong> {markdown_inline(check["finding"])}</p>'
                f'<p>{self.sources_html(here, check["sources"])}</p></div>')
        return "".join(rows)

    def coding_table(self, here: str, case: dict) -> str:
        rows = []
        for criterion_id in self.p.criteria:
            entry = case["coding"][criterion_id]
            alternative = ""
            if "alternative" in entry:
                alt = entry["alternative"]
                alternative = (
                    f'<div class="ir-alternative"><p class="ir-label">Another reading: '
                    f'{self.value_label(criterion_id, alt["value"])}</p>'
                    f'{markdown_block(alt["argument"])}'
                    f'<p>{self.sources_html(here, alt["sources"])}</p></div>')
            rows.append(
                f'<tr id="coding-{criterion_id}"><th scope="row">'
                f'{self.criterion_link(here, criterion_id)}</th>'
                f'<td>{self.value_label(criterion_id, entry["value"])}</td>'
                f'<td>{markdown_block(entry["rationale"])}'
                f'<p>{self.sources_html(here, entry["sources"])}</p>{alternative}</td></tr>')
        return self.table(["Criterion", "Coded value", "Rationale and sources"], rows,
                          "Coding of this case on each criterion")

    def verdict_reasons(self, here: str, case: dict, verdict: derive.Verdict) -> str:
        rows = []
        for concept_id in self.p.concepts:
            matched = verdict.matches[concept_id]
            names = ", ".join(text(self.p.criteria[c]["title"]) for c in matched) or "none"
            rows.append(f'<tr><th scope="row">{self.concept_link(here, concept_id)}</th>'
                        f'<td>{len(matched)} of {verdict.total}</td><td>{names}</td></tr>')
        method = link(here, "about/", "the method", "method")
        intro = (f'<p>Computed from the coding above, by {method}: the concept whose profile '
                 f'matches on more criteria than any other, and on more than half of them. '
                 f'Result: {self.verdict_badge(here, verdict)}.</p>')
        if case["role"] == "counter-evidence":
            intro += ('<p>This entry is evidence rather than an episode of cooperation: its '
                      'coding records what the evidence shows about the Iran-Russia '
                      'relationship, so the verdict names the concept that evidence fits.</p>')
        table = self.table(["Concept", "Criteria matched", "Which"], rows,
                           "How the coding matches each concept")
        alternatives = derive.alternative_verdicts(case, self.p)
        if not alternatives:
            return intro + table
        items = []
        for criterion_id, alt_verdict in alternatives:
            what = ("If every alternative reading were accepted" if criterion_id == "*" else
                    f"If {text(self.p.criteria[criterion_id]['title'])} were coded "
                    f"“{self.value_label(criterion_id, case['coding'][criterion_id]['alternative']['value'])}”")
            changed = "" if alt_verdict.concept == verdict.concept else " (a different verdict)"
            items.append(f"{what}: {self.verdict_label(here, alt_verdict)}{changed}")
        return (intro + table + '<p class="ir-label">Under the other readings recorded above</p>'
                + self.list_or_none(items))

    def case_claims(self, here: str, case_id: str) -> str:
        claims = self.index.claims_by_case.get(case_id, [])
        return self.list_or_none(
            [f'{self.claim_link(here, c)}: {text(KIND_LABELS[self.claim(c)["kind"]])}'
             for c in claims], "No claim of the argument cites this case directly.")

    def claim(self, claim_id: str) -> dict:
        return next(c for c in self.p.argument["claims"] if c["id"] == claim_id)

    def page_sources(self, here: str, ids: list[str]) -> str:
        unique = sorted(dict.fromkeys(ids), key=lambda s: short_cite(self.p.sources[s]))
        return self.list_or_none(
            [f'{link(here, "sources/", text(short_cite(self.p.sources[s])), s)}: '
             f'{self.references[s]}' for s in unique])

    def table(self, headers: list[str], rows: list[str], caption: str) -> str:
        head = "".join(f'<th scope="col">{h}</th>' for h in headers)
        return (f'<div class="ir-table" role="region" aria-label="{text(caption)}" tabindex="0">'
                f'<table><caption>{text(caption)}</caption><thead><tr>{head}</tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table></div>')

    # ----- concept pages ------------------------------------------------------------------

    def concept_page(self, concept_id: str) -> str:
        here = concept_url(concept_id)
        concept = self.p.concepts[concept_id]
        parts = [heading(1, concept["title"], "concept-title"),
                 markdown_block(concept["summary"])]
        if concept.get("also_called"):
            parts.append(f'<p>Also called: {text(", ".join(concept["also_called"]))}</p>')
        parts.append(heading(2, "The essay's definition", "essay-definition"))
        if "essay_definition" in concept:
            parts.append('<div class="ir-essay" role="note"><p class="ir-label">The essay\'s '
                         f'position</p>{self.sourced(here, concept["essay_definition"])}</div>')
        else:
            parts.append("<p>The essay does not define this term.</p>")
        parts += [heading(2, "In the literature", "literature"),
                  "".join(self.sourced(here, item) for item in concept["literature"]),
                  heading(2, "Profile on the criteria", "profile"), self.profile_table(here, concept),
                  heading(2, "Cases that meet or fail each criterion", "cases-by-criterion"),
                  self.meets_table(here, concept_id),
                  heading(2, "Cases with this verdict", "cases-with-verdict"),
                  self.list_or_none([self.case_link(here, cid)
                                     for cid, v in self.verdicts.items()
                                     if v.concept == concept_id]),
                  heading(2, "In the argument", "in-the-argument"),
                  self.list_or_none([self.claim_link(here, c)
                                     for c in self.index.claims_by_concept.get(concept_id, [])]),
                  heading(2, "Sources cited on this page", "sources"),
                  self.page_sources(here, derive.sources_in(concept))]
        return "\n\n".join(parts) + "\n"

    def profile_table(self, here: str, concept: dict) -> str:
        rows = [f'<tr><th scope="row">{self.criterion_link(here, c)}</th>'
                f'<td>{text(self.p.criteria[c]["question"])}</td>'
                f'<td>{self.value_label(c, concept["profile"][c])}</td></tr>'
                for c in self.p.criteria]
        return self.table(["Criterion", "Question", "Value for this concept"], rows,
                          f'Profile of {concept["title"]}')

    def meets_table(self, here: str, concept_id: str) -> str:
        profile = self.p.concepts[concept_id]["profile"]
        rows = []
        for criterion_id in self.p.criteria:
            meets, fails = [], []
            for case_id, case in self.p.cases.items():
                hit = case["coding"][criterion_id]["value"] == profile[criterion_id]
                (meets if hit else fails).append(self.case_link(here, case_id))
            rows.append(f'<tr><th scope="row">{self.criterion_link(here, criterion_id)}</th>'
                        f'<td>{", ".join(meets) or "none"}</td>'
                        f'<td>{", ".join(fails) or "none"}</td></tr>')
        return self.table(["Criterion", "Cases that meet it", "Cases that fail it"], rows,
                          "Cases against this concept's profile")

    def concept_index(self, here: str) -> str:
        rows = [f'<tr><th scope="row">{self.concept_link(here, cid)}</th>'
                f'<td>{markdown_inline(c["summary"])}</td></tr>'
                for cid, c in self.p.concepts.items()]
        return self.table(["Concept", "In one sentence"], rows, "Concepts")

    # ----- criteria -----------------------------------------------------------------------

    def criteria_section(self, here: str) -> str:
        parts = []
        for criterion_id, criterion in self.p.criteria.items():
            rows = []
            for value in criterion["values"]:
                concepts = [self.concept_link(here, cid) for cid, c in self.p.concepts.items()
                            if c["profile"][criterion_id] == value["id"]]
                cases = [self.case_link(here, cid) for cid, c in self.p.cases.items()
                         if c["coding"][criterion_id]["value"] == value["id"]]
                rows.append(f'<tr id="{criterion_id}--{value["id"]}"><th scope="row">'
                            f'{text(value["label"])}</th>'
                            f'<td>{markdown_block(value["description"])}</td>'
                            f'<td>{", ".join(concepts) or "none"}</td>'
                            f'<td>{", ".join(cases) or "none"}</td></tr>')
            claims = [self.claim_link(here, c)
                      for c in self.index.claims_by_criterion.get(criterion_id, [])]
            parts.append(heading(2, f'{criterion["order"]}. {criterion["title"]}',
                                          criterion_id))
            parts.append(
                f'<div class="ir-criterion">'
                f'<p class="ir-question">{text(criterion["question"])}</p>'
                f'{markdown_block(criterion["explanation"])}'
                + self.table(["Value", "Meaning", "Concepts with this value", "Cases coded so"],
                             rows, f'Values of {criterion["title"]}')
                + f'<p>{self.sources_html(here, criterion["sources"])}</p>'
                + (f'<p>In the argument: {", ".join(claims)}</p>' if claims else "")
                + "</div>")
        return "\n\n".join(parts)

    # ----- cases index and comparison ----------------------------------------------------

    def cases_index(self, here: str) -> str:
        parts = []
        for role, label in ROLE_GROUPS.items():
            ids = [cid for cid, c in self.p.cases.items() if c["role"] == role]
            if not ids:
                continue
            rows = [f'<tr><th scope="row">{self.case_link(here, cid)}</th>'
                    f'<td>{text(period_text(self.p.cases[cid]["period"]))}</td>'
                    f'<td>{text(self.p.cases[cid]["region"])}</td>'
                    f'<td>{self.verdict_badge(here, self.verdicts[cid])}</td></tr>'
                    for cid in sorted(ids, key=lambda i: (self.p.cases[i]["period"]["start"], i))]
            parts.append(heading(2, label, role))
            parts.append(self.table(["Case", "Period", "Region", "Derived verdict"], rows, label))
        return "\n\n".join(parts)

    def comparison_table(self, here: str) -> str:
        headers = ["Case"] + [self.criterion_link(here, c) for c in self.p.criteria] + ["Verdict"]
        rows = []
        for case_id in sorted(self.p.cases, key=lambda i: (
                list(ROLE_LABELS).index(self.p.cases[i]["role"]), self.p.cases[i]["period"]["start"], i)):
            case = self.p.cases[case_id]
            cells = []
            for criterion_id in self.p.criteria:
                entry = case["coding"][criterion_id]
                contested = ('<br><small>contested: '
                             f'{self.value_label(criterion_id, entry["alternative"]["value"])}</small>'
                             if "alternative" in entry else "")
                cells.append(f'<td>{link(here, case_url(case_id), self.value_label(criterion_id, entry["value"]), "coding-" + criterion_id)}'
                             f'{contested}</td>')
            rows.append(f'<tr id="row-{case_id}"><th scope="row">{self.case_link(here, case_id)}'
                        f'<br><small>{text(ROLE_LABELS[case["role"]])}</small></th>{"".join(cells)}'
                        f'<td>{self.verdict_badge(here, self.verdicts[case_id])}</td></tr>')
        return self.table(headers, rows, "Every case coded on every criterion")

    def concepts_side_by_side(self, here: str) -> str:
        concepts = list(self.p.concepts)
        headers = ["Attribute"] + [self.concept_link(here, c) for c in concepts]
        rows = ['<tr><th scope="row">In one sentence</th>' + "".join(
            f'<td>{markdown_inline(self.p.concepts[c]["summary"])}</td>' for c in concepts) + "</tr>"]
        rows.append('<tr><th scope="row">The essay\'s definition</th>' + "".join(
            f'<td>{markdown_inline(self.p.concepts[c]["essay_definition"]["text"]) if "essay_definition" in self.p.concepts[c] else "not defined"}</td>'
            for c in concepts) + "</tr>")
        for criterion_id in self.p.criteria:
            rows.append(f'<tr><th scope="row">{self.criterion_link(here, criterion_id)}</th>' + "".join(
                f'<td>{self.value_label(criterion_id, self.p.concepts[c]["profile"][criterion_id])}</td>'
                for c in concepts) + "</tr>")
        rows.append('<tr><th scope="row">Cases with this verdict</th>' + "".join(
            f'<td>{sum(1 for v in self.verdicts.values() if v.concept == c)}</td>'
            for c in concepts) + "</tr>")
        return self.table(headers, rows, "The concepts side by side")

    # ----- sources ------------------------------------------------------------------------

    def source_links(self, source: dict) -> str:
        links = []
        if "url" in source:
            links.append(f'<a href="{text(source["url"])}" rel="noopener noreferrer">'
                         "Open the source</a>")
        if "doi" in source:
            links.append(f'<a href="https://doi.org/{text(source["doi"])}" '
                         'rel="noopener noreferrer">DOI</a>')
        return f'<p>{" · ".join(links)}</p>' if links else ""

    def reference_block(self, here: str, source_id: str) -> str:
        return (f'<div class="ir-reference"><p{lang_attr(self.p.sources[source_id])}>'
                f'{self.references[source_id]}</p>'
                f'{self.source_links(self.p.sources[source_id])}</div>')

    def bibliography(self, here: str) -> str:
        items = []
        for source_id, reference in self.references.items():
            source = self.p.sources[source_id]
            cited = ", ".join(link(here, url, text(label), anchor)
                              for url, anchor, label in self.index.citations.get(source_id, []))
            note = (f'<p class="ir-note">Note: {markdown_inline(source["note"])}</p>'
                    if "note" in source else "")
            items.append(f'<li id="{source_id}"><p{lang_attr(source)}>{reference}</p>'
                         + self.source_links(source) + note
                         + f'<p class="ir-cited">Cited on: {cited}</p></li>')
        return '<ol class="ir-bibliography">' + "".join(items) + "</ol>"

    # ----- argument -----------------------------------------------------------------------

    def argument(self, here: str) -> str:
        parts = []
        for number, claim in enumerate(self.p.argument["claims"], 1):
            links = []
            for key, label, fn in (("concepts", "Concepts", self.concept_link),
                                   ("criteria", "Criteria", self.criterion_link),
                                   ("cases", "Cases", self.case_link)):
                if claim.get(key):
                    links.append(f'<p class="ir-links">{label}: '
                                 + ", ".join(fn(here, r) for r in claim[key]) + "</p>")
            objections = "".join(self.objection(here, o) for o in claim.get("objections", []))
            if objections:
                objections = f'<div class="ir-objections"><p class="ir-label">Objections</p>{objections}</div>'
            parts.append(heading(
                2, f"Claim {number}: {KIND_LABELS[claim['kind']].lower()}", claim["id"]))
            parts.append(
                f'<div class="ir-claim ir-claim--{claim["kind"]}">'
                f'<div class="ir-essay" role="note"><p class="ir-label">The essay\'s position</p>'
                f'{markdown_block(claim["statement"])}'
                f'<p>{self.sources_html(here, claim["sources"])}</p></div>'
                + "".join(links) + objections + "</div>")
        return "\n\n".join(parts)

    def objection(self, here: str, objection: dict) -> str:
        response = objection["response"]
        who = "The essay's answer" if response["by"] == "essay" else "This site's analysis"
        sources = (f'<p>{self.sources_html(here, response["sources"])}</p>'
                   if response.get("sources") else "")
        return (f'<div class="ir-objection" id="{objection["id"]}">'
                f'{markdown_block(objection["objection"])}'
                f'<p>{self.sources_html(here, objection["sources"])}</p>'
                f'<div class="ir-response ir-response--{response["by"]}">'
                f'<p class="ir-label">{who}</p>{markdown_block(response["text"])}{sources}</div></div>')
