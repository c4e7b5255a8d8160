"""Verdicts are derived from the coding; the essay's own cases come out as the essay says."""
from __future__ import annotations

import pytest

from macros.derive import alternative_verdicts, build_index, case_verdict, verdict_for

ESSAY_CASES = ["tajik-civil-war", "nagorno-karabakh-mediation",
               "afghanistan-northern-alliance", "syria-civil-war"]


@pytest.mark.parametrize("case_id", ESSAY_CASES)
def test_essay_cases_come_out_as_strategic_cooperation(project, case_id):
    assert project.cases[case_id]["role"] == "essay-case"
    verdict = case_verdict(project.cases[case_id], project)
    assert verdict.concept == "strategic-cooperation"


def test_every_essay_case_is_in_the_data(project):
    assert {c for c, case in project.cases.items() if case["role"] == "essay-case"} == set(ESSAY_CASES)


def test_hand_made_alliance(project):
    values = {"threat-type": "specific-state", "time-horizon": "long-term",
              "institutional-basis": "alliance-treaty", "third-state-targeting": "aimed-at-third-states"}
    verdict = verdict_for(values, project)
    assert verdict.concept == "strategic-alliance"
    assert verdict.score("strategic-alliance") == 4


def test_hand_made_partnership(project):
    values = {"threat-type": "non-state", "time-horizon": "long-term",
              "institutional-basis": "framework-agreement", "third-state-targeting": "not-aimed"}
    assert verdict_for(values, project).concept == "strategic-partnership"


def test_hand_made_cooperation_with_one_unclear(project):
    values = {"threat-type": "non-state", "time-horizon": "case-by-case",
              "institutional-basis": "ad-hoc", "third-state-targeting": "unclear"}
    assert verdict_for(values, project).concept == "strategic-cooperation"


def test_tie_is_indeterminate(project):
    # Matches cooperation and partnership on the same three criteria.
    values = {"threat-type": "non-state", "time-horizon": "unclear",
              "institutional-basis": "alliance-treaty", "third-state-targeting": "not-aimed"}
    verdict = verdict_for(values, project)
    assert verdict.concept is None
    assert set(verdict.contenders) == {"strategic-cooperation", "strategic-partnership"}


def test_too_few_matches_is_indeterminate(project):
    values = {c: "unclear" for c in project.criteria}
    values["threat-type"] = "specific-state"
    verdict = verdict_for(values, project)
    assert verdict.concept is None
    assert verdict.contenders == ("strategic-alliance",)


def test_alternative_readings_get_their_own_verdicts(project):
    case = project.cases["syria-civil-war"]
    results = dict(alternative_verdicts(case, project))
    alternatives = [c for c, e in case["coding"].items() if "alternative" in e]
    assert set(results) == set(alternatives) | ({"*"} if len(alternatives) > 1 else set())
    if "*" in results:  # accepting every competing reading must not still say cooperation
        assert results["*"].concept != "strategic-cooperation"


def test_related_links_are_symmetric(project):
    related = build_index(project).related
    for case_id, others in related.items():
        for other in others:
            assert case_id in related[other]


def test_every_source_is_cited_somewhere(project):
    citations = build_index(project).citations
    assert set(citations) == set(project.sources)
