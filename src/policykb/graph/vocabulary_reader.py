"""Read the indicator vocabulary from the graph (kb/vocabulary.ttl or any Turtle added).

The vocabulary is data: Python names no indicator. Every term is found by its class
(pkb:Indicator, pkb:Unit, pkb:Title, pkb:IncidentKind, pkb:Severity) and named by its
skos:notation, so a user may declare new indicators in their own namespace. A broken
vocabulary (no notation, unknown dimension, a unit without factor ...) is a VocabularyError
listing every problem, not a KeyError later; the graph keeps no sources, so the caller that
knows which Turtle files the triples came from places each problem there (`at_files`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from policykb.errors import Diagnostic, PolicyKBError
from policykb.vocabulary import (
    BOOLEAN,
    CANONICAL_UNIT,
    IncidentKind,
    Indicator,
    Severity,
    Title,
    Unit,
    Vocabulary,
)

from .namespaces import DCTERMS, PKB, RDF, RDFS, SKOS
from .turtle_locate import Place, TurtleLocator
from .values import literal_bool, literal_number


@dataclass(frozen=True)
class Term:
    """A vocabulary term a problem is about: its IRI (or blank node) and its skos:notations."""

    node: Node
    names: tuple[str, ...] = ()


@dataclass
class VocabularyError(PolicyKBError):
    """A broken vocabulary: `terms[i]` are the terms diagnostics[i] is about, the one it
    names first (the others are where the clash is, e.g. the first of two declarations)."""

    terms: list[tuple[Term, ...]] = field(default_factory=list)

    def at_files(self, path: Path) -> "VocabularyError":
        """The same problems, each at the Turtle file (and line) under `path` (a file or a
        folder) where its term is written; at `path` itself when it is not found there."""
        locator = TurtleLocator([path])
        located = [d if d.file else replace(d, **_place(locator, terms, path).where())
                   for d, terms in zip(self.diagnostics, self.terms)]
        return VocabularyError(located, self.terms)


def _place(locator: TurtleLocator, terms: tuple[Term, ...], path: Path) -> Place:
    """Where the first of `terms` that can be found is written: by its IRI, else by its
    notation (a blank node has no IRI to search for)."""
    for term in terms:
        found = locator.find(str(term.node)) if isinstance(term.node, URIRef) else None
        if found is not None:
            return found
    for term in terms:
        for name in term.names:
            found = locator.find_notation(name)
            if found is not None:
                return found
    return Place(str(path))


@dataclass(frozen=True)
class VocabularyTerms:
    """The vocabulary plus the IRI of each term, both ways (name -> IRI, IRI -> name).

    The CSV importer writes these IRIs; the facts reader maps IRIs back to names.
    """

    vocabulary: Vocabulary
    indicators: Mapping[str, URIRef] = field(default_factory=dict)
    units: Mapping[str, URIRef] = field(default_factory=dict)
    titles: Mapping[str, URIRef] = field(default_factory=dict)
    incident_kinds: Mapping[str, URIRef] = field(default_factory=dict)
    severities: Mapping[str, URIRef] = field(default_factory=dict)
    _names: Mapping[Node, str] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("indicators", "units", "titles", "incident_kinds", "severities"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        names: dict[Node, str] = {}
        for name in ("indicators", "titles", "incident_kinds", "severities", "units"):
            names.update({iri: n for n, iri in getattr(self, name).items()})
        object.__setattr__(self, "_names", MappingProxyType(names))

    def name_of(self, iri: Node) -> str | None:
        """The notation of a vocabulary term, None when `iri` is not one."""
        return self._names.get(iri)


def read_vocabulary(graph: Graph) -> Vocabulary:
    return read_terms(graph).vocabulary


def read_terms(graph: Graph) -> VocabularyTerms:
    reader = _Reader(graph)
    units = reader.units()
    titles = reader.concepts(PKB.Title, "title")
    kinds = reader.concepts(PKB.IncidentKind, "incident kind")
    severities = reader.severities()
    indicators = reader.indicators(set(titles))
    reader.check_units(units, indicators)
    if reader.problems:
        raise VocabularyError(reader.problems, reader.terms)

    count_indicator = {ind.counts_title: ind.name for ind, _ in indicators.values() if ind.counts_title}
    vocabulary = Vocabulary(
        indicators={n: ind for n, (ind, _) in sorted(indicators.items())},
        units={n: u for n, (u, _) in sorted(units.items())},
        titles={
            n: Title(n, en, zh, count_indicator.get(n))
            for n, (_, en, zh) in sorted(titles.items())
        },
        incident_kinds={n: IncidentKind(n, en, zh) for n, (_, en, zh) in sorted(kinds.items())},
        severities={s.name: s for s, _ in sorted(severities.values(), key=lambda p: p[0].rank)},
    )
    return VocabularyTerms(
        vocabulary,
        indicators={n: iri for n, (_, iri) in indicators.items()},
        units={n: iri for n, (_, iri) in units.items()},
        titles={n: iri for n, (iri, _, _) in titles.items()},
        incident_kinds={n: iri for n, (iri, _, _) in kinds.items()},
        severities={n: iri for n, (_, iri) in severities.items()},
    )


def labels(graph: Graph, node: Node) -> tuple[str, str]:
    """(English, Chinese) rdfs:label of `node`; an untagged label stands in for English."""
    en = zh = plain = ""
    for label in graph.objects(node, RDFS.label):
        if not isinstance(label, Literal):
            continue
        lang = (label.language or "").lower()
        if lang.startswith("zh"):
            zh = zh or str(label)
        elif lang.startswith("en"):
            en = en or str(label)
        elif not lang:
            plain = plain or str(label)
    return en or plain, zh


class _Reader:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.problems: list[Diagnostic] = []
        self.terms: list[tuple[Term, ...]] = []  # what each problem is about, to locate it
        self.declared: dict[tuple[str, str], Node] = {}  # (kind, name) -> its first declaration

    def problem(self, node: Node, message: str, expected: str | None = None, also: tuple[Node, ...] = ()) -> None:
        self.problems.append(Diagnostic(f"vocabulary term {self.shown(node)}: {message}", expected=expected))
        self.terms.append(tuple(self.term(n) for n in (node, *also)))

    def term(self, node: Node) -> Term:
        return Term(node, tuple(sorted(str(n) for n in self.graph.objects(node, SKOS.notation))))

    def shown(self, node: Node) -> str:
        """How a message names a term: <IRI>; a blank node's generated id means nothing to
        whoever wrote the file, so it is named by its notation."""
        if not isinstance(node, BNode):
            return f"<{node}>"
        names = self.term(node).names
        return f"[] (a blank node with skos:notation '{names[0]}')" if names else "[] (a blank node)"

    def value(self, node: Node, prop: URIRef) -> Node | None:
        """The one value of `prop`; two different values are a contradiction, not a choice."""
        values = set(self.graph.objects(node, prop))
        if len(values) > 1:
            shown = ", ".join(sorted(_short(str(v)) for v in values))
            self.problem(node, f"has {len(values)} different values for <{prop}> ({shown})", expected="one value")
            return None
        return next(iter(values), None)

    def notation(self, node: Node, what: str, seen: dict) -> str | None:
        values = [str(v) for v in self.graph.objects(node, SKOS.notation)]
        if len(values) != 1:
            self.problem(node, f"{what} needs exactly one skos:notation (its name), found {len(values)}")
            return None
        name = values[0]
        if name in seen:
            first = self.declared.get((what, name))
            self.problem(node, f"{what} name '{name}' is declared twice", also=(first,) if first is not None else ())
            return None
        self.declared[(what, name)] = node  # the declaration a later one clashes with
        return name

    def dimension(self, node: Node, what: str) -> str | None:
        dim_node = self.value(node, PKB.dimension)
        dim = str(self.graph.value(dim_node, SKOS.notation)) if dim_node is not None else None
        if dim not in CANONICAL_UNIT:
            self.problem(node, f"{what} has no known pkb:dimension", expected="one of " + ", ".join(CANONICAL_UNIT))
            return None
        return dim

    def subjects(self, cls: URIRef) -> list[Node]:
        return sorted(set(self.graph.subjects(RDF.type, cls)), key=str)

    def concepts(self, cls: URIRef, what: str) -> dict[str, tuple[URIRef, str, str]]:
        found: dict[str, tuple[URIRef, str, str]] = {}
        for node in self.subjects(cls):
            name = self.notation(node, what, found)
            if name is not None:
                found[name] = (node, *labels(self.graph, node))
        return found

    def units(self) -> dict[str, tuple[Unit, URIRef]]:
        found: dict[str, tuple[Unit, URIRef]] = {}
        for node in self.subjects(PKB.Unit):
            name = self.notation(node, "unit", found)
            dim = self.dimension(node, "unit")
            factor = literal_number(self.value(node, PKB.factor))
            if factor is None or factor <= 0:
                self.problem(node, "unit needs a positive pkb:factor", expected="an xsd:decimal such as 10000.0")
            if name is None or dim is None or factor is None or factor <= 0:
                continue
            aliases = tuple(sorted(str(a) for a in self.graph.objects(node, PKB.alias)))
            en, zh = labels(self.graph, node)
            found[name] = (Unit(name, dim, Fraction(factor), en, zh, aliases), node)
        return found

    def severities(self) -> dict[str, tuple[Severity, URIRef]]:
        found: dict[str, tuple[Severity, URIRef]] = {}
        ranks: dict[int, str] = {}
        for node in self.subjects(PKB.Severity):
            name = self.notation(node, "severity", found)
            rank = literal_number(self.value(node, PKB.rank))
            if rank is None or rank.denominator != 1 or rank < 1:
                self.problem(node, "severity needs a pkb:rank", expected="a whole number, 1 = mildest")
                continue
            if int(rank) in ranks:
                self.problem(node, f"severity rank {rank} is also the rank of '{ranks[int(rank)]}'")
                continue
            if name is not None:
                ranks[int(rank)] = name
                found[name] = (Severity(name, int(rank), *labels(self.graph, node)), node)
        return found

    def indicators(self, titles: set[str]) -> dict[str, tuple[Indicator, URIRef]]:
        found: dict[str, tuple[Indicator, URIRef]] = {}
        counted: dict[str, str] = {}
        for node in self.subjects(PKB.Indicator):
            name = self.notation(node, "indicator", found)
            dim = self.dimension(node, "indicator")
            per_year = literal_bool(self.value(node, PKB.perYear))
            if per_year is None:
                self.problem(node, "indicator needs pkb:perYear", expected="true or false")
            unit_node = self.value(node, PKB.unit)
            if dim is not None and unit_node is not None:
                self.check_unit(node, unit_node, dim)
            title_node = self.value(node, PKB.countsTitle)
            title = None
            if title_node is not None:
                title = str(self.graph.value(title_node, SKOS.notation))
                if title not in titles:
                    self.problem(node, "pkb:countsTitle names no declared pkb:Title")
                    title = None
                elif title in counted:
                    self.problem(node, f"title '{title}' is already counted by '{counted[title]}'")
                elif name is not None:
                    counted[title] = name
            if name is None or dim is None or per_year is None:
                continue
            if title is not None and dim == BOOLEAN:
                self.problem(node, "a title-count indicator cannot be boolean")
            en, zh = labels(self.graph, node)
            description = _description(self.graph, node)
            found[name] = (Indicator(name, dim, per_year, en, zh, description, title), node)
        return found

    def check_unit(self, node: Node, unit_node: Node, dim: str) -> None:
        """An indicator's pkb:unit must be the canonical unit of its dimension."""
        unit = self.graph.value(unit_node, SKOS.notation)
        if unit is None:
            self.problem(node, f"pkb:unit {self.shown(unit_node)} is not a declared pkb:Unit (it has no skos:notation)",
                         expected=f"the canonical unit of dimension {dim}, '{CANONICAL_UNIT[dim]}'")
        elif str(unit) != CANONICAL_UNIT[dim]:
            self.problem(node, f"pkb:unit '{unit}' is not the canonical unit of dimension {dim}",
                         expected=f"'{CANONICAL_UNIT[dim]}'")

    def check_units(self, units: dict[str, tuple[Unit, URIRef]], indicators: dict) -> None:
        spelled: dict[str, tuple[str, URIRef]] = {}
        for unit, node in units.values():
            for spelling in (unit.name, *unit.aliases):
                other, other_node = spelled.setdefault(spelling, (unit.name, node))
                if other != unit.name:
                    self.problem(node, f"spelling '{spelling}' also names unit '{other}'", also=(other_node,))
        for dim in sorted({ind.dimension for ind, _ in indicators.values()}):
            name = CANONICAL_UNIT[dim]
            canonical = units.get(name)
            if canonical is None or canonical[0].dimension != dim or canonical[0].factor != 1:
                self.problems.append(Diagnostic(
                    f"vocabulary: dimension '{dim}' is used by indicators but its canonical unit "
                    f"'{name}' is not declared with factor 1"))
                # Located at the unit's declaration, else at one of the first few indicators
                # of the dimension (each one searched for costs a pass over the files).
                users = [n for ind, n in sorted(indicators.values(), key=lambda p: p[0].name) if ind.dimension == dim]
                declared = list(self.graph.subjects(SKOS.notation, Literal(name)))
                self.terms.append(tuple(self.term(n) for n in (*declared, *users[:3])))


def _short(text: str) -> str:
    """A value as a message shows it: a 5,000-digit number would bury the message."""
    return text if len(text) <= 60 else text[:57] + "..."


def _description(graph: Graph, node: Node) -> str:
    texts = [d for d in graph.objects(node, DCTERMS.description) if isinstance(d, Literal)]
    english = [d for d in texts if (d.language or "en").lower().startswith("en")]
    return str((english or texts)[0]) if texts else ""
