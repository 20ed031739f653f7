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
    overridden: set = field(default_factory=set)  # fields an `override` changed (after `extends`)


@dataclass
class Override:
    """`override criterion ID { ... }`: fields that replace the inherited ones."""

    criterion_id: str
    fields: dict
    threshold: Threshold | None
    span: Span


@dataclass(frozen=True)
class Drop:
    criterion_id: str
    reason: str
    span: Span


@dataclass
class Definition:
    """`define NAME = <measure>`: a named derived quantity."""

    name: str
    measure: object  # a policykb.operators.measure.Measure
    span: Span


@dataclass(frozen=True)
class IndicatorDeclaration:
    name: str
    unit: str | None
    yearly: bool
    labels: dict
    description: str | None
    span: Span


@dataclass(frozen=True)
class TitleDeclaration:
    name: str
    labels: dict
    count_indicator: str | None
    span: Span


@dataclass(frozen=True)
class Clause:
    """A clause of the source text, for coverage: encoded by the criteria citing it, or
    omitted on purpose (with the reason)."""

    citation: str
    omitted: str | None
    span: Span


@dataclass(frozen=True)
class Datum:
    """One line of an example's data: `kind` is value, county, enterprise, incident,
    no_incidents or assessment; `fields` what the line gave."""

    kind: str
    fields: dict
    span: Span


@dataclass(frozen=True)
class Expectation:
    target: str  # a criterion id, or "verdict"
    status: str
    span: Span


@dataclass
class Example:
    name: str
    as_of: int
    data: list[Datum]
    expect: list[Expectation]
    span: Span


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
    is_library: bool = False
    extends: str | None = None
    supersedes: str | None = None
    expires: dt.date | None = None
    uses: list[str] = field(default_factory=list)
    definitions: dict[str, Definition] = field(default_factory=dict)
    overrides: list[Override] = field(default_factory=list)
    drops: list[Drop] = field(default_factory=list)
    indicator_declarations: list[IndicatorDeclaration] = field(default_factory=list)
    title_declarations: list[TitleDeclaration] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    inherited: dict[str, str] = field(default_factory=dict)  # criterion id -> policy it came from
    used_definitions: set[str] = field(default_factory=set)  # filled by the checker

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)

    @property
    def title(self) -> str:
        return self.titles.get("en") or self.titles.get("zh") or self.id
