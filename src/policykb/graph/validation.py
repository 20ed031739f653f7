"""Check the knowledge graph against the SHACL shapes of the kb (kb/shapes.ttl), with pyshacl.

    report = validate(knowledge_graph)            # every cluster
    report = validate(knowledge_graph, clusters=["js-xinwu-mems-sensors"])   # one slice, fast
    for diagnostic in report.diagnostics: print(diagnostic.render())

Each violation becomes a `Diagnostic` located where the offending record was written: the
focus node's `pkb:record` ("path/observations.csv:12"), else its line in a Turtle file of
`files` (the kb folder and data paths it was read from), else its IRI. The message is the
shape's sh:message (English, or `lang="zh"`), prefixed with the node it is about; the hint is
the shape's pkbsh:hint.

Shapes come from the graph itself (a kb folder carries its shapes like its vocabulary); a graph
without any is checked against the shipped kb/shapes.ttl. Templates (pkbsh:IndicatorShapeTemplate)
are written out once per indicator of the graph's vocabulary.

Speed (pyshacl evaluates shape by shape, in Python, over rdflib):
  * no inference and no ontology mixed in: only the nodes the shapes target are checked;
  * the graph is not copied: pyshacl needs a context-aware store, and the default store
    (SimpleMemory) is not one, so pyshacl reads it through a read-only view of the same
    indexes (copying 250,000 triples into a Memory store took longer than validating them);
    other stores are copied;
  * pyshacl hands rdflib each SPARQL constraint as text once per focus node, and rdflib parses
    it every time (about 20 ms); the graph pyshacl sees parses each text once;
  * the cyclic garbage collector is paused while pyshacl runs (its allocations hold no cycles;
    full collections over a large graph made validation superlinear);
  * the shapes keep per-record SPARQL off the big sets (see kb/shapes.ttl): per-indicator core
    shapes from templates, SPARQL targets that select the few suspect records;
  * `clusters=` validates a slice (those clusters, their records and the vocabulary nodes they
    point to), which is what `check` needs.
Measured on 1,000 synthetic clusters (250,000 triples): about 3 s for the whole graph (loading
it takes about as long), 40 ms for one cluster; the shipped kb, 0.15 s.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.term import Node

from policykb.errors import Diagnostic, PolicyKBError
from policykb.memory import collector_paused
from policykb.resources import kb_dir

from .namespaces import DCTERMS, PKB, RDF, SKOS
from .turtle import load_turtle
from .turtle_locate import DEFAULT_BASE, TurtleLocator

PKBSH = Namespace("https://w3id.org/policykb/shapes#")
SHAPES_FILE = "shapes.ttl"

# Predicates that lead from a shape to the nodes that make it up (followed when the shapes are
# taken out of the graph); objects of every other predicate are data terms (classes, paths).
_STRUCTURE = {SH.property, SH.sparql, SH.prefixes, SH.declare, SH.node, SH.qualifiedValueShape, SH["not"],
              SH["and"], SH["or"], SH.xone, RDF.first, RDF.rest, SH.target}
_SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape, PKBSH.IndicatorShapeTemplate)
# Template terms that are not copied into the shapes written from it.
_TEMPLATE_ONLY = {RDF.type, PKBSH.forDimension, PKBSH.forPerYear, PKBSH.path}
_SEVERITY = {SH.Violation: "error", SH.Warning: "warning", SH.Info: "warning"}
_PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")  # {?value}, {$this}: variables of a message
_ANY_PLACEHOLDER = re.compile(r"\{[?$]\w+\}")


@dataclass(frozen=True)
class Violation:
    """One result of the validation: where, what, and about which node and cluster."""

    diagnostic: Diagnostic
    focus: str  # the IRI (or literal) of the node the result is about
    shape: str  # the shape (or template) it breaks
    cluster: str | None = None  # the id of the cluster the node belongs to, when it has one

    def to_json(self) -> dict:
        d = self.diagnostic
        return {"file": d.file, "line": d.line, "severity": d.severity, "message": d.message, "hint": d.hint,
                "focus": self.focus, "shape": self.shape, "cluster": self.cluster}


@dataclass(frozen=True)
class ValidationReport:
    violations: tuple[Violation, ...] = ()
    shapes: int = 0  # shapes checked (templates counted once per indicator)
    seconds: float = 0.0
    clusters: tuple[str, ...] | None = None  # the slice validated; None: the whole graph

    @property
    def conforms(self) -> bool:
        return not any(v.diagnostic.severity == "error" for v in self.violations)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [v.diagnostic for v in self.violations]

    def concerning(self, cluster_id: str) -> list[Violation]:
        """The violations about cluster `cluster_id` or one of its records."""
        return [v for v in self.violations if v.cluster == cluster_id]

    def restricted(self, cluster_ids: Iterable[str]) -> "ValidationReport":
        """This report as if only `cluster_ids` had been validated."""
        ids = tuple(dict.fromkeys(cluster_ids))
        return ValidationReport(tuple(v for v in self.violations if v.cluster in ids), self.shapes, self.seconds, ids)

    def render_text(self) -> str:
        lines = [v.diagnostic.render() for v in self.violations]
        errors = sum(v.diagnostic.severity == "error" for v in self.violations)
        what = "the whole graph" if self.clusters is None else ", ".join(self.clusters)
        if self.violations:
            lines.append(f"{errors} violation(s), {len(self.violations) - errors} warning(s) in {what} "
                         f"({self.shapes} shapes, {self.seconds:.2f} s)")
        else:
            lines.append(f"{what} conforms to the shapes ({self.shapes} shapes, {self.seconds:.2f} s)")
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict:
        return {"conforms": self.conforms, "violations": [v.to_json() for v in self.violations],
                "shapes": self.shapes, "seconds": round(self.seconds, 3),
                "clusters": None if self.clusters is None else list(self.clusters)}


def validate(graph, *, clusters: Iterable[str] | None = None, files: Sequence[Path | str] = (),
             lang: str = "en") -> ValidationReport:
    """Validate the KnowledgeGraph `graph` (every data node, or the slice of `clusters`).

    `files`: kb folders, data folders and Turtle files the graph was read from, searched for
    the line of a node that has no pkb:record. `lang`: "en" or "zh" messages and hints."""
    from pyshacl import validate as pyshacl_validate

    started = time.perf_counter()
    rdf = graph.graph
    slice_ids = None if clusters is None else tuple(dict.fromkeys(clusters))
    shapes = shapes_graph(graph)
    if slice_ids is None:
        data = _whole(rdf)
    else:
        data = _slice(rdf, graph._resolve(slice_ids))  # an unknown id: the usual error, with suggestions
    options = dict(shacl_graph=shapes, inference="none", advanced=True, inplace=True, abort_on_first=False,
                   allow_warnings=True)
    with collector_paused():
        try:
            _, results, _ = pyshacl_validate(data, **options)
        except _ReadOnlyError:  # pyshacl tried to write into the view of the graph: validate a copy
            data = _copy(rdf.triples((None, None, None)))
            _, results, _ = pyshacl_validate(data, **options)
    reader = _Results(rdf, data, shapes, TurtleLocator(files, accept=_data_file), lang)
    violations = [v for result in results.subjects(RDF.type, SH.ValidationResult) for v in reader.read(results, result)]
    if slice_ids is not None:  # twins of the slice's clusters (same id) are validated too: not asked about
        violations = [v for v in violations if v.cluster in slice_ids]
    violations = sorted(set(violations), key=_order)
    shape_count = len(set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape)))
    return ValidationReport(tuple(violations), shape_count, time.perf_counter() - started, slice_ids)


# -- shapes -------------------------------------------------------------------------------------

def shapes_graph(graph) -> Graph:
    """The shapes to validate `graph` with: those in the graph (else the shipped kb/shapes.ttl),
    templates written out per indicator."""
    rdf = graph.graph
    found = _shapes_in(rdf)
    if not any(next(iter(found.subjects(RDF.type, t)), None) is not None for t in _SHAPE_TYPES):
        found = _shipped_shapes()
    return _instantiate(found, rdf)


@lru_cache(maxsize=1)
def _shipped_shapes_cached() -> Graph:
    path = kb_dir() / SHAPES_FILE
    if not path.is_file():
        raise PolicyKBError.single("the shipped SHACL shapes are missing", file=str(path),
                                   hint="reinstall policykb with `pip install .`")
    return _shapes_in(load_turtle(path, what="shapes file"))


def _shipped_shapes() -> Graph:
    copy = Graph()
    for triple in _shipped_shapes_cached():
        copy.add(triple)
    return copy


def _shapes_in(rdf: Graph) -> Graph:
    """Every shape and template of `rdf` with the nodes that make them up (constraints, prefix
    declarations, lists); sh:rule is left out, so validating never changes the data graph."""
    out = Graph()
    todo: list[Node] = [s for t in (*_SHAPE_TYPES, SH.SPARQLConstraint) for s in rdf.subjects(RDF.type, t)]
    seen: set[Node] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in rdf.predicate_objects(node):
            if p == SH.rule:
                continue
            out.add((node, p, o))
            if (p in _STRUCTURE or isinstance(o, BNode)) and not isinstance(o, Literal):
                todo.append(o)
    return out


def _instantiate(shapes: Graph, rdf: Graph) -> Graph:
    """`shapes` with each template replaced by one sh:PropertyShape per indicator it applies to."""
    templates = list(shapes.subjects(RDF.type, PKBSH.IndicatorShapeTemplate))
    if not templates:
        return shapes
    indicators = [(i, rdf.value(i, PKB.dimension), _as_bool(rdf.value(i, PKB.perYear)))
                  for i in set(rdf.subjects(RDF.type, PKB.Indicator))]
    for template in templates:
        dimensions = set(shapes.objects(template, PKBSH.forDimension))
        per_year = [_as_bool(v) for v in shapes.objects(template, PKBSH.forPerYear)]
        path = shapes.value(template, PKBSH.path)
        body = [(p, o) for p, o in shapes.predicate_objects(template) if p not in _TEMPLATE_ONLY]
        for indicator, dimension, indicator_per_year in indicators:
            if dimensions and dimension not in dimensions:
                continue
            if per_year and indicator_per_year not in per_year:
                continue
            shape = URIRef(f"{template}/{_tail(indicator)}")
            shapes.add((shape, RDF.type, SH.PropertyShape))
            shapes.add((shape, SH.targetSubjectsOf, indicator))
            shapes.add((shape, SH.path, path if path is not None else indicator))
            shapes.add((shape, PKBSH.template, template))
            shapes.add((shape, PKBSH.indicator, indicator))
            for p, o in body:
                shapes.add((shape, p, o))
        shapes.remove((template, None, None))  # pyshacl would take its constraints for a shape's
    return shapes


def _as_bool(value: Node | None) -> bool | None:
    if isinstance(value, Literal):
        python = value.toPython()
        return python if isinstance(python, bool) else str(value).lower() == "true"
    return None


def _tail(iri: Node) -> str:
    return re.split(r"[/#]", str(iri).rstrip("/#"))[-1] or str(iri)


# -- the data pyshacl reads ---------------------------------------------------------------------

@lru_cache(maxsize=256)
def _prepared(text: str):
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


class _DataGraph(Graph):
    """A Graph that parses each SPARQL text once (pyshacl sends the same text per focus node)."""

    def query(self, query_object, *args, **kwargs):  # type: ignore[override]
        if isinstance(query_object, str):
            try:
                query_object = _prepared(query_object)
            except Exception:  # left to rdflib, which reports it as usual
                pass
        return super().query(query_object, *args, **kwargs)


class _ReadOnlyError(RuntimeError):
    pass


class _SharedView(SimpleMemory):
    """The triples of a SimpleMemory store, read-only, as a context- and graph-aware store
    (what pyshacl requires of the graph it validates): the same index dictionaries, no copy.
    Namespace bindings are copied, so nothing pyshacl binds reaches the knowledge graph."""

    context_aware = True
    graph_aware = True

    def __init__(self, store: SimpleMemory) -> None:
        super().__init__(identifier=store.identifier)
        for name in ("spo", "pos", "osp"):
            setattr(self, f"_SimpleMemory__{name}", getattr(store, f"_SimpleMemory__{name}"))
        for name in ("namespace", "prefix"):
            setattr(self, f"_SimpleMemory__{name}", dict(getattr(store, f"_SimpleMemory__{name}")))
        self._size: int | None = None

    def add(self, triple, context=None, quoted=False):  # type: ignore[override]
        raise _ReadOnlyError("the validation view is read-only")

    def addN(self, quads):  # type: ignore[override]
        raise _ReadOnlyError("the validation view is read-only")

    def remove(self, triple, context=None):  # type: ignore[override]
        raise _ReadOnlyError("the validation view is read-only")

    def contexts(self, triple=None):  # type: ignore[override]
        return iter(())

    def add_graph(self, graph) -> None:
        pass

    def remove_graph(self, graph) -> None:
        pass

    def __len__(self, context=None) -> int:  # SimpleMemory walks every triple on each call
        if self._size is None:
            spo = getattr(self, "_SimpleMemory__spo")
            self._size = sum(len(objects) for predicates in spo.values() for objects in predicates.values())
        return self._size


def _whole(rdf: Graph) -> Graph:
    store = rdf.store
    if type(store) is SimpleMemory and all(hasattr(store, f"_SimpleMemory__{n}") for n in ("spo", "pos", "osp")):
        return _DataGraph(store=_SharedView(store), identifier=rdf.identifier)
    return _copy(rdf.triples((None, None, None)))


def _copy(triples: Iterable) -> Graph:
    data = _DataGraph()
    data.addN((s, p, o, data) for s, p, o in triples)
    return data


def _slice(rdf: Graph, clusters: list[URIRef]) -> Graph:
    """The clusters, every record about them, one hop of what those point to (indicators,
    titles, kinds, sources ...), and the clusters that share one of their ids."""
    nodes: set[Node] = set(clusters)
    for cluster in clusters:
        nodes.update(rdf.subjects(PKB.cluster, cluster))
    triples: list = []
    pointed: set[Node] = set()
    for node in nodes:
        for p, o in rdf.predicate_objects(node):
            triples.append((node, p, o))
            if not isinstance(o, Literal) and o not in nodes:
                pointed.add(o)
    for node in pointed:
        triples += [(node, p, o) for p, o in rdf.predicate_objects(node)]
    for cluster in clusters:
        for ident in rdf.objects(cluster, DCTERMS.identifier):
            for twin in rdf.subjects(DCTERMS.identifier, ident):
                triples.append((twin, DCTERMS.identifier, ident))
                triples += [(twin, RDF.type, t) for t in rdf.objects(twin, RDF.type)]
    return _copy(triples)


# -- results ------------------------------------------------------------------------------------

class _Results:
    """Reads pyshacl's results graph into Violations."""

    def __init__(self, rdf: Graph, data: Graph, shapes: Graph, locator: TurtleLocator, lang: str) -> None:
        self.rdf, self.data, self.shapes, self.locator, self.lang = rdf, data, shapes, locator, lang
        self._clusters: dict[Node, str | None] = {}

    def read(self, results: Graph, result: Node) -> list[Violation]:
        focus = results.value(result, SH.focusNode)
        value = results.value(result, SH.value)
        shape = results.value(result, SH.sourceShape)
        constraint = results.value(result, SH.sourceConstraint)
        severity = _SEVERITY.get(results.value(result, SH.resultSeverity), "error")
        sources = [n for n in (constraint, shape, self.shapes.value(shape, PKBSH.template)) if n is not None]
        message = self.message(sources, [str(m) for m in results.objects(result, SH.resultMessage)], shape, value)
        hint = self.text(sources, PKBSH.hint)
        template = self.shapes.value(shape, PKBSH.template)
        shape_name = str(template if template is not None else shape)
        # A shape whose focus nodes are values (sh:targetObjectsOf: the distinct years) is
        # reported at every record that holds the value.
        nodes = [focus]
        if isinstance(focus, Literal):
            predicates = list(self.shapes.objects(shape, SH.targetObjectsOf))
            nodes = sorted({s for p in predicates for s in self.data.subjects(p, focus)}, key=str) or [focus]
        return [Violation(self.diagnostic(node, message, hint, severity), str(node), shape_name, self.cluster(node))
                for node in nodes]

    def diagnostic(self, node: Node, message: str, hint: str | None, severity: str) -> Diagnostic:
        file, line = self.location(node)
        return Diagnostic(f"{self.name(node)}: {message}", file=file, line=line, hint=hint, severity=severity)

    def name(self, node: Node) -> str:
        """How a message names the node; a blank node has no name of its own, so by its
        kind and cluster ("a pkb:Enterprise without an IRI, of cluster x")."""
        if not isinstance(node, BNode):
            return _label(node)
        kinds = sorted(self.rdf.namespace_manager.normalizeUri(t) for t in self.rdf.objects(node, RDF.type))
        cluster = self.cluster(node)
        return (f"a {' / '.join(kinds) or 'node'} without an IRI"
                + (f", of cluster {_label(cluster, bare=True)}" if cluster else ""))

    def location(self, node: Node) -> tuple[str | None, int | None]:
        record = self.rdf.value(node, PKB.record) if not isinstance(node, Literal) else None
        if record is not None:
            file, _, line = str(record).rpartition(":")
            return (file, int(line)) if file and line.isdigit() else (str(record), None)
        if isinstance(node, URIRef):
            found = self.locator.find(str(node))
            if found is not None:
                return found.file, found.line
            return f"<{node}>", None
        return None, None

    def cluster(self, node: Node) -> str | None:
        if node not in self._clusters:
            cluster = None
            if isinstance(node, (URIRef, BNode)):
                if (node, RDF.type, PKB.Cluster) in self.rdf:
                    cluster = node
                else:
                    cluster = self.rdf.value(node, PKB.cluster)
            ident = self.rdf.value(cluster, DCTERMS.identifier) if cluster is not None else None
            self._clusters[node] = str(ident) if ident is not None else (str(cluster) if cluster is not None else None)
        return self._clusters[node]

    # messages

    def templates(self, sources: list[Node], predicate: URIRef) -> list[Literal]:
        for source in sources:
            found = [m for m in self.shapes.objects(source, predicate) if isinstance(m, Literal)]
            if found:
                return found
        return []

    def pick(self, found: list[Literal]) -> Literal | None:
        for wanted in (self.lang, "en", None):
            for m in found:
                if m.language == wanted:
                    return m
        return found[0] if found else None

    def text(self, sources: list[Node], predicate: URIRef) -> str | None:
        chosen = self.pick(self.templates(sources, predicate))
        return str(chosen) if chosen is not None else None

    def message(self, sources: list[Node], rendered: list[str], shape: Node | None, value: Node | None) -> str:
        chosen = self.pick(self.templates(sources, SH.message))
        if chosen is None:
            return rendered[0] if rendered else "the node does not conform to the shape"
        # pyshacl fills in the variables of a SPARQL constraint's message, but drops its
        # language: take the rendered message that the chosen template produces.
        pattern = re.compile(".*?".join(re.escape(piece) for piece in _ANY_PLACEHOLDER.split(str(chosen))), re.S)
        text = next((r for r in rendered if pattern.fullmatch(r)), str(chosen))
        return self.fill(text, shape, value)

    def fill(self, text: str, shape: Node | None, value: Node | None) -> str:
        """Fill in what core constraints leave: {?value}, {?indicator}, {?dimension}."""
        indicator = self.shapes.value(shape, PKBSH.indicator) if shape is not None else None
        names = {"value": _label(value, bare=True) if value is not None else "nothing"}
        if indicator is not None:
            names["indicator"] = self.notation(indicator)
            dimension = self.rdf.value(indicator, PKB.dimension)
            names["dimension"] = self.notation(dimension) if dimension is not None else "?"
        return _PLACEHOLDER.sub(lambda m: names.get(m.group(1), m.group(0)), text)

    def notation(self, node: Node) -> str:
        name = self.rdf.value(node, SKOS.notation)
        return str(name) if name is not None else _tail(node)


def _label(node: Node | None, bare: bool = False) -> str:
    """How a message names a node: an id-namespace IRI by its path ('observation/x/total_output/2023')."""
    if node is None:
        return "?"
    if isinstance(node, Literal):
        return str(node)
    text = str(node)
    if text.startswith(DEFAULT_BASE):
        return text[len(DEFAULT_BASE):]
    return text if bare else f"<{text}>"


def _order(v: Violation) -> tuple:
    d = v.diagnostic
    return (d.file or "", d.line or 0, v.focus, d.message)


def _data_file(file: Path) -> bool:
    """The files a violation may be located in: the data's Turtle, not the shapes."""
    return file.suffix.lower() == ".ttl" and file.name != SHAPES_FILE
