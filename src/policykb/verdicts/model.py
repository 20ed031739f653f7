"""Verdicts: the answer to "is this cluster eligible under this measure, and why".

`to_json()` gives the documented JSON shape:
{"cluster", "policy", "as_of", "status", "criteria": [{"id", "kind", "status", "citation",
 "source_text", "explanation", "inputs": [{"indicator", "year", "value", "unit", "source"}],
 "missing": [...]}]}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from policykb.operators.base import InputValue, NodeExplanation

CRITERION_STATUSES = ("met", "unmet", "unknown", "review")
VERDICT_STATUSES = ("eligible", "ineligible", "undetermined")


@dataclass
class CriterionVerdict:
    id: str
    kind: str
    status: str
    citation: str
    source_text: str | None
    summary: str | None
    explanation: str
    inputs: list[InputValue] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    assessment: dict | None = None
    detail: NodeExplanation | None = None

    def to_json(self) -> dict:
        data = {
            "id": self.id, "kind": self.kind, "status": self.status, "citation": self.citation,
            "source_text": self.source_text, "summary": self.summary, "explanation": self.explanation,
            "inputs": [_input_json(i) for i in self.inputs], "missing": list(self.missing),
        }
        if self.assessment:
            data["assessment"] = self.assessment
        return data


@dataclass
class Verdict:
    cluster: str
    cluster_name: str | None
    policy: str
    policy_title: str | None
    as_of: int
    status: str
    criteria: list[CriterionVerdict]
    synthetic: bool = False
    notes: list[str] = field(default_factory=list)
    # Designations the cluster holds under this measure (research.designations, as JSON);
    # filled by `check`, and written only when there are some.
    designations: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        data = {"cluster": self.cluster, "policy": self.policy, "as_of": self.as_of, "status": self.status,
                "criteria": [c.to_json() for c in self.criteria]}
        if self.notes:
            data["notes"] = list(self.notes)
        if self.designations:
            data["designations"] = list(self.designations)
        return data

    def criterion(self, criterion_id: str) -> CriterionVerdict:
        return next(c for c in self.criteria if c.id == criterion_id)

    def by_status(self, status: str) -> list[CriterionVerdict]:
        return [c for c in self.criteria if c.status == status]


def json_number(value):
    """Exact numbers for JSON: integers stay integers, other fractions become decimals
    with enough digits to be read back to the same value where possible."""
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    value = Fraction(value)
    if value.denominator == 1:
        return value.numerator
    return float(value)


def _input_json(item: InputValue) -> dict:
    return {"indicator": item.indicator, "year": item.year, "value": json_number(item.value), "unit": item.unit,
            "source": item.source, "record": item.record}
