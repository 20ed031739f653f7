"""Small builders for tests: a policy text and a few facts in, statuses out.

Facts are built as graph records directly (the unit under test is the compiler and the
engine); end-to-end tests go through CSV and the graph instead."""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from pathlib import Path

import rdflib

from policykb.datalog.compiler import compile_policy
from policykb.engine.facts import base_facts
from policykb.engine.pydatalog_engine import DatalogEngine
from policykb.engine.results import read_results
from policykb.explain.cluster_view import cluster_views
from policykb.explain.verdict_builder import build_verdict
from policykb.graph.records import (AssessmentRecord, ClusterFacts, ClusterRecord, CompleteRecord,
                                    EnterpriseRecord, IncidentRecord, Observation, Provenance)
from policykb.graph.vocabulary_reader import read_vocabulary
from policykb.language.checker import check_policy
from policykb.language.parser import parse_text

KB = Path(__file__).resolve().parents[1] / "kb"
SOURCE = Provenance("test fixture (synthetic)", "test.csv:2")

HEADER = """policy test-policy {
  title zh "测试"
  title en "Test"
  document "test"
  effective 2023-01-01
}
"""


@cache
def vocabulary():
    graph = rdflib.Graph()
    for name in ("ontology.ttl", "vocabulary.ttl"):
        graph.parse(KB / name)
    return read_vocabulary(graph)


def policy(criteria: str):
    parsed = parse_text(HEADER + criteria, "test.policy")
    check_policy(parsed, vocabulary())
    return parsed


def criterion(require: str, kind: str = "hard", cid: str = "c") -> str:
    body = f"  require {require}\n" if require else ""
    return f'criterion {cid} {{\n  kind {kind}\n  article "1"\n{body}}}\n'


class Facts:
    """Collects records for a handful of clusters."""

    def __init__(self, *clusters: str, county: str | None = "某县"):
        self.clusters = [ClusterRecord(c, None, None, None, county, None, True, SOURCE) for c in clusters]
        self.observations: list[Observation] = []
        self.enterprises: list[EnterpriseRecord] = []
        self.incidents: list[IncidentRecord] = []
        self.complete: list[CompleteRecord] = []
        self.assessments: list[AssessmentRecord] = []

    def obs(self, cluster: str, indicator: str, value, year: int | None = None) -> "Facts":
        value = value if isinstance(value, bool) else Fraction(value)
        self.observations.append(Observation(cluster, indicator, year, value, SOURCE))
        return self

    def yearly(self, cluster: str, indicator: str, values: dict[int, object]) -> "Facts":
        for year, value in values.items():
            self.obs(cluster, indicator, value, year)
        return self

    def enterprise(self, cluster: str, eid: str, titles: str, leading: bool = True) -> "Facts":
        titles_set = frozenset(t for t in titles.split(";") if t)
        self.enterprises.append(EnterpriseRecord(eid, None, cluster, leading, titles_set, SOURCE))
        return self

    def listed(self, cluster: str) -> "Facts":
        self.complete.append(CompleteRecord(cluster, "enterprises", SOURCE))
        return self

    def incident(self, cluster: str, year: int, kind: str, severity: str) -> "Facts":
        self.incidents.append(IncidentRecord(cluster, year, kind, severity, None, SOURCE))
        return self

    def no_incidents(self, cluster: str) -> "Facts":
        self.complete.append(CompleteRecord(cluster, "incidents", SOURCE))
        return self

    def assess(self, cluster: str, policy_id: str, cid: str, result: str) -> "Facts":
        self.assessments.append(AssessmentRecord(cluster, policy_id, cid, result, "专家组", "2024-05-01", SOURCE))
        return self

    def build(self) -> ClusterFacts:
        return ClusterFacts(tuple(self.clusters), tuple(self.observations), tuple(self.enterprises),
                            tuple(self.incidents), tuple(self.complete), tuple(self.assessments))


def evaluate(parsed_policy, facts: Facts, as_of: int = 2024):
    """(results, verdicts by cluster) of `parsed_policy` over `facts`."""
    built = facts.build()
    compiled = compile_policy(parsed_policy, vocabulary(), as_of)
    engine = DatalogEngine()
    engine.assert_facts(base_facts(built, vocabulary()))
    engine.load_program(compiled.program)
    results = read_results(engine, compiled)
    views = cluster_views(built)
    verdicts = {c: build_verdict(compiled, views[c], vocabulary(), results.verdicts[c], results.criteria[c],
                                 engine.holds) for c in views}
    engine.close()
    return results, verdicts


def statuses(require: str, facts: Facts, as_of: int = 2024, kind: str = "hard") -> dict[str, str]:
    """Status of a one-criterion policy, per cluster."""
    results, _ = evaluate(policy(criterion(require, kind)), facts, as_of)
    return {c: crits["c"] for c, crits in results.criteria.items()}
