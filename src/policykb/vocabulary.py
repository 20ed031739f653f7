"""The indicator vocabulary as typed values.

The vocabulary is *data in the graph* (`kb/vocabulary.ttl`); `policykb.graph` reads it
into these dataclasses so the checker, the CSV importer and the explanations share one
view of it. Nothing here names a concrete indicator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Mapping

# Dimensions a unit can measure. Values are stored in the dimension's canonical unit.
MONEY, PERCENT, AREA, COUNT, PERSONS, BOOLEAN = "money", "percent", "area", "count", "persons", "boolean"
CANONICAL_UNIT = {MONEY: "CNY", PERCENT: "percent", AREA: "km2", COUNT: "count", PERSONS: "persons", BOOLEAN: "boolean"}


@dataclass(frozen=True)
class Unit:
    """A unit a value may be written in; `factor` converts it to the canonical unit."""

    name: str  # as written in CSV files: "CNY", "100M CNY", "10k CNY", "percent", "ratio"...
    dimension: str
    factor: Fraction
    label_en: str = ""
    label_zh: str = ""
    aliases: tuple[str, ...] = ()  # other spellings accepted in data and policy files: "亿元", "%"...


@dataclass(frozen=True)
class Indicator:
    name: str
    dimension: str
    per_year: bool
    label_en: str = ""
    label_zh: str = ""
    description: str = ""
    counts_title: str | None = None  # for per-title count indicators such as little_giants

    @property
    def unit(self) -> str:
        return CANONICAL_UNIT[self.dimension]


@dataclass(frozen=True)
class Title:
    name: str
    label_en: str = ""
    label_zh: str = ""
    count_indicator: str | None = None


@dataclass(frozen=True)
class IncidentKind:
    name: str
    label_en: str = ""
    label_zh: str = ""


@dataclass(frozen=True)
class Severity:
    name: str
    rank: int  # 1 = mildest
    label_en: str = ""
    label_zh: str = ""


def _frozen(mapping: Mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Vocabulary:
    indicators: Mapping[str, Indicator] = field(default_factory=dict)
    units: Mapping[str, Unit] = field(default_factory=dict)
    titles: Mapping[str, Title] = field(default_factory=dict)
    incident_kinds: Mapping[str, IncidentKind] = field(default_factory=dict)
    severities: Mapping[str, Severity] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("indicators", "units", "titles", "incident_kinds", "severities"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))

    def unit(self, spelling: str) -> Unit | None:
        """The unit written as `spelling` (its name or one of its aliases), if any."""
        for unit in self.units.values():
            if spelling == unit.name or spelling in unit.aliases:
                return unit
        return None

    def severity_rank(self, name: str) -> int:
        return self.severities[name].rank
