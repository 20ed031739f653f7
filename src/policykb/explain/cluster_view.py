"""One cluster's facts, indexed for explanations (read from the graph's records)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from policykb.graph.records import (AssessmentRecord, ClusterFacts, ClusterRecord, CompleteRecord,
                                    EnterpriseRecord, IncidentRecord, Observation)


@dataclass
class ClusterView:
    cluster: ClusterRecord
    observations: dict[tuple[str, int | None], Observation] = field(default_factory=dict)
    enterprises: list[EnterpriseRecord] = field(default_factory=list)
    incidents: list[IncidentRecord] = field(default_factory=list)
    complete: dict[str, CompleteRecord] = field(default_factory=dict)
    assessments: dict[tuple[str, str], AssessmentRecord] = field(default_factory=dict)

    def value(self, indicator: str, year: int | None = None) -> Observation | None:
        return self.observations.get((indicator, year))


def cluster_views(facts: ClusterFacts) -> dict[str, ClusterView]:
    """Index `facts` by cluster in one pass over each kind of record."""
    views = {c.id: ClusterView(c) for c in facts.clusters}
    by_cluster: dict[str, list] = defaultdict(list)
    for obs in facts.observations:
        if obs.cluster in views:
            views[obs.cluster].observations[(obs.indicator, obs.year)] = obs
    for ent in facts.enterprises:
        by_cluster[ent.cluster].append(ent)
    for cid, ents in by_cluster.items():
        if cid in views:
            views[cid].enterprises = ents
    for inc in facts.incidents:
        if inc.cluster in views:
            views[inc.cluster].incidents.append(inc)
    for rec in facts.complete_records:
        if rec.cluster in views:
            views[rec.cluster].complete[rec.kind] = rec
    for a in facts.assessments:
        if a.cluster in views:
            views[a.cluster].assessments[(a.policy, a.criterion)] = a
    return views
