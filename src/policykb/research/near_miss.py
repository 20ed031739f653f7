"""Near misses: clusters that are not eligible but fail at most K criteria, ranked by how
little they miss (fewest criteria not met, then fewest data changes in their gap)."""

from __future__ import annotations

from dataclasses import dataclass

from policykb.research.gap import Gap, gap


@dataclass
class NearMiss:
    cluster: str
    failing: list[str]  # criteria not met (unmet, unknown or review)
    gap: Gap

    def to_json(self) -> dict:
        return {"cluster": self.cluster, "failing": self.failing, "gap": self.gap.to_json()}


def near_misses(kb, policy_id: str, as_of: int | None, most: int, limit: int = 20) -> list[NearMiss]:
    statuses = kb.statuses(policy_id, as_of)
    order = [c.id for c in kb.version(policy_id, as_of)[0].criteria]
    candidates = []
    for cluster, row in statuses.items():
        failing = [c for c in order if row.get(c) != "met"]
        if row["*"] != "eligible" and len(failing) <= most:
            candidates.append((len(failing), cluster, failing))
    candidates.sort()
    # A gap costs several evaluations: work them out only for the clusters that can still
    # make the list (the ranking looks at the number failing first).
    cut = candidates[limit - 1][0] if len(candidates) >= limit else None
    shortlist = [c for c in candidates if cut is None or c[0] <= cut]
    found = [NearMiss(cluster, failing, gap(kb, cluster, policy_id, as_of)) for _, cluster, failing in shortlist]
    found.sort(key=lambda m: (len(m.failing), not m.gap.reachable, len(m.gap.changes), m.cluster))
    return found[:limit]
