"""The verdict rule and the back-links, on small projects made up here.

No test reads data/: an honest change to a concept's profile or a case's coding must not break
a test of the logic.
"""

from __future__ import annotations

import pytest

from macros.derive import alternative_verdicts, build_index, case_verdict, counts, verdict_for
from macros.model import Project


def made_up(
    profiles: dict[str, dict[str, str]],
    cases: dict | None = None,
    claims: list | None = None,
    site: set[str] = frozenset(),
) -> Project:
    """A project with the criteria named in the profiles (in order) and these concepts; the
    criteria and concepts named in `site` belong to this site's extended test only."""
    criterion_ids = list(next(iter(profiles.values())))
    criteria = {
        c: {
            "order": i,
            "title": c.title(),
            "values": [],
            "sources": ["s"],
            "test": "site" if c in site else "essay",
        }
        for i, c in enumerate(criterion_ids, 1)
    }
    concepts = {
        c: {
            "title": c.title(),
            "profile": p,
            "sources": ["s"],
            "test": "site" if c in site else "essay",
        }
        for c, p in profiles.items()
    }
    return Project(
        cases=cases or {},
        concepts=concepts,
        criteria=criteria,
        sources={"s": {"title": "S"}},
        argument={"claims": claims or []},
    )


# Four criteria a..d; three concepts that differ on some of them.
FOUR = made_up(
    {
        "alliance": {"a": "x", "b": "x", "c": "x", "d": "x"},
        "cooperation": {"a": "y", "b": "y", "c": "y", "d": "y"},
        "partnership": {"a": "y", "b": "x", "c": "z", "d": "y"},
    }
)


def coding(a, b, c, d):
    return {"a": a, "b": b, "c": c, "d": d}


def test_a_full_match_decides():
    verdict = verdict_for(coding("x", "x", "x", "x"), FOUR)
    assert verdict.concept == "alliance" and verdict.decided
    assert verdict.score("alliance") == 4 and verdict.total == 4
    assert verdict.matches["partnership"] == ["b"]


def test_more_than_half_and_more_than_any_other_decides():
    verdict = verdict_for(coding("y", "q", "y", "y"), FOUR)
    assert (verdict.score("cooperation"), verdict.score("partnership")) == (3, 2)
    assert verdict.concept == "cooperation"
    assert verdict.contenders == ("cooperation",)


def test_exactly_half_is_not_enough():
    verdict = verdict_for(coding("x", "x", "q", "q"), FOUR)
    assert verdict.score("alliance") == 2 and verdict.score("partnership") == 1
    assert verdict.concept is None and not verdict.decided
    assert verdict.contenders == ("alliance",)


def test_a_tie_is_indeterminate_even_above_half():
    tied = made_up({"one": {"a": "x", "b": "x", "c": "y"}, "two": {"a": "x", "b": "x", "c": "z"}})
    verdict = verdict_for({"a": "x", "b": "x", "c": "q"}, tied)
    assert verdict.concept is None
    assert set(verdict.contenders) == {"one", "two"}


def test_an_uncoded_criterion_matches_nothing():
    verdict = verdict_for({"a": "x", "b": "x", "c": "x"}, FOUR)
    assert verdict.score("alliance") == 3 and verdict.concept == "alliance"
    assert verdict_for({}, FOUR).contenders == ("alliance", "cooperation", "partnership")


@pytest.mark.parametrize("n_criteria", [1, 2, 3, 5])
def test_the_threshold_is_more_than_half_for_any_number_of_criteria(n_criteria):
    names = [f"k{i}" for i in range(n_criteria)]
    project = made_up({"only": dict.fromkeys(names, "v"), "other": dict.fromkeys(names, "w")})
    for matched in range(n_criteria + 1):
        values = {k: ("v" if i < matched else "u") for i, k in enumerate(names)}
        assert verdict_for(values, project).decided == (matched * 2 > n_criteria), matched


def case(values: dict[str, str], alternatives: dict[str, str] | None = None, **extra) -> dict:
    entries = {c: {"value": v, "rationale": "r", "sources": ["s"]} for c, v in values.items()}
    for c, v in (alternatives or {}).items():
        entries[c]["alternative"] = {"value": v, "argument": "a", "sources": ["s"]}
    return {"short_title": "A case", "role": "essay-case", "coding": entries, **extra}


def test_case_verdict_reads_the_main_values_not_the_alternatives():
    assert (
        case_verdict(case(coding("y", "y", "y", "x"), {"d": "y"}), FOUR).score("cooperation") == 3
    )


def test_one_alternative_gives_one_more_verdict():
    # cooperation 3 of 4; reading b as x leaves three concepts at 2 each
    results = alternative_verdicts(case(coding("y", "y", "y", "x"), {"b": "x"}), FOUR)
    assert [(c, v.concept) for c, v in results] == [("b", None)]
    assert set(results[0][1].contenders) == {"alliance", "cooperation", "partnership"}


def test_several_alternatives_also_give_the_verdict_with_all_of_them():
    results = dict(
        alternative_verdicts(case(coding("y", "y", "y", "y"), {"a": "x", "c": "x"}), FOUR)
    )
    assert set(results) == {"a", "c", "*"}
    assert results["a"].concept == results["c"].concept == "cooperation"  # one change: 3 of 4
    assert results["*"].concept is None  # both: 2 and 2
    assert set(results["*"].contenders) == {"alliance", "cooperation"}


def test_no_alternative_no_extra_verdict():
    assert alternative_verdicts(case(coding("y", "y", "y", "y")), FOUR) == []


