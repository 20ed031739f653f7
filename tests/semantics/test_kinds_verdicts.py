"""Criterion kinds (hard, soft, qualitative), assessments and the overall verdict."""

import pytest

from helpers import Facts, criterion, evaluate, policy


def _run(kind: str, area=None, assessment=None):
    facts = Facts("a")
    if area is not None:
        facts.obs("a", "area_km2", area)
    if assessment:
        facts.assess("a", "test-policy", "c", assessment)
    require = "" if kind == "qualitative" else "area_km2 <= 100 km2"
    results, verdicts = evaluate(policy(criterion(require, kind)), facts)
    return results.criteria["a"]["c"], verdicts["a"]


@pytest.mark.parametrize("kind, area, assessment, expected", [
    ("hard", 90, None, "met"), ("hard", 120, None, "unmet"), ("hard", None, None, "unknown"),
    ("hard", 120, "met", "unmet"),  # an assessment does not override a hard criterion
    ("soft", 90, None, "met"), ("soft", 120, None, "review"), ("soft", None, None, "unknown"),
    ("soft", 120, "met", "met"), ("soft", 90, "unmet", "unmet"), ("soft", None, "met", "met"),
    ("qualitative", None, None, "review"), ("qualitative", None, "met", "met"),
    ("qualitative", None, "unmet", "unmet"),
])
def test_criterion_status(kind, area, assessment, expected):
    status, _ = _run(kind, area, assessment)
    assert status == expected


def test_assessment_is_named_in_the_explanation():
    _, verdict = _run("soft", 120, "met")
    text = verdict.criterion("c").explanation
    assert "专家组" in text and "2024-05-01" in text


TWO = criterion("area_km2 <= 100 km2", cid="area") + criterion("pillar_industry", cid="pillar")


@pytest.mark.parametrize("area, pillar, expected", [
    (90, True, "eligible"), (120, True, "ineligible"), (90, False, "ineligible"),
    (None, True, "undetermined"), (None, False, "ineligible"),
])
def test_verdict(area, pillar, expected):
    facts = Facts("a").obs("a", "pillar_industry", pillar)
    if area is not None:
        facts.obs("a", "area_km2", area)
    results, verdicts = evaluate(policy(TWO), facts)
    assert results.verdicts["a"] == expected == verdicts["a"].status


def test_review_keeps_a_cluster_undetermined():
    soft = criterion("area_km2 <= 100 km2", kind="soft", cid="area") + criterion("pillar_industry", cid="pillar")
    facts = Facts("a").obs("a", "pillar_industry", True).obs("a", "area_km2", 150)
    results, _ = evaluate(policy(soft), facts)
    assert results.criteria["a"] == {"area": "review", "pillar": "met"}
    assert results.verdicts["a"] == "undetermined"
