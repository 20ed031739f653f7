"""`policykb gap`: the smallest set of data changes that would make a cluster eligible.

Each criterion that is not met asks its condition to `repair` itself (each construct knows
how: raise a value to its threshold, publish a missing year, one more little giant...);
soft criteria the data fails and qualitative ones need a reviewer's decision. Changes
interact (raising total output lowers every share), so the plan is built in rounds: the
changes so far are laid over the data, the cluster is evaluated again, and what still fails
is repaired, until it is eligible or nothing more can be done. The result is checked by the
same evaluation: a gap that says "eligible" really gives `eligible` when fed back."""

from __future__ import annotations

from dataclasses import dataclass, field

from policykb.explain import format as fmt
from policykb.language.ast import HARD, QUALITATIVE, SOFT
from policykb.operators.repair import Plan, Step, cannot
from policykb.research.scenario import (AddAssessment, AddEnterprises, CompleteIncidentRecord, SetAttribute,
                                        SetValue)
from policykb.verdicts.model import Verdict

MAX_ROUNDS = 8


@dataclass
class GapChange:
    criterion: str
    step: Step
    before: object = None  # the value in the kb, if the change sets one

    @property
    def key(self) -> tuple:
        change = self.step.change
        return type(change).__name__, *(getattr(change, f, None) for f in ("indicator", "year", "criterion", "title",
                                                                           "name"))


@dataclass
class Gap:
    cluster: str
    policy: str
    as_of: int
    start: Verdict
    end: Verdict
    changes: list[GapChange] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)

    @property
    def reachable(self) -> bool:
        return self.end.status == "eligible"

    def to_json(self) -> dict:
        return {"cluster": self.cluster, "policy": self.policy, "as_of": self.as_of, "status": self.start.status,
                "reachable": self.reachable, "status_with_changes": self.end.status, "blockers": self.blockers,
                "changes": [_change_json(c) for c in self.changes]}


def gap(kb, cluster: str, policy_id: str, as_of: int | None = None) -> Gap:
    start = kb.check(cluster, policy_id, as_of)
    chosen: dict[tuple, GapChange] = {}
    current, blockers = kb.with_changes([], only=[cluster]), {}
    for _ in range(MAX_ROUNDS):
        evaluation = current.evaluation(cluster, policy_id, as_of)
        if evaluation.verdict.status == "eligible":
            break
        plans = {c.id: _criterion_plan(evaluation, c) for c in evaluation.verdict.criteria if c.status != "met"}
        blockers = {cid: plan.impossible for cid, plan in plans.items() if plan.impossible}
        fresh = [GapChange(cid, step) for cid, plan in plans.items() for step in plan.steps]
        if all(c.key in chosen and chosen[c.key].step.change == c.step.change for c in fresh):
            break  # nothing new to try: the rest is blocked
        for change in fresh:
            chosen[change.key] = change
        current = kb.with_changes([c.step.change for c in chosen.values()], only=[cluster])
    end = current.check(cluster, policy_id, as_of)
    changes = [_with_before(kb, c) for c in chosen.values()]
    return Gap(cluster, policy_id, start.as_of, start, end, changes, [f"{c}: {why}" for c, why in blockers.items()])


def _criterion_plan(evaluation, criterion) -> Plan:
    """How to make one criterion `met`, by its kind and status."""
    policy = evaluation.compiled.policy
    source = policy.criterion(criterion.id)
    if criterion.assessment and criterion.assessment["result"] == "unmet":
        return cannot(f"assessed unmet by {criterion.assessment['assessor'] or 'an assessor'}")
    needs_reviewer = source.kind == QUALITATIVE or (source.kind == SOFT and criterion.status == "review")
    if needs_reviewer:
        what = "an expert assessment finding it met" if source.kind == QUALITATIVE else \
            "a reviewer's decision to accept it (the measure says 'generally')"
        return Plan([Step(AddAssessment(evaluation.verdict.cluster, policy.id, criterion.id), what)])
    if source.kind in (HARD, SOFT) and source.condition is not None:
        return source.condition.repair(evaluation.context)
    return cannot("no condition to repair")


def _with_before(kb, change: GapChange) -> GapChange:
    if isinstance(change.step.change, SetValue):
        c = change.step.change
        found = next((o for o in kb.facts([c.cluster]).observations
                      if (o.indicator, o.year) == (c.indicator, c.year)), None)
        change.before = found.value if found else None
    return change


# ------------------------------------------------------------------ rendering
def describe(change: GapChange, vocabulary) -> str:
    """One sentence in the data's own terms."""
    c = change.step.change
    if isinstance(c, SetValue):
        indicator = vocabulary.indicators.get(c.indicator)
        dimension = indicator.dimension if indicator else ""
        label = (indicator.label_en or c.indicator) if indicator else c.indicator
        year = f" {c.year}" if c.year is not None else ""
        new = fmt.quantity(c.value, dimension)
        if change.before is None:
            value = f"publish {label}{year}: yes" if c.value is True else f"publish {label}{year} (e.g. {new})"
        elif isinstance(c.value, bool):
            value = f"{label}{year}: no → yes"
        else:
            diff = c.value - change.before
            sign = "+" if diff >= 0 else "-"
            value = f"{label}{year}: {fmt.quantity(change.before, dimension)} → {new} " \
                    f"({sign}{fmt.quantity(abs(diff), dimension)})"
        return f"{value} — {change.step.why}"
    if isinstance(c, AddEnterprises):
        return f"{c.count} more {c.title}{' in the leading industry' if c.leading else ''} — {change.step.why}"
    if isinstance(c, (AddAssessment, CompleteIncidentRecord, SetAttribute)):
        return change.step.why
    return str(c)  # pragma: no cover


def _change_json(change: GapChange) -> dict:
    c = change.step.change
    data = {"criterion": change.criterion, "kind": type(c).__name__, "why": change.step.why,
            "illustrative": change.step.illustrative}
    for name in ("indicator", "year", "title", "count", "name"):
        if hasattr(c, name):
            data[name] = getattr(c, name)
    if isinstance(c, SetValue):
        data["value"] = fmt.exact(c.value) if not isinstance(c.value, bool) else c.value
        data["before"] = None if change.before is None else (
            change.before if isinstance(change.before, bool) else fmt.exact(change.before))
    return data