def test_related_links_are_made_symmetric_and_sorted():
    cases = {
        "b": case(coding("x", "x", "x", "x"), related=["a"]),
        "a": case(coding("x", "x", "x", "x"), related=["c", "b"]),
        "c": case(coding("x", "x", "x", "x")),
    }
    related = build_index(made_up(FOUR_PROFILES, cases)).related
    assert related == {"a": ["b", "c"], "b": ["a"], "c": ["a"]}


FOUR_PROFILES = {c: FOUR.concepts[c]["profile"] for c in FOUR.concepts}


def test_citations_say_what_cites_a_source_and_where():
    claims = [
        {"id": "first-claim", "kind": "premise", "statement": "s", "sources": ["s"], "cases": ["a"]}
    ]
    cases = {"a": case(coding("x", "x", "x", "x"))}
    index = build_index(made_up(FOUR_PROFILES, cases, claims))
    kinds = [(c.kind, c.url, c.anchor, c.name) for c in index.citations["s"]]
    assert ("claim", "argument/", "first-claim", "1") in kinds
    assert ("case", "cases/a/", "", "A case") in kinds
    assert ("criteria", "criteria/", "", "") in kinds
    assert index.claims_by_case == {"a": ["first-claim"]}


def test_counts():
    cases = {
        "a": case(coding("x", "x", "x", "x")),
        "b": case(coding("x", "x", "x", "x"), role="reference"),
    }
    assert counts(made_up(FOUR_PROFILES, cases)) == {
        "cases": 2,
        "concepts": 3,
        "criteria": 4,
        "sources": 1,
        "claims": 0,
        "roles": {"essay-case": 1, "reference": 1},
        "essay_criteria": 4,
        "site_criteria": 0,
        "essay_concepts": 3,
    }


def test_counts_split_the_criteria_by_test():
    n = counts(TWO)
    assert (n["essay_criteria"], n["site_criteria"], n["essay_concepts"]) == (2, 1, 2)


# ----- two tests: the essay's (its criteria, its concepts) and the site's extended one -------

# Criteria a, b are the essay's; e is the site's. Alignment is the site's concept.
TWO = made_up(
    {
        "alliance": {"a": "x", "b": "x", "e": "defence"},
        "cooperation": {"a": "y", "b": "y", "e": "none"},
        "alignment": {"a": "x", "b": "x", "e": "none"},
    },
    site={"e", "alignment"},
)


def test_the_essays_test_ignores_the_sites_criteria_and_concepts():
    verdict = verdict_for({"a": "x", "b": "x", "e": "none"}, TWO, "essay")
    assert verdict.concept == "alliance" and verdict.total == 2
    assert set(verdict.matches) == {"alliance", "cooperation"}


def test_the_extended_test_can_tell_an_alignment_from_an_alliance():
    verdict = verdict_for({"a": "x", "b": "x", "e": "none"}, TWO, "site")
    assert verdict.concept == "alignment" and verdict.total == 3
    assert verdict.score("alliance") == 2


def test_a_case_not_coded_on_the_sites_criteria_has_the_essays_verdict_only():
    case = {"role": "essay-case", "coding": {"a": {"value": "x"}, "b": {"value": "x"}}}
    assert case_verdict(case, TWO, "essay").concept == "alliance"
    assert case_verdict(case, TWO, "site") is None
    assert alternative_verdicts(case, TWO, "site") == []


def test_evidence_on_willingness_or_constraint_gets_no_verdict_on_either_test():
    case = {"role": "constraint", "bears_on": [{"criterion": "a"}]}
    assert case_verdict(case, TWO, "essay") is None
    assert case_verdict(case, TWO, "site") is None


def test_alternatives_on_a_sites_criterion_change_only_the_extended_verdict():
    case = {
        "role": "essay-case",
        "coding": {
            "a": {"value": "x"},
            "b": {"value": "x"},
            "e": {"value": "none", "alternative": {"value": "defence"}},
        },
    }
    assert alternative_verdicts(case, TWO, "essay") == []
    [(criterion, verdict)] = alternative_verdicts(case, TWO, "site")
    assert criterion == "e" and verdict.concept == "alliance"


def test_an_unknown_test_is_refused():
    with pytest.raises(ValueError, match="no test"):
        verdict_for({}, TWO, "another")


def test_the_calibration_table_states_a_miss_it_cannot_hide():
    from macros import vocabulary
    from macros.view import Site

    cases = {
        "pact": {
            "role": "reference",
            "expected": "alliance",
            "period": {"start": "2000"},
            "coding": {"a": {"value": "y"}, "b": {"value": "y"}, "e": {"value": "none"}},
        },
        "axis": {
            "role": "reference",
            "expected": "alignment",
            "period": {"start": "2000"},
            "coding": {"a": {"value": "x"}, "b": {"value": "x"}, "e": {"value": "none"}},
        },
    }
    project = made_up(
        TWO.concepts and {c: x["profile"] for c, x in TWO.concepts.items()},
        cases,
        site={"e", "alignment"},
    )
    for case_id, case in cases.items():
        case["short_title"] = case_id
    site = Site.__new__(Site)
    site.p, site.vocab = project, {v.name: v for v in vocabulary.all_vocabularies()}
    site.verdicts = {
        t: {cid: case_verdict(c, project, t) for cid, c in cases.items()} for t in ("essay", "site")
    }
    view = site.calibration("about/")
    rows = {r["link"].text: r["results"] for r in view["rows"]}
    assert not rows["pact"]["essay"]["hit"] and not rows["pact"]["site"]["hit"]
    assert rows["axis"]["site"]["hit"] and not rows["axis"]["essay"]["applies"]
    assert view["hits"] == {"essay": 0, "site": 1}
