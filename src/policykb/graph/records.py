"""What the knowledge graph hands to the engine and to explanations.

These records are read from the RDF graph (never from CSV directly): the graph is the
single source of facts. Numbers are `Fraction`s in the indicator's canonical unit
(CNY, percent, km2, count, persons) so thresholds are decided exactly on the boundary;
booleans are `bool`. A value that is absent from the graph is unknown: no record.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Provenance:
    """Where a record came from: a human-readable source and, when known, the file row."""

    source: str  # the `source` column, a document, a yearbook, a URL
    record: str | None = None  # "data/observations.csv:12" or the Turtle file


@dataclass(frozen=True)
class ClusterRecord:
    id: str
    name_zh: str | None
    name_en: str | None
    province: str | None
    county: str | None
    leading_industry: str | None
    synthetic: bool
    provenance: Provenance


@dataclass(frozen=True)
class Observation:
    cluster: str
    indicator: str
    year: int | None  # None for indicators that are not per year
    value: Fraction | bool
    provenance: Provenance


@dataclass(frozen=True)
class EnterpriseRecord:
    id: str
    name: str | None
    cluster: str
    in_leading_industry: bool
    titles: frozenset[str]
    provenance: Provenance


@dataclass(frozen=True)
class IncidentRecord:
    cluster: str
    year: int
    kind: str
    severity: str
    description: str | None
    provenance: Provenance


@dataclass(frozen=True)
class CompleteRecord:
    """A source declared a cluster's record of some kind complete ("incidents", "enterprises")."""

    cluster: str
    kind: str
    provenance: Provenance


@dataclass(frozen=True)
class AssessmentRecord:
    cluster: str
    policy: str
    criterion: str
    result: str  # "met" or "unmet"
    assessor: str | None
    date: str | None
    provenance: Provenance


@dataclass(frozen=True)
class ClusterFacts:
    """Everything the engine needs, for one or many clusters."""

    clusters: tuple[ClusterRecord, ...]
    observations: tuple[Observation, ...]
    enterprises: tuple[EnterpriseRecord, ...]
    incidents: tuple[IncidentRecord, ...]
    complete_records: tuple[CompleteRecord, ...]
    assessments: tuple[AssessmentRecord, ...]
