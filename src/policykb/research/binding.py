"""Binding criteria: per criterion of a measure, how many clusters fail it, how many fail
only it, how many cannot be decided on it.

A criterion "binds" a cluster when it alone stands between the cluster and eligibility.
Two readings are counted, and every output names which one a column uses:

- alone:         unmet here, met on every other criterion (lowering this bar alone would
                 make the cluster eligible);
- alone_not_met: not met here (unmet, unknown or review), met on every other criterion
                 (this criterion alone is still open: failed, undecided or awaiting review).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from policykb.datalog.compiler import MET, REVIEW, UNKNOWN, UNMET
from policykb.knowledge_base import KnowledgeBase

DEFINITIONS = {
    "unmet": "clusters that fail the criterion",
    "alone": "unmet here and met on every other criterion: it alone keeps them from eligibility",
    "alone_not_met": "not met here (unmet, unknown or review) and met on every other criterion",
    "unknown": "clusters whose data cannot decide the criterion",
    "review": "soft criterion failed, or qualitative one without an assessment: awaits an expert",
}


@dataclass(frozen=True)
class BindingRow:
    criterion: str
    kind: str
    unmet: int
    alone: int
    alone_not_met: int
    unknown: int
    review: int


@dataclass(frozen=True)
class Binding:
    policy: str  # the version that answers (see `note`)
    as_of: int
    clusters: int
    verdicts: dict[str, int]
    rows: tuple[BindingRow, ...]
    note: str | None = None


def binding(kb: KnowledgeBase, policy_id: str, as_of: int | None = None) -> Binding:
    compiled = kb.compiled(policy_id, as_of)  # the version in force; its criteria in policy order
    statuses = kb.statuses(policy_id, as_of)
    criteria = compiled.policy.criteria
    rows = tuple(_row(c.id, c.kind, statuses.values()) for c in criteria)
    verdicts = Counter(s["*"] for s in statuses.values())
    return Binding(compiled.policy.id, compiled.as_of, len(statuses), dict(verdicts), rows, compiled.note)


def _row(criterion: str, kind: str, clusters) -> BindingRow:
    counts = Counter()
    for statuses in clusters:
        status = statuses[criterion]
        counts[status] += 1
        others_met = all(s == MET for k, s in statuses.items() if k not in (criterion, "*"))
        if others_met and status != MET:
            counts["alone_not_met"] += 1
            if status == UNMET:
                counts["alone"] += 1
    return BindingRow(criterion, kind, counts[UNMET], counts["alone"], counts["alone_not_met"],
                      counts[UNKNOWN], counts[REVIEW])
