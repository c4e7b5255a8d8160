"""What the site computes from the data: verdicts and back-links. Never typed in by hand.

The verdict rule: compare a case's coding with each concept's profile, criterion by
criterion. The concept that matches on more criteria than any other, and on more than half
of them, is the verdict. Anything else (a tie, or too few matches) is "indeterminate", and
the page says between which concepts.

The rule is applied twice, once per test. The essay's test uses the essay's criteria and its
two concepts, exactly as the essay sets them; this site's extended test uses every criterion
and every concept (criteria and concepts say which test they belong to in their `test`
field). A case not yet coded on the extended test's criteria has the essay's verdict only;
evidence on willingness or constraint (role `constraint`) has none.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .model import Project
from .urls import url


@dataclass(frozen=True)
class Verdict:
    concept: str | None  # the concept id, or None when indeterminate
    matches: dict[str, list[str]]  # concept id -> criterion ids on which the coding matches
    total: int  # number of criteria
    contenders: tuple[str, ...]  # concepts with the highest score (one when decided)

    @property
    def decided(self) -> bool:
        return self.concept is not None

    def score(self, concept_id: str) -> int:
        return len(self.matches[concept_id])


TESTS = ("essay", "site")


def scope(project: Project, test: str) -> tuple[list[str], list[str]]:
    """(criterion ids, concept ids) a test uses: the essay's own, or all of them."""
    if test not in TESTS:
        raise ValueError(f"no test {test!r} (expected one of {TESTS})")
    criteria = [c for c, x in project.criteria.items() if test == "site" or x["test"] == "essay"]
    concepts = [c for c, x in project.concepts.items() if test == "site" or x["test"] == "essay"]
    return criteria, concepts


def verdict_for(values: dict[str, str], project: Project, test: str = "essay") -> Verdict:
    """Verdict of one test for a coding given as {criterion id: value id}."""
    criteria, concepts = scope(project, test)
    matches = {
        concept_id: [
            c for c in criteria if values.get(c) == project.concepts[concept_id]["profile"].get(c)
        ]
        for concept_id in concepts
    }
    best = max((len(m) for m in matches.values()), default=0)
    contenders = tuple(c for c, m in matches.items() if len(m) == best)
    decided = len(contenders) == 1 and best * 2 > len(criteria)
    return Verdict(contenders[0] if decided else None, matches, len(criteria), contenders)


def case_values(case: dict) -> dict[str, str]:
    return {criterion: entry["value"] for criterion, entry in case.get("coding", {}).items()}


def applies(case: dict, project: Project, test: str) -> bool:
    """Whether a case gets a verdict on this test: it is coded on every criterion the test
    uses, and it is not evidence on willingness or constraint."""
    if case["role"] == "constraint":
        return False
    return all(c in case.get("coding", {}) for c in scope(project, test)[0])


def case_verdict(case: dict, project: Project, test: str = "essay") -> Verdict | None:
    """The case's verdict on one test, or None when the test does not apply to it."""
    return verdict_for(case_values(case), project, test) if applies(case, project, test) else None


def alternative_verdicts(
    case: dict, project: Project, test: str = "essay"
) -> list[tuple[str, Verdict]]:
    """For each criterion of the test with an alternative reading: the verdict if only that
    one changed, then, when there are several, the verdict if every alternative were
    accepted."""
    if not applies(case, project, test):
        return []
    criteria = scope(project, test)[0]
    base = case_values(case)
    changed = {
        c: e["alternative"]["value"]
        for c, e in case["coding"].items()
        if "alternative" in e and c in criteria
    }
    results = [(c, verdict_for({**base, c: v}, project, test)) for c, v in changed.items()]
    if len(changed) > 1:
        results.append(("*", verdict_for({**base, **changed}, project, test)))
    return results


@dataclass(frozen=True)
class Citation:
    """One place that cites a source. `kind` says what it is (claim, concept, criteria, case,
    source); `name` is what the page calls it (a title, a claim number, a source id)."""

    kind: str
    url: str
    anchor: str
    name: str


@dataclass
class Index:
    """Back-links: who cites what, computed once per build."""

    citations: dict[str, list[Citation]]  # source id -> the places citing it
    claims_by_case: dict[str, list[str]]
    claims_by_concept: dict[str, list[str]]
    claims_by_criterion: dict[str, list[str]]
    related: dict[str, list[str]]  # symmetric closure of `related`


def sources_in(node) -> list[str]:
    """Every source id cited anywhere inside a data entry, in order, with repeats."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(value if key == "sources" else sources_in(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(sources_in(item))
    return found


def build_index(project: Project) -> Index:
    citations: dict[str, list] = defaultdict(list)

    def cite(node, kind, page, anchor, name):
        for source_id in dict.fromkeys(sources_in(node)):
            citations[source_id].append(Citation(kind, page, anchor, name))

    for number, claim in enumerate(project.argument["claims"], 1):
        cite(claim, "claim", url("argument"), claim["id"], str(number))
    for concept_id, concept in project.concepts.items():
        cite(concept, "concept", url("concept", concept_id), "", concept["title"])
    cite(list(project.criteria.values()), "criteria", url("criteria"), "", "")
    for case_id, case in project.cases.items():
        cite(case, "case", url("case", case_id), "", case["short_title"])
    for source_id, source in project.sources.items():
        cite(source, "source", url("sources"), source_id, source_id)
    for camp in (project.perspectives or {}).get("camps", []):
        for voice in camp["voices"]:
            cite(voice, "voice", url("perspectives"), voice["id"], voice["who"])
    if project.perspectives and "assessment" in project.perspectives:
        cite(
            project.perspectives["assessment"], "assessment", url("perspectives"), "assessment", ""
        )

    def by(key):
        result: dict[str, list[str]] = defaultdict(list)
        for claim in project.argument["claims"]:
            for ref in claim.get(key, []):
                result[ref].append(claim["id"])
        return result

    related: dict[str, list[str]] = {case_id: [] for case_id in project.cases}
    for case_id, case in project.cases.items():
        for other in case.get("related", []):
            for a, b in ((case_id, other), (other, case_id)):
                if b not in related[a]:
                    related[a].append(b)
    return Index(
        dict(citations),
        by("cases"),
        by("concepts"),
        by("criteria"),
        {k: sorted(v) for k, v in related.items()},
    )


def counts(project: Project) -> dict:
    """How many of each thing the data holds, for the check's summary and for prose
    ({{ counts.criteria }} in docs/); `roles` counts cases by role."""
    roles: dict[str, int] = defaultdict(int)
    for case in project.cases.values():
        roles[case["role"]] += 1
    essay_criteria = scope(project, "essay")[0]
    return {
        "cases": len(project.cases),
        "concepts": len(project.concepts),
        "criteria": len(project.criteria),
        "sources": len(project.sources),
        "claims": len(project.argument["claims"]),
        "roles": dict(roles),
        "essay_criteria": len(essay_criteria),
        "site_criteria": len(project.criteria) - len(essay_criteria),
        "essay_concepts": len(scope(project, "essay")[1]),
    }
