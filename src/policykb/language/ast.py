"""The checked AST of a policy file: typed, located, independent of Lark.

Condition constructs (comparison, flag, no_incident, ...) are defined in
`policykb.operators`, one module each, because each owns how it is checked, compiled
and explained; this module holds what is common to every policy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - typing only
    from policykb.operators.base import ConditionNode

HARD, SOFT, QUALITATIVE = "hard", "soft", "qualitative"
KINDS = (HARD, SOFT, QUALITATIVE)


@dataclass(frozen=True)
class Span:
    """Where a construct stands in its file (1-based)."""

    file: str
    line: int
    column: int

    def where(self) -> dict:
        return {"file": self.file, "line": self.line, "column": self.column}


@dataclass(frozen=True)
class Threshold:
    """A number as written in the policy, with its unit; `value` is in the canonical unit
    once the checker has resolved the unit (until then `dimension` is None)."""

    written: str  # "40亿元", "70%", "100 km2"
    number: Fraction
    unit_text: str | None
    span: Span
    value: Fraction | None = None
    dimension: str | None = None


@dataclass(frozen=True)
class Citation:
    article: str | None = None
    paragraph: str | None = None

    def __str__(self) -> str:
        return " ".join(p for p in (self.article, self.paragraph) if p)


@dataclass
class Criterion:
    id: str
    kind: str
    citation: Citation
    source_text: str | None
    summary: str | None
    note: str | None
    condition: "ConditionNode | None"
    span: Span
    expression: str | None = None  # the condition as written in the policy file


@dataclass
class Policy:
    id: str
    titles: dict[str, str]
    issuer: str | None
    jurisdiction: str | None
    document: str | None
    effective: dt.date | None
    source_url: str | None
    validity_years: int | None
    review: str | None
    criteria: list[Criterion]
    file: str
    span: Span
    source_sha256: str = ""
    extra: dict = field(default_factory=dict)

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)

    @property
    def title(self) -> str:
        return self.titles.get("en") or self.titles.get("zh") or self.id
