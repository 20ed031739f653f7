"""Graph records -> base facts of `datalog.schema` (the only place that knows both)."""

from __future__ import annotations

from typing import Iterator

from policykb.datalog import schema
from policykb.graph.records import ClusterFacts
from policykb.vocabulary import Vocabulary


def base_facts(facts: ClusterFacts, vocabulary: Vocabulary) -> Iterator[tuple]:
    for cluster in facts.clusters:
        yield schema.CLUSTER, cluster.id
        for name in ("county", "province", "leading_industry"):
            value = getattr(cluster, name)
            if value:
                yield schema.ATTRIBUTE, cluster.id, name, value
    for obs in facts.observations:
        yield schema.OBSERVATION, obs.cluster, obs.indicator, obs.year, obs.value
    for ent in facts.enterprises:
        for title in ent.titles:
            yield schema.TITLED, ent.cluster, ent.id, title
        if ent.in_leading_industry:
            yield schema.IN_LEADING, ent.cluster, ent.id
    for inc in facts.incidents:
        yield schema.INCIDENT, inc.cluster, inc.year, inc.kind, vocabulary.severity_rank(inc.severity)
    for rec in facts.complete_records:
        yield schema.COMPLETE, rec.cluster, rec.kind
    for a in facts.assessments:
        yield schema.ASSESSED, a.cluster, a.policy, a.criterion, a.result
