"""Read the records of graph/records.py out of the graph.

Everything about a cluster hangs off it through one property, pkb:cluster, so the facts
of N clusters are N index lookups plus one lookup per record: no SPARQL, no query per
cluster and record kind. (rdflib's SPARQL engine costs ~50 s at 100,000 clusters; direct
triple iteration is several times faster.) Numbers come back as exact Fractions, booleans
as bool; a value absent from the graph produces no record.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Iterable, Sequence

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from policykb.errors import Diagnostic, PolicyKBError
from policykb.vocabulary import BOOLEAN

from .namespaces import DCTERMS, PKB, RDFS, T
from .turtle_locate import TurtleLocator
from .records import (
    AssessmentRecord,
    ClusterFacts,
    ClusterRecord,
    CompleteRecord,
    EnterpriseRecord,
    IncidentRecord,
    Observation,
    Provenance,
)
from .values import literal_bool, literal_number
from .vocabulary_reader import VocabularyTerms

Props = dict[Node, list[Node]]


@dataclass
class FactsError(PolicyKBError):
    """Records the reader refuses: `subjects[i]` is the IRI diagnostics[i] is about (None
    for a clash between two records, which names both sources itself)."""

    subjects: list[Node | None] = field(default_factory=list)

    def at_files(self, paths: Sequence[Path]) -> "FactsError":
        """The same problems, each at the Turtle file and line under `paths` where its
        subject is written (the graph keeps no positions; the files are read again)."""
        locator = TurtleLocator(paths)
        located = []
        for diagnostic, subject in zip(self.diagnostics, self.subjects):
            place = locator.find(str(subject)) if isinstance(subject, URIRef) and not diagnostic.file else None
            located.append(replace(diagnostic, **place.where()) if place else diagnostic)
        return FactsError(located, self.subjects)


def read_facts(graph: Graph, terms: VocabularyTerms, clusters: Iterable[URIRef]) -> ClusterFacts:
    return _FactsReader(graph, terms).read(clusters)


def read_clusters(graph: Graph, clusters: Iterable[URIRef]) -> tuple[ClusterRecord, ...]:
    """Only the cluster records (no vocabulary needed)."""
    reader = _FactsReader(graph, None)
    records = tuple(reader.cluster(cluster, _props(graph, cluster)) for cluster in clusters)
    reader.raise_problems()
    return records


def _props(graph: Graph, subject: Node) -> Props:
    props: Props = defaultdict(list)
    for p, o in graph.predicate_objects(subject):
        props[p].append(o)
    return props


def _one(props: Props, prop: Node) -> Node | None:
    values = props.get(prop)
    return values[0] if values else None


def _text(props: Props, prop: Node) -> str | None:
    value = _one(props, prop)
    return None if value is None else str(value)


class _FactsReader:
    def __init__(self, graph: Graph, terms: VocabularyTerms | None) -> None:
        self.graph, self.terms = graph, terms
        self.problems: list[Diagnostic] = []
        self.subjects: list[Node | None] = []  # what each problem is about, to locate it in files
        self._labels: dict[tuple[Node, str], str] = {}

    def read(self, clusters: Iterable[URIRef]) -> ClusterFacts:
        out: dict[type, list] = defaultdict(list)
        handlers = (
            (T.observation, self.observation), (T.Incident, self.incident), (T.Enterprise, self.enterprise),
            (T.Assessment, self.assessment), (T.CompletenessDeclaration, self.completeness),
        )
        for cluster in clusters:
            record = self.cluster(cluster, _props(self.graph, cluster))
            out[ClusterRecord].append(record)
            for subject in self.graph.subjects(T.cluster, cluster):
                props = _props(self.graph, subject)
                types = props.get(T.type, ())
                for cls, handler in handlers:
                    if cls in types:
                        item = handler(subject, props, record.id)
                        if item is not None:
                            out[type(item)].append(item)
                        break
        return self.collect(out)

    def collect(self, out: dict[type, list]) -> ClusterFacts:
        """The records read, sorted, once no two of them contradict each other."""
        self.conflicts(out[Observation], lambda o: (o.cluster, o.indicator, o.year), lambda o: o.value, "value")
        self.conflicts(out[AssessmentRecord], lambda a: (a.cluster, a.policy, a.criterion), lambda a: a.result,
                       "assessment")
        self.raise_problems()
        return ClusterFacts(
            clusters=tuple(sorted(out[ClusterRecord], key=lambda r: r.id)),
            observations=tuple(sorted(out[Observation], key=lambda o: (o.cluster, o.indicator, o.year or 0))),
            enterprises=tuple(sorted(out[EnterpriseRecord], key=lambda e: (e.cluster, e.id))),
            incidents=tuple(sorted(out[IncidentRecord],
                                   key=lambda i: (i.cluster, i.year, i.kind, i.provenance.record or ""))),
            complete_records=tuple(sorted(out[CompleteRecord], key=lambda c: (c.cluster, c.kind))),
            assessments=tuple(sorted(out[AssessmentRecord], key=lambda a: (a.cluster, a.policy, a.criterion))),
        )

    def conflicts(self, records: list, key, value, what: str) -> None:
        """Two records that disagree on one key (e.g. two Turtle files giving different values
        for one cluster, indicator and year) would make every answer depend on which is read:
        refuse them, naming both sources."""
        seen: dict = {}
        for record in records:
            first = seen.setdefault(key(record), record)
            if value(first) != value(record):
                where = lambda r: r.provenance.record or r.provenance.source or "the Turtle data"  # noqa: E731
                self.subjects.append(None)
                self.problems.append(Diagnostic(
                    f"conflicting {what}s for {' '.join(str(k) for k in key(record) if k is not None)}: "
                    f"{value(first)} ({where(first)}) and {value(record)} ({where(record)})",
                    hint="keep one of them in the kb"))

    def raise_problems(self) -> None:
        if self.problems:
            raise FactsError(self.problems, self.subjects)

    def problem(self, subject: Node, message: str) -> None:
        self.subjects.append(subject)
        self.problems.append(Diagnostic(f"<{subject}>: {message}", hint="fix the Turtle or CSV data that states it"))

    # -- helpers --------------------------------------------------------------------------

    def label(self, node: Node | None, prefer: str = "zh") -> str | None:
        """A region's or source's name: the `prefer` label, else an untagged one, else any."""
        if node is None:
            return None
        if (node, prefer) not in self._labels:
            ranked = sorted(
                (lit for lit in self.graph.objects(node, RDFS.label) if isinstance(lit, Literal)),
                key=lambda lit: (lit.language != prefer, lit.language is not None, str(lit)))
            self._labels[node, prefer] = str(ranked[0]) if ranked else str(node)
        return self._labels[node, prefer]

    def provenance(self, props: Props) -> Provenance:
        source = self.label(_one(props, T.source), prefer="en")
        return Provenance(source=source or "", record=_text(props, T.record))

    def name(self, subject: Node, props: Props, prop: Node, what: str) -> str | None:
        node = _one(props, prop)
        name = self.terms.name_of(node) if node is not None else None  # type: ignore[union-attr]
        if name is None:
            self.problem(subject, f"{what} is missing or not declared in the vocabulary")
        return name

    def year(self, subject: Node, props: Props, required: bool) -> int | None:
        value = literal_number(_one(props, T.year))
        if value is None or value.denominator != 1:
            if required or _one(props, T.year) is not None:
                self.problem(subject, "pkb:year is missing or not an integer")
            return None
        return int(value)

    # -- records --------------------------------------------------------------------------

    def cluster(self, cluster: URIRef, props: Props) -> ClusterRecord:
        cid = _text(props, DCTERMS.identifier)
        if cid is None:
            self.problem(cluster, "a pkb:Cluster needs a dcterms:identifier (its id)")
            cid = str(cluster).rsplit("/", 1)[-1]
        names = {(lit.language or ""): str(lit) for lit in props.get(RDFS.label, ()) if isinstance(lit, Literal)}
        synthetic = literal_bool(_one(props, PKB.synthetic)) is True
        industry = [lit for lit in props.get(PKB.leadingIndustry, ()) if isinstance(lit, Literal)]
        industry.sort(key=lambda lit: (lit.language not in (None, "zh"), str(lit)))
        return ClusterRecord(
            id=cid,
            name_zh=names.get("zh"),
            name_en=names.get("en") or names.get(""),
            province=self.label(_one(props, PKB.province)),
            county=self.label(_one(props, PKB.county)),
            leading_industry=str(industry[0]) if industry else None,
            synthetic=synthetic,
            provenance=self.provenance(props),
        )

    def observation(self, subject: Node, props: Props, cluster: str) -> Observation | None:
        measure = _one(props, T.measure_type)
        name = self.terms.name_of(measure) if measure is not None else None  # type: ignore[union-attr]
        indicator = self.terms.vocabulary.indicators.get(name) if name else None  # type: ignore[union-attr]
        if indicator is None:
            self.problem(subject, "qb:measureType names no indicator of the vocabulary")
            return None
        raw = _one(props, measure)  # type: ignore[arg-type]
        value: Fraction | bool | None
        if indicator.dimension == BOOLEAN:
            value = literal_bool(raw)
            expected = "an xsd:boolean"
        else:
            value = literal_number(raw)
            expected = "an xsd:decimal (exact number)"
        if value is None:
            self.problem(subject, f"the value of '{name}' is missing or not {expected}")
            return None
        year = self.year(subject, props, required=indicator.per_year)
        if (year is None) == indicator.per_year:
            if not indicator.per_year:
                self.problem(subject, f"'{name}' is not per year but the observation has a pkb:year")
            return None
        return Observation(cluster, name, year, value, self.provenance(props))  # type: ignore[arg-type]

    def enterprise(self, subject: Node, props: Props, cluster: str) -> EnterpriseRecord | None:
        eid = _text(props, DCTERMS.identifier) or str(subject).rsplit("/", 1)[-1]
        in_leading = literal_bool(_one(props, PKB.inLeadingIndustry))
        if in_leading is None:
            self.problem(subject, "pkb:inLeadingIndustry is missing or not a boolean")
            return None
        titles = []
        for node in props.get(PKB.holdsTitle, ()):
            title = self.terms.name_of(node)  # type: ignore[union-attr]
            if title is None:
                self.problem(subject, f"title <{node}> is not declared in the vocabulary")
                return None
            titles.append(title)
        return EnterpriseRecord(eid, _text(props, RDFS.label), cluster, in_leading, frozenset(titles),
                                self.provenance(props))

    def incident(self, subject: Node, props: Props, cluster: str) -> IncidentRecord | None:
        year = self.year(subject, props, required=True)
        kind = self.name(subject, props, PKB.incidentKind, "incident kind")
        severity = self.name(subject, props, PKB.severity, "severity")
        if year is None or kind is None or severity is None:
            return None
        return IncidentRecord(cluster, year, kind, severity, _text(props, DCTERMS.description), self.provenance(props))

    def completeness(self, subject: Node, props: Props, cluster: str) -> CompleteRecord | None:
        kind = _text(props, PKB.recordKind)
        if kind is None:
            self.problem(subject, "a completeness declaration needs a pkb:recordKind")
            return None
        return CompleteRecord(cluster, kind, self.provenance(props))

    def assessment(self, subject: Node, props: Props, cluster: str) -> AssessmentRecord | None:
        criterion = _one(props, PKB.assessesCriterion)
        criterion_id = self.graph.value(criterion, DCTERMS.identifier) if criterion is not None else None
        policy = self.graph.value(criterion, PKB.ofPolicy) if criterion is not None else None
        policy_id = self.graph.value(policy, DCTERMS.identifier) if policy is not None else None
        result = _text(props, PKB.result)
        if criterion_id is None or policy_id is None or result not in ("met", "unmet"):
            self.problem(subject, "an assessment needs a criterion with dcterms:identifier and pkb:ofPolicy, "
                                  "and a pkb:result 'met' or 'unmet'")
            return None
        return AssessmentRecord(cluster, str(policy_id), str(criterion_id), result, _text(props, PKB.assessor),
                                _text(props, DCTERMS.date), self.provenance(props))
