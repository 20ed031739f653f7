"""Gaps are consistent (fed back, they give `eligible`), minimal per criterion, and say
what cannot be changed; near misses are ranked."""

import json
from pathlib import Path

import pytest

from policykb.cli import main
from policykb.knowledge_base import KnowledgeBase
from policykb.research.gap import gap
from policykb.research.near_miss import near_misses

DATA = Path(__file__).resolve().parents[1] / "cli" / "data"


@pytest.fixture(scope="module")
def kb():
    return KnowledgeBase.open(data=[DATA])


@pytest.mark.parametrize("cluster, policy", [("syn-sparse", "jiangsu-2023"), ("syn-sparse", "miit-2022"),
                                             ("syn-sparse", "henan-2023"), ("syn-good", "jiangsu-2023")])
def test_a_reachable_gap_fed_back_gives_eligible(kb, cluster, policy):
    result = gap(kb, cluster, policy, 2024)
    assert result.reachable
    fed_back = kb.with_changes([c.step.change for c in result.changes])
    assert fed_back.check(cluster, policy, 2024).status == "eligible"
    assert kb.check(cluster, policy, 2024).status != "eligible"  # the kb itself is untouched


def test_an_eligible_cluster_has_no_gap(kb):
    result = gap(kb, "syn-good", "henan-2023", 2024)
    assert result.start.status == "eligible" and result.changes == []


def test_share_gap_is_in_the_data_terms(kb):
    # syn-bad: leading output exactly 65% of 35亿元, and Henan wants more than 65%.
    result = gap(kb, "syn-bad", "henan-2023", 2024)
    change = next(c for c in result.changes if c.criterion == "leading-share")
    assert change.step.change.indicator == "leading_output"
    assert change.step.change.value == 2_275_000_001  # one yuan above 65% of 3,500,000,000
    assert change.before == 2_275_000_000


def test_an_incident_blocks_and_the_rest_is_still_listed(kb):
    result = gap(kb, "syn-bad", "henan-2023", 2024)
    assert not result.reachable
    assert any(b.startswith("compliance: a disqualifying incident in 2022 cannot be undone") for b in result.blockers)
    assert {"output", "pillar", "governance"} <= {c.criterion for c in result.changes}
    # Two years later the incident has left the window: the same changes then suffice.
    later = gap(kb, "syn-bad", "henan-2023", 2026)
    assert not any(b.startswith("compliance") for b in later.blockers)


def test_growth_gap_raises_the_last_year(kb):
    changed = kb.with_changes([])
    result = gap(changed, "syn-good", "miit-2022", 2024)  # 32亿 -> 40亿: growth ~11.8%, output below 40亿
    output_changes = [c for c in result.changes if c.criterion == "output"]
    assert {c.step.change.year for c in output_changes} == {2021, 2022}
    assert result.reachable


def test_near_misses_are_ranked_and_carry_their_gap(kb):
    found = near_misses(kb, "jiangsu-2023", 2024, most=20, limit=3)
    assert [m.cluster for m in found] == sorted([m.cluster for m in found],
                                                key=lambda c: len(next(m for m in found if m.cluster == c).failing))
    assert all(m.gap.cluster == m.cluster for m in found)
    assert found[0].cluster == "syn-good"  # it fails the fewest Jiangsu criteria
    assert len(found) == 3


def test_gap_command(capsys):
    assert main(["gap", "syn-bad", "--policy", "henan-2023", "--as-of", "2024", "--data", str(DATA),
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["reachable"] is False and data["status"] == "ineligible"
    assert main(["gap", "syn-sparse", "--policy", "jiangsu-2023", "--as-of", "2024", "--data", str(DATA)]) == 0
    assert "the cluster is eligible (checked by evaluating them)" in capsys.readouterr().out
    assert main(["screen", "--policy", "jiangsu-2023", "--as-of", "2024", "--data", str(DATA),
                 "--near-miss", "20", "--limit", "2"]) == 0
    assert "#1 failing" in capsys.readouterr().out
