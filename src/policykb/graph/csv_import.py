"""Import a folder in the CSV layout of data-dictionary.md into triples, all or nothing.

`import_csv_folder` validates every row of every file and returns the triples to add; on
any problem it raises one PolicyKBError holding every problem of the folder and returns
nothing, so the caller's graph stays untouched. Values are converted exactly (Fraction,
never float) to the indicator's canonical unit and stored as canonical xsd:decimal literals.
A value absent from the files stays absent from the graph: unknown, never zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from policykb.errors import Diagnostic, PolicyKBError
from policykb.progress import progress
from policykb.vocabulary import AREA, BOOLEAN, CANONICAL_UNIT, COUNT, MONEY, PERSONS, Indicator, Unit

from .csv_rows import LAYOUT, Row, read_rows
from .namespaces import (
    DCTERMS, PKB, PROV, QB, RDF, RDFS, SKOS, T, assessment_iri, cluster_iri, completeness_iri,
    criterion_iri, enterprise_iri, incident_iri, observation_iri, policy_iri, region_iri, segment,
    source_iri,
)
from policykb.suggest import did_you_mean, one_of
from .values import decimal_lexical, decimal_literal, is_numeral, literal_bool, literal_number, parse_number
from policykb.limits import MAX_NUMBER_DIGITS
from .vocabulary_reader import VocabularyTerms

Triple = tuple[Node, Node, Node]
Key = tuple[str, str, int | None]  # (cluster, indicator, year): one value per key

_ID = re.compile(r"\w[\w.\-]*")
_YEAR = re.compile(r"\d{4}")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_ID_EXPECTED = "letters, digits, '-', '_' or '.', starting with a letter or digit"
_NON_NEGATIVE = {MONEY, COUNT, PERSONS, AREA}
_WHOLE = {COUNT, PERSONS}
# The clusters.csv column `area_km2` carries the indicator of that name (a layout fact).
AREA_COLUMN = "area_km2"
# Synthetic clusters are marked by their id or name (the CSV layout has no column for it).
SYNTHETIC_ID_PREFIX, SYNTHETIC_MARK = "syn-", "SYNTHETIC"
# difflib over 100,000 cluster ids is slow; beyond this many unknown ids, no more hints.
_MAX_CLUSTER_HINTS = 50


def import_csv_folder(folder: Path, graph: Graph, terms: VocabularyTerms) -> list[Triple]:
    """The triples for the CSV folder `folder`, checked against `graph`; PolicyKBError if any row is bad."""
    return _FolderImport(folder, graph, terms).run()


def is_synthetic(cluster_id: str, *names: str) -> bool:
    return cluster_id.startswith(SYNTHETIC_ID_PREFIX) or any(SYNTHETIC_MARK in n.upper() for n in names)


@dataclass
class _Pending:
    """An observation waiting for the whole folder to be checked."""

    cluster: URIRef
    indicator: str
    year: int | None
    value: Fraction | bool
    source: str
    row: Row
    column: str


class _FolderImport:
    def __init__(self, folder: Path, graph: Graph, terms: VocabularyTerms) -> None:
        self.folder, self.graph, self.terms, self.vocab = folder, graph, terms, terms.vocabulary
        self.out: list[Triple] = []
        self.problems: list[Diagnostic] = []
        self.new_clusters: dict[str, URIRef] = {}
        self.new_cluster_iris: set[URIRef] = set()
        self.pending: dict[Key, _Pending] = {}
        self.sources: dict[str, URIRef] = {}
        self.cluster_hints_left = _MAX_CLUSTER_HINTS
        self._graph_clusters: dict[str, URIRef] | None = None
        self._existing: dict[URIRef, dict[Key, tuple[object, str]]] = {}
        self._regions: _Regions | None = None
        self.enterprise_ids: dict[str, Row] = {}
        self.enterprise_clusters: dict[URIRef, str] = {}  # clusters whose enterprise list this folder gives
        self.assessed: dict[tuple[str, str, str], Row] = {}

    # -- driver ---------------------------------------------------------------------------

    def run(self) -> list[Triple]:
        files = self.files()
        steps = (("clusters.csv", self.cluster_row), ("observations.csv", self.observation_row),
                 ("enterprises.csv", self.enterprise_row), ("incidents.csv", self.incident_row),
                 ("assessments.csv", self.assessment_row))
        for name, handle in steps:
            if name in files:
                for row in progress(read_rows(files[name], self.problems), label=f"reading {name}", unit="rows"):
                    handle(row)
        if self.problems:
            raise PolicyKBError(self.problems)
        self.emit_observations()
        self.emit_completeness(files)
        return self.out

    def files(self) -> dict[str, Path]:
        folder = self.folder
        if not folder.is_dir():
            what = "is not a folder" if folder.exists() else "does not exist"
            raise PolicyKBError.single(f"CSV folder {what}", file=str(folder),
                                       expected="a folder holding " + ", ".join(LAYOUT))
        found = {p.name: p for p in sorted(folder.iterdir()) if p.is_file() and p.suffix.lower() == ".csv"}
        problems = [
            Diagnostic(f"'{name}' is not a file of the CSV layout", file=str(path),
                       expected=one_of(LAYOUT), hint=did_you_mean(name, LAYOUT))
            for name, path in found.items() if name not in LAYOUT
        ]
        if problems:
            raise PolicyKBError(problems)
        if not found:
            raise PolicyKBError.single("no CSV file of the layout in the folder", file=str(folder),
                                       expected="at least one of " + ", ".join(LAYOUT))
        return found

    # -- shared checks --------------------------------------------------------------------

    def fail(self, row: Row, column: str | None, message: str, expected: str | None = None,
             hint: str | None = None) -> None:
        self.problems.append(row.error(column, message, expected, hint))

    @property
    def graph_clusters(self) -> dict[str, URIRef]:
        if self._graph_clusters is None:
            self._graph_clusters = {
                str(self.graph.value(c, DCTERMS.identifier)): c for c in self.graph.subjects(RDF.type, PKB.Cluster)
            }
        return self._graph_clusters

    def cluster(self, row: Row, column: str = "cluster") -> URIRef | None:
        """The cluster a row refers to: one of this folder's clusters.csv or one in the graph."""
        cid = row[column]
        if not cid:
            self.fail(row, column, "cluster is empty", expected="the id of a cluster")
            return None
        iri = self.new_clusters.get(cid) or self.graph_clusters.get(cid)
        if iri is None:
            hint = None
            if self.cluster_hints_left > 0:
                self.cluster_hints_left -= 1
                hint = did_you_mean(cid, [*self.new_clusters, *self.graph_clusters])
            self.fail(row, column, f"unknown cluster '{cid}'",
                      expected="an id of this folder's clusters.csv or of a cluster already in the knowledge graph",
                      hint=hint)
        return iri

    def identifier(self, row: Row, column: str, what: str) -> str | None:
        text = row[column]
        if not _ID.fullmatch(text):
            self.fail(row, column, f"{what} '{text}' is not a valid id" if text else f"{what} is empty",
                      expected=_ID_EXPECTED)
            return None
        return text

    def year(self, row: Row, column: str = "year") -> int | None:
        text = row[column]
        if not _YEAR.fullmatch(text):
            self.fail(row, column, f"year '{text}' is not a year" if text else "year is empty",
                      expected="a four-digit year such as 2023")
            return None
        return int(text)

    def boolean(self, row: Row, column: str) -> bool | None:
        text = row[column].lower()
        if text in ("true", "false"):
            return text == "true"
        self.fail(row, column, f"'{row[column]}' is not true or false" if text else f"{column} is empty",
                  expected="true or false")
        return None

    def named(self, row: Row, column: str, text: str, table: dict, what: str) -> URIRef | None:
        """The IRI of vocabulary term `text` (a title, incident kind, severity)."""
        iri = table.get(text)
        if iri is None:
            self.fail(row, column, f"unknown {what} '{text}'" if text else f"{what} is empty",
                      expected=one_of(table), hint=did_you_mean(text, table) if text else None)
        return iri

    def source(self, text: str) -> URIRef:
        """The shared source node for `text`, emitted once."""
        iri = self.sources.get(text)
        if iri is None:
            iri = self.sources[text] = source_iri(text)
            self.out += [(iri, T.type, T.entity), (iri, T.label, Literal(text))]
        return iri

    def provenance(self, subject: URIRef, source: str, record: str) -> None:
        self.out += [(subject, T.source, self.source(source)), (subject, T.record, Literal(record))]

    # -- clusters.csv ---------------------------------------------------------------------

    def cluster_row(self, row: Row) -> None:
        cid = self.identifier(row, "id", "cluster id")
        area_indicator = self.vocab.indicators.get(AREA_COLUMN)
        dimension = area_indicator.dimension if area_indicator else AREA
        area = self.number_cell(row, AREA_COLUMN, dimension) if row[AREA_COLUMN] else None
        if cid is None:
            return
        if cid in self.new_clusters:
            self.fail(row, "id", f"cluster '{cid}' is listed twice in clusters.csv")
            return
        if cid in self.graph_clusters:
            self.fail(row, "id", f"cluster '{cid}' is already in the knowledge graph",
                      hint="to add figures for it, list them in observations.csv without a clusters.csv row")
            return
        iri = cluster_iri(cid)
        self.new_clusters[cid] = iri
        self.new_cluster_iris.add(iri)
        out = self.out
        out += [(iri, RDF.type, PKB.Cluster), (iri, DCTERMS.identifier, Literal(cid))]
        if row["name_zh"]:
            out.append((iri, RDFS.label, Literal(row["name_zh"], lang="zh")))
        if row["name_en"]:
            out.append((iri, RDFS.label, Literal(row["name_en"], lang="en")))
        if row["leading_industry"]:
            out.append((iri, PKB.leadingIndustry, Literal(row["leading_industry"])))
        if is_synthetic(cid, row["name_zh"], row["name_en"]):
            out.append((iri, PKB.synthetic, Literal(True)))
        province = self.regions.province(row["province"], out) if row["province"] else None
        if province is not None:
            out.append((iri, PKB.province, province))
        if row["county"]:
            out.append((iri, PKB.county, self.regions.county(row["county"], province, out)))
        self.provenance(iri, row.file, row.record)
        if area is not None and area_indicator is not None:
            self.add_value(_Pending(iri, AREA_COLUMN, None, area, row.file, row, AREA_COLUMN), cid)
        elif area is not None:
            self.fail(row, AREA_COLUMN, f"the vocabulary declares no indicator '{AREA_COLUMN}'")

    @property
    def regions(self) -> "_Regions":
        if self._regions is None:
            self._regions = _Regions(self.graph)
        return self._regions

    def number_cell(self, row: Row, column: str, dimension: str) -> Fraction | None:
        value = self.number(row, column, row[column])
        return None if value is None else self.in_range(row, column, value, dimension)

    def number(self, row: Row, column: str, text: str) -> Fraction | None:
        value = parse_number(text)
        if value is None and is_numeral(text):  # a numeral, out of range
            self.fail(row, column, f"'{text[:40]}{'...' if len(text) > 40 else ''}' has too many digits",
                      expected=f"at most {MAX_NUMBER_DIGITS} digits before the decimal point and after it")
            return None
        if value is None:
            hint = None
            if "," in text:
                hint = "write numbers without thousands separators"
            elif re.match(r"[+-]?[\d.]+", text):
                hint = "write the unit in the unit column, the value as a plain number"
            self.fail(row, column, f"'{text}' is not a number" if text else "value is empty",
                      expected="a decimal number such as 250.41",
                      hint=hint if text else "leave the row out when the value is unknown: a missing value is "
                                             "unknown, never zero")
        return value

    def in_range(self, row: Row, column: str, value: Fraction, dimension: str) -> Fraction | None:
        if value < 0 and dimension in _NON_NEGATIVE:
            self.fail(row, column, f"value '{row[column]}' is negative, but {dimension} cannot be",
                      expected="a value >= 0")
            return None
        if dimension in _WHOLE and value.denominator != 1:
            self.fail(row, column, f"value '{row[column]}' is not a whole number",
                      expected=f"a whole number ({dimension})")
            return None
        return value

    # -- observations.csv -----------------------------------------------------------------

    def observation_row(self, row: Row) -> None:
        cluster = self.cluster(row)
        name = row["indicator"]
        indicator = self.vocab.indicators.get(name)
        if indicator is None:
            self.fail(row, "indicator", f"unknown indicator '{name}'" if name else "indicator is empty",
                      expected="an indicator declared in the vocabulary (kb/vocabulary.ttl)",
                      hint=did_you_mean(name, self.vocab.indicators) if name else None)
            if row["year"]:
                self.year(row)
            return
        year = self.observation_year(row, indicator)
        value = self.observation_value(row, indicator)
        if cluster is None or value is None or (indicator.per_year and year is None):
            return
        source = row["source"] or row.file
        self.add_value(_Pending(cluster, name, year, value, source, row, "value"), row["cluster"])

    def observation_year(self, row: Row, indicator: Indicator) -> int | None:
        if indicator.per_year:
            if not row["year"]:
                self.fail(row, "year", f"year is empty, but '{indicator.name}' is per year",
                          expected="the statistical year of the value, such as 2023")
                return None
            return self.year(row)
        if row["year"]:
            self.fail(row, "year", f"'{indicator.name}' is not per year, but a year is given",
                      expected="an empty year", hint="put the year in the source column if it matters")
        return None

    def observation_value(self, row: Row, indicator: Indicator) -> Fraction | bool | None:
        unit = self.unit(row, indicator)
        if indicator.dimension == BOOLEAN:
            return self.boolean(row, "value")
        number = self.number(row, "value", row["value"])
        if number is None or unit is None:
            return None
        return self.in_range(row, "value", number * unit.factor, indicator.dimension)

    def unit(self, row: Row, indicator: Indicator) -> Unit | None:
        text = row["unit"]
        dimension = indicator.dimension
        if not text:
            return self.vocab.units.get(CANONICAL_UNIT[dimension])
        accepted = [u for u in self.vocab.units.values() if u.dimension == dimension]
        expected = f"a {dimension} unit: " + "; ".join(
            f"{u.name} ({', '.join(u.aliases)})" if u.aliases else u.name for u in accepted) + ", or empty"
        unit = self.vocab.unit(text)
        if unit is None:
            spellings = [s for u in accepted for s in (u.name, *u.aliases)]
            self.fail(row, "unit", f"unknown unit '{text}'", expected=expected, hint=did_you_mean(text, spellings))
            return None
        if unit.dimension != dimension:
            self.fail(row, "unit", f"unit '{text}' measures {unit.dimension}, but '{indicator.name}' is {dimension}",
                      expected=expected)
            return None
        return unit

    def add_value(self, pending: _Pending, cluster_id: str) -> None:
        """Keep one value per (cluster, indicator, year); report duplicates and conflicts."""
        key = (cluster_id, pending.indicator, pending.year)
        row = pending.row
        earlier = self.pending.get(key)
        what = f"'{pending.indicator}' of '{cluster_id}'" + (f" in {pending.year}" if pending.year else "")
        if earlier is not None:
            same = earlier.value == pending.value
            if same and earlier.row.file != row.file:
                self.pending[key] = pending  # clusters.csv area repeated in observations.csv: agree
                return
            message = (f"duplicate value for {what}: also given at {earlier.row.record}" if same else
                       f"conflicting values for {what}: {_show(pending.value)} here, "
                       f"{_show(earlier.value)} at {earlier.row.record}")
            self.fail(row, pending.column, message, hint="keep one row per cluster, indicator and year")
            return
        existing = self.existing(pending.cluster).get(key)
        if existing is not None:
            value, source = existing
            state = "the same value" if value == pending.value else f"the value {_show(value)}"
            self.fail(row, pending.column, f"{what} is already in the knowledge graph with {state} (from {source})",
                      hint="remove the row; a value is recorded once")
            return
        self.pending[key] = pending

    def existing(self, cluster: URIRef) -> dict[Key, tuple[object, str]]:
        """Observations the graph already holds for a cluster (empty for this folder's clusters)."""
        if cluster in self.new_cluster_iris:
            return {}
        if cluster not in self._existing:
            found: dict[Key, tuple[object, str]] = {}
            cid = str(self.graph.value(cluster, DCTERMS.identifier))
            for obs in self.graph.subjects(PKB.cluster, cluster):
                measure = self.graph.value(obs, QB.measureType)
                name = self.terms.name_of(measure) if measure is not None else None
                if name is None:
                    continue
                raw = self.graph.value(obs, measure)
                value = literal_bool(raw) if literal_bool(raw) is not None else literal_number(raw)
                year = literal_number(self.graph.value(obs, PKB.year))
                source = self.graph.value(self.graph.value(obs, PROV.hadPrimarySource), RDFS.label)
                found[(cid, name, None if year is None else int(year))] = (value, str(source or obs))
            self._existing[cluster] = found
        return self._existing[cluster]

    def emit_observations(self) -> None:
        out = self.out
        ind_iri = self.terms.indicators
        years: dict[int, Literal] = {}
        for (cid, name, year), p in self.pending.items():
            obs = observation_iri(cid, name, year)
            measure = ind_iri[name]
            value = Literal(p.value) if isinstance(p.value, bool) else decimal_literal(p.value)
            out += [(obs, T.type, T.observation), (obs, T.cluster, p.cluster),
                    (obs, T.measure_type, measure), (obs, measure, value)]
            if year is not None:
                out.append((obs, T.year, years.get(year) or years.setdefault(year, Literal(year))))
            self.provenance(obs, p.source, p.row.record)

    # -- enterprises.csv ------------------------------------------------------------------

    def enterprise_row(self, row: Row) -> None:
        eid = self.identifier(row, "id", "enterprise id")
        cluster = self.cluster(row)
        in_leading = self.boolean(row, "in_leading_industry")
        titles = []
        for text in dict.fromkeys(t.strip() for t in row["titles"].split(";") if t.strip()):
            titles.append(self.named(row, "titles", text, self.terms.titles, "title"))
        if eid is not None:
            if eid in self.enterprise_ids:
                self.fail(row, "id", f"enterprise '{eid}' is listed twice (also at {self.enterprise_ids[eid].record})")
                return
            self.enterprise_ids[eid] = row
            if (enterprise_iri(eid), RDF.type, PKB.Enterprise) in self.graph:
                self.fail(row, "id", f"enterprise '{eid}' is already in the knowledge graph")
                return
        if cluster is not None and cluster not in self.enterprise_clusters:
            declared = self.declared_complete(cluster, "enterprises")
            if declared:
                self.fail(row, "cluster", f"the enterprise list of '{row['cluster']}' was already declared "
                                          f"complete by {declared}",
                          hint="list all enterprises of a cluster in one enterprises.csv")
                return
            self.enterprise_clusters[cluster] = row["cluster"]
        if eid is None or cluster is None or in_leading is None or None in titles:
            return
        iri = enterprise_iri(eid)
        self.out += [(iri, RDF.type, PKB.Enterprise), (iri, DCTERMS.identifier, Literal(eid)),
                     (iri, PKB.cluster, cluster), (iri, PKB.inLeadingIndustry, Literal(in_leading))]
        if row["name"]:
            self.out.append((iri, RDFS.label, Literal(row["name"])))
        self.out += [(iri, PKB.holdsTitle, t) for t in titles]
        self.provenance(iri, row.file, row.record)

    def declared_complete(self, cluster: URIRef, kind: str) -> str | None:
        for decl in self.graph.subjects(PKB.cluster, cluster):
            if (decl, PKB.recordKind, Literal(kind)) in self.graph:
                return str(self.graph.value(decl, PKB.record) or decl)
        return None

    # -- incidents.csv --------------------------------------------------------------------

    def incident_row(self, row: Row) -> None:
        cluster = self.cluster(row)
        year = self.year(row)
        kind = self.named(row, "kind", row["kind"], self.terms.incident_kinds, "incident kind")
        severity = self.named(row, "severity", row["severity"], self.terms.severities, "severity")
        if cluster is None or year is None or kind is None or severity is None:
            return
        iri = incident_iri(row.record, row["cluster"])
        self.out += [(iri, RDF.type, PKB.Incident), (iri, PKB.cluster, cluster), (iri, PKB.year, Literal(year)),
                     (iri, PKB.incidentKind, kind), (iri, PKB.severity, severity)]
        if row["description"]:
            self.out.append((iri, DCTERMS.description, Literal(row["description"])))
        self.provenance(iri, row.file, row.record)

    # -- assessments.csv ------------------------------------------------------------------

    def assessment_row(self, row: Row) -> None:
        cluster = self.cluster(row)
        policy = self.identifier(row, "policy", "policy id")
        criterion = self.identifier(row, "criterion", "criterion id")
        result = row["result"].lower()
        if result not in ("met", "unmet"):
            self.fail(row, "result", f"result '{row['result']}' is not met or unmet" if result else "result is empty",
                      expected="met or unmet", hint=did_you_mean(result, ("met", "unmet")) if result else None)
        date = row["date"]
        if date and not _DATE.fullmatch(date):
            self.fail(row, "date", f"'{date}' is not a date", expected="YYYY-MM-DD (or YYYY-MM, YYYY)")
        if cluster is None or policy is None or criterion is None or result not in ("met", "unmet"):
            return
        key = (row["cluster"], policy, criterion)
        if key in self.assessed:
            self.fail(row, "criterion", f"criterion '{criterion}' of '{policy}' is assessed twice for "
                                        f"'{row['cluster']}' (also at {self.assessed[key].record})")
            return
        self.assessed[key] = row
        iri = assessment_iri(*key)
        if (iri, RDF.type, PKB.Assessment) in self.graph:
            self.fail(row, "criterion", f"an assessment of '{policy}' / '{criterion}' for '{row['cluster']}' is "
                                        "already in the knowledge graph")
            return
        crit, pol = criterion_iri(policy, criterion), policy_iri(policy)
        # The criterion node is named but not typed pkb:Criterion: only a policy file says
        # what a criterion is; an assessment may arrive before its policy is loaded.
        self.out += [(iri, RDF.type, PKB.Assessment), (iri, PKB.cluster, cluster),
                     (iri, PKB.assessesCriterion, crit), (iri, PKB.result, Literal(result)),
                     (crit, DCTERMS.identifier, Literal(criterion)), (crit, PKB.ofPolicy, pol),
                     (pol, DCTERMS.identifier, Literal(policy))]
        if row["assessor"]:
            self.out.append((iri, PKB.assessor, Literal(row["assessor"])))
        if date:
            self.out.append((iri, DCTERMS.date, Literal(date)))
        self.provenance(iri, row.file, row.record)

    # -- completeness ---------------------------------------------------------------------

    def emit_completeness(self, files: dict[str, Path]) -> None:
        """incidents.csv is the complete incident record of this folder's clusters; an
        enterprise list is the complete record of the clusters it lists."""
        declarations: list[tuple[str, str, Iterable[tuple[str, URIRef]]]] = []
        if "incidents.csv" in files:
            declarations.append(("incidents", str(files["incidents.csv"]), self.new_clusters.items()))
        if "enterprises.csv" in files:
            listed = [(cid, iri) for iri, cid in self.enterprise_clusters.items()]
            declarations.append(("enterprises", str(files["enterprises.csv"]), listed))
        for kind, file, clusters in declarations:
            for cid, cluster in clusters:
                iri = completeness_iri(kind, cid, file)
                self.out += [(iri, RDF.type, PKB.CompletenessDeclaration), (iri, PKB.cluster, cluster),
                             (iri, PKB.recordKind, Literal(kind))]
                self.provenance(iri, file, file)


class _Regions:
    """Provinces and counties, matched by any of their labels, minted when new."""

    def __init__(self, graph: Graph) -> None:
        self.provinces: dict[str, URIRef] = {}
        self.counties: dict[tuple[URIRef | None, str], URIRef] = {}
        for node in graph.subjects(RDF.type, PKB.Province):
            for name in _names(graph, node):
                self.provinces.setdefault(_fold(name), node)
        for node in graph.subjects(RDF.type, PKB.County):
            province = graph.value(node, DCTERMS.isPartOf)
            for name in _names(graph, node):
                self.counties.setdefault((province, _fold(name)), node)

    def province(self, text: str, out: list[Triple]) -> URIRef:
        key = _fold(text)
        if key not in self.provinces:
            iri = region_iri(text)
            self.provinces[key] = iri
            out += [(iri, RDF.type, PKB.Province), (iri, RDFS.label, Literal(text))]
        return self.provinces[key]

    def county(self, text: str, province: URIRef | None, out: list[Triple]) -> URIRef:
        key = (province, _fold(text))
        if key not in self.counties:
            iri = URIRef(f"{province}/{segment(text)}") if province else region_iri("-", text)
            self.counties[key] = iri
            out += [(iri, RDF.type, PKB.County), (iri, RDFS.label, Literal(text))]
            if province is not None:
                out.append((iri, DCTERMS.isPartOf, province))
        return self.counties[key]


def _names(graph: Graph, node: Node) -> Iterable[str]:
    for prop in (RDFS.label, SKOS.altLabel, SKOS.notation):
        for value in graph.objects(node, prop):
            yield str(value)


def _fold(text: str) -> str:
    return text.strip().casefold()


def _show(value: object) -> str:
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else decimal_lexical(value)
    return str(value).lower() if isinstance(value, bool) else str(value)
