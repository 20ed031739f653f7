"""KnowledgeGraph: the one rdflib Graph that holds every fact, and the ways in and out.

Data comes in as Turtle (the shipped kb, policies written by other modules) or as CSV
folders (converted to triples by csv_import); it goes out as records for the engine
(`facts`), as SPARQL results (`query`) and as Turtle (`write_turtle`). Every way in is all
or nothing: a failing import leaves the graph as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from pyparsing import ParseBaseException
from rdflib import Graph, URIRef
from rdflib.term import Node

from policykb.memory import collector_paused
from policykb.rdflib_log import forward, rdflib_said
from policykb.errors import Diagnostic, PolicyKBError
from policykb.resources import kb_dir
from policykb.safe_write import atomic_path
from policykb.vocabulary import Vocabulary

from . import ill_typed
from .csv_import import import_csv_folder
from .csv_rows import LAYOUT
from .facts_reader import read_clusters, read_facts
from .namespaces import DCTERMS, PKB, PREFIXES, RDF, bind_prefixes
from .records import ClusterFacts, ClusterRecord
from policykb.suggest import did_you_mean
from .sparql_nesting import check_nesting
from .turtle import DEFAULT_STORE, load_turtle, new_graph, turtle_files
from .turtle_locate import TurtleLocator
from .vocabulary_reader import VocabularyError, VocabularyTerms, read_terms

Triple = tuple[Node, Node, Node]

# The file write_turtle writes; open(kb=folder) reads it back.
GRAPH_FILE = "knowledge-graph.ttl"


@dataclass(frozen=True)
class QueryResult:
    """A SPARQL result, fully evaluated (so no error can surface later, while iterating)."""

    kind: str  # "SELECT", "ASK", "CONSTRUCT" or "DESCRIBE"
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Node | None, ...], ...] = ()
    answer: bool | None = None  # ASK
    graph: Graph | None = None  # CONSTRUCT, DESCRIBE


class KnowledgeGraph:
    """One rdflib Graph and the policykb view of it.

    Change it only through the `add_*` methods (or call `mark_changed()` after touching
    `.graph` directly): `data_version` and the cached vocabulary depend on it.
    """

    def __init__(self, graph: Graph | None = None) -> None:
        self._graph = bind_prefixes(graph) if graph is not None else new_graph()
        self._version = 0
        self._terms: tuple[int, VocabularyTerms] | None = None
        self._clusters: tuple[int, dict[str, URIRef]] | None = None

    # -- opening and adding ---------------------------------------------------------------

    @classmethod
    def open(cls, kb: Path | str | None = None, data: Sequence[Path | str] = (), *,
             store: str = DEFAULT_STORE) -> "KnowledgeGraph":
        """The kb folder (default: the shipped one) plus each data path: a CSV folder, or a
        Turtle file or folder. `store` is an rdflib store plugin name."""
        kb_path = Path(kb) if kb is not None else kb_dir()
        if not kb_path.is_dir():
            what = "is not a folder" if kb_path.exists() else "does not exist"
            raise PolicyKBError.single(f"kb folder {what}", file=str(kb_path),
                                       expected="a folder of Turtle files (ontology, vocabulary, data)")
        with collector_paused():
            kg = cls(load_turtle(kb_path, what="kb folder", store=store))
        try:
            kg.vocabulary()  # a broken vocabulary is reported when the kb is opened, not later
        except VocabularyError as error:
            raise error.at_files(kb_path) from None
        if isinstance(data, (str, Path)):
            data = [data]  # one path given bare: not a sequence of characters
        for path in data:
            kg.add_data(Path(path))
        return kg

    @classmethod
    def open_endpoint(cls, url: str, *, kb: Path | str | None = None, writable: bool = False) -> "KnowledgeGraph":
        """The graph held by the SPARQL 1.1 server at `url` (graph/remote.py): read with a few
        SELECT queries, never copied. `writable` sends additions to the server; an empty
        server then starts with the kb folder (`policykb import --endpoint`)."""
        from .remote import open_endpoint

        return open_endpoint(url, kb=kb, writable=writable)

    def add_data(self, path: Path) -> int:
        """Add a CSV folder, or a Turtle file or folder, judged by what `path` holds."""
        if not path.exists():
            raise PolicyKBError.single("data path does not exist", file=str(path),
                                       expected="a CSV folder, or a Turtle file or folder")
        if path.is_dir():
            names = {p.name for p in path.iterdir() if p.is_file()}
            if any(n.lower().endswith(".csv") for n in names):
                return self.add_csv_folder(path)
            if turtle_files(path):
                return self.add_turtle(path)
            raise PolicyKBError.single("data folder holds no CSV file and no Turtle file", file=str(path),
                                       expected="a CSV folder (" + ", ".join(LAYOUT) + ") or *.ttl files")
        if path.suffix.lower() == ".csv":
            raise PolicyKBError.single("a CSV file is not a data folder", file=str(path),
                                       hint=f"give the folder that holds it: {path.parent}")
        return self.add_turtle(path)

    def add_csv_folder(self, path: Path | str) -> int:
        """Import a CSV folder (all or nothing); returns the number of triples written."""
        with collector_paused():
            return self._add(import_csv_folder(Path(path), self._graph, self.terms()))

    def add_turtle(self, path: Path | str) -> int:
        """Add a Turtle file or folder (all or nothing, vocabulary re-checked; a problem
        with the vocabulary is reported at the file that declares the term)."""
        with collector_paused():
            graph = load_turtle(Path(path))
            try:
                return self.add_graph(graph)
            except VocabularyError as error:
                raise error.at_files(Path(path)) from None

    def add_graph(self, graph: Graph) -> int:
        """Add every triple of `graph`; undone if it breaks the vocabulary. Returns the
        number of triples that were not in the graph yet."""
        new = [t for t in graph if t not in self._graph]
        added = self._add(new)
        try:
            self.terms()
        except PolicyKBError:
            for triple in new:
                self._graph.remove(triple)
            self.mark_changed()
            raise
        return added

    def add_triples(self, triples: Iterable[Triple]) -> int:
        """Add triples (for modules that describe policies); undone if they break the vocabulary."""
        scratch = new_graph()
        scratch.addN((s, p, o, scratch) for s, p, o in triples)
        return self.add_graph(scratch)

    def _add(self, triples: Sequence[Triple]) -> int:
        """Bulk-add `triples`; returns how many were written (a triple already present
        counts too: SimpleMemory has no cheap len(), it walks every triple)."""
        graph = self._graph
        graph.addN((s, p, o, graph) for s, p, o in triples)  # one store call
        self.mark_changed()
        return len(triples)

    def mark_changed(self) -> None:
        self._version += 1

    # -- reading --------------------------------------------------------------------------

    @property
    def graph(self) -> Graph:
        return self._graph

    @property
    def data_version(self) -> int:
        """Bumped on every change: a cache keyed on it is valid while it stays equal."""
        return self._version

    def __len__(self) -> int:
        """Number of triples (walks the whole store: not for hot paths)."""
        return len(self._graph)

    def terms(self) -> VocabularyTerms:
        """The vocabulary with the IRI of each term (cached per data_version)."""
        if self._terms is None or self._terms[0] != self._version:
            self._terms = (self._version, read_terms(self._graph))
        return self._terms[1]

    def vocabulary(self) -> Vocabulary:
        return self.terms().vocabulary

    def _cluster_index(self) -> dict[str, URIRef]:
        if self._clusters is None or self._clusters[0] != self._version:
            index = {str(self._graph.value(c, DCTERMS.identifier) or c): c  # type: ignore[misc]
                     for c in self._graph.subjects(RDF.type, PKB.Cluster)}
            self._clusters = (self._version, dict(sorted(index.items())))
        return self._clusters[1]

    def cluster_ids(self) -> list[str]:
        return list(self._cluster_index())

    def clusters(self) -> tuple[ClusterRecord, ...]:
        """Every cluster, sorted by id."""
        return read_clusters(self._graph, self._cluster_index().values())

    def cluster(self, cluster_id: str) -> ClusterRecord:
        """One cluster; an unknown id is a PolicyKBError with the closest ids as hint."""
        return read_clusters(self._graph, self._resolve([cluster_id]))[0]

    def facts(self, clusters: Iterable[str] | None = None) -> ClusterFacts:
        """Everything the engine needs about `clusters` (default: every cluster)."""
        iris = list(self._cluster_index().values()) if clusters is None else self._resolve(clusters)
        with collector_paused():  # hundreds of thousands of records, no cycles among them
            return read_facts(self._graph, self.terms(), iris)

    def _resolve(self, cluster_ids: Iterable[str]) -> list[URIRef]:
        index = self._cluster_index()
        problems, iris = [], []
        for cid in dict.fromkeys(cluster_ids):
            if cid in index:
                iris.append(index[cid])
            else:
                problems.append(Diagnostic(f"unknown cluster '{cid}'", expected="the id of a cluster in the "
                                           "knowledge graph", hint=did_you_mean(cid, index)))
        if problems:
            raise PolicyKBError(problems)
        return iris

    # -- SPARQL ---------------------------------------------------------------------------

    def query(self, sparql: str) -> QueryResult:
        """Run a SPARQL SELECT, ASK, CONSTRUCT or DESCRIBE query. The prefixes pkb:, id:,
        cluster:, ind:, qb:, prov:, skos:, org:, dcterms:, rdf:, rdfs:, xsd: are predeclared."""
        prepared = _prepared_query(sparql)
        try:
            result = self._graph.query(prepared)
            if result.type == "SELECT":
                return QueryResult("SELECT", tuple(str(v) for v in result.vars or ()),
                                   tuple(tuple(row) for row in result))
            if result.type == "ASK":
                return QueryResult("ASK", answer=bool(result.askAnswer))
            return QueryResult(result.type, graph=result.graph)
        except Exception as exc:  # rdflib raises plain Exceptions (a bad function ...)
            raise _sparql_failed("query", exc) from None

    def update(self, sparql: str) -> tuple[int, int]:
        """Apply a SPARQL Update (INSERT, DELETE, LOAD, CLEAR ...) to this graph, in memory:
        the files it was read from are not touched. All or nothing: an update that fails, or
        that breaks the vocabulary, leaves the graph as it was. Returns (added, removed)."""
        check_nesting(sparql, "<update>")  # before rdflib's parser recurses
        if not sparql_update_operations(sparql):
            from rdflib.plugins.sparql.parser import parseUpdate

            try:
                parseUpdate(sparql)
            except ParseBaseException as exc:
                raise PolicyKBError.single(f"SPARQL syntax error: {exc.msg}", file="<update>", line=exc.lineno,
                                           column=exc.col) from None
            raise PolicyKBError.single("the SPARQL Update holds no operation", file="<update>",
                                       expected="INSERT DATA, DELETE DATA, DELETE/INSERT ... WHERE, LOAD, CLEAR ...")
        prepared = _prepared_update(sparql)
        old = self._graph
        # rdflib's default Memory store: SimpleMemory fails on DELETE WHERE (it deletes while
        # it iterates). Working on a copy also makes a failing update leave nothing behind.
        work = bind_prefixes(Graph())
        with collector_paused():
            work.addN((s, p, o, work) for s, p, o in old)
            try:
                work.update(prepared)
            except Exception as exc:  # rdflib raises plain Exceptions
                raise _sparql_failed("update", exc) from None
            removed = sum(1 for triple in old if triple not in work)
            added = len(work) - len(old) + removed
        self._graph = work
        self.mark_changed()
        try:
            self.terms()
        except PolicyKBError:
            self._graph = old
            self.mark_changed()
            raise
        return added, removed

    # -- writing --------------------------------------------------------------------------

    def write_turtle(self, folder: Path | str, *, pretty: bool = True) -> Path:
        """Write the whole graph to `folder`/knowledge-graph.ttl, readable by open(kb=folder).

        The file is written to a temporary file and renamed, so a crash leaves either the old
        file or the new one. pretty=False writes N-Triples (valid Turtle), much faster for
        large graphs.
        """
        folder = Path(folder)
        target = folder / GRAPH_FILE
        if folder.exists() and not folder.is_dir():
            raise PolicyKBError.single("output path is not a folder", file=str(folder))
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PolicyKBError.single(f"cannot create the output folder: {exc.strerror or exc}",
                                       file=str(folder)) from None
        others = [p for p in turtle_files(folder) if p.resolve() != target.resolve()]
        if others:
            raise PolicyKBError.single(
                "output folder already holds other Turtle files that opening it would also read",
                file=str(others[0]), hint="write to an empty folder")
        with atomic_path(target) as temp:  # temp file, fsync, rename; removed on any failure
            self._graph.serialize(destination=temp, format="turtle" if pretty else "nt", encoding="utf-8")
        return target


# SPARQL Update operations, as rdflib's parser names them, in the words of the SPARQL text.
_UPDATE_WORDS = {"InsertData": "INSERT DATA", "DeleteData": "DELETE DATA", "DeleteWhere": "DELETE WHERE",
                 "Modify": "DELETE/INSERT", "Load": "LOAD", "Clear": "CLEAR", "Drop": "DROP", "Create": "CREATE",
                 "Add": "ADD", "Move": "MOVE", "Copy": "COPY"}


def sparql_update_operations(sparql: str) -> list[str]:
    """The operations of `sparql` if it is a SPARQL Update (e.g. ["INSERT DATA"]), else []
    (a query, or text that is neither)."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parsed = parseUpdate(sparql)
    except ParseBaseException:
        return []
    return [_UPDATE_WORDS.get(op.name, op.name.upper()) for op in parsed.request or ()]


def _prepared_query(sparql: str):
    """rdflib's algebra of the query `sparql`. Refused (PolicyKBError): a syntax error, a
    SPARQL Update, and a literal policykb refuses, located in the query."""
    from rdflib.plugins.sparql import prepareQuery

    check_nesting(sparql, "<query>")  # before rdflib's parser recurses
    try:
        with rdflib_said() as said:
            prepared = prepareQuery(sparql, initNs=PREFIXES)
    except ParseBaseException as exc:
        operations = sparql_update_operations(sparql)
        if operations:  # an update never runs here: rdflib's query parser refuses it
            raise PolicyKBError.single(
                f"SPARQL Update ({', '.join(operations)}) is not run: a query only reads the graph",
                file="<query>", expected="a SELECT, ASK, CONSTRUCT or DESCRIBE query",
                hint="only SELECT, ASK, CONSTRUCT and DESCRIBE queries are run; `policykb query --update` "
                     "applies an update to the graph in memory (the kb files are not changed)") from None
        raise PolicyKBError.single(
            f"SPARQL syntax error: {exc.msg}", file="<query>", line=exc.lineno, column=exc.col,
            hint="only SELECT, ASK, CONSTRUCT and DESCRIBE queries are run; "
                 "the graph changes only through data files") from None
    except Exception as exc:  # rdflib raises plain Exceptions (unknown prefix ...)
        raise _sparql_failed("query", exc) from None
    _refuse_literals(prepared.algebra, sparql, "<query>", said,
                     hint="write the value as its datatype requires: the graph holds no such literal, so this one "
                          "could never match")
    return prepared


def _prepared_update(sparql: str):
    """rdflib's algebra of the update `sparql`; a literal policykb refuses is a PolicyKBError."""
    from rdflib.plugins.sparql.processor import prepareUpdate

    try:
        with rdflib_said() as said:
            prepared = prepareUpdate(sparql, initNs=PREFIXES)
    except Exception as exc:  # rdflib raises plain Exceptions (unknown prefix ...)
        raise _sparql_failed("update", exc) from None
    _refuse_literals(prepared.algebra, sparql, "<update>", said,
                     hint="write the value as its datatype requires: the graph would keep it with no value, and "
                          "the figure would be missing")
    return prepared


def _refuse_literals(algebra, sparql: str, name: str, said: list, hint: str) -> None:
    """A located error for each literal the query or update writes that policykb refuses
    (as it refuses them in Turtle); what rdflib said while reading it goes on otherwise."""
    bad = ill_typed.refused_in_query(algebra)
    if bad:
        raise PolicyKBError(ill_typed.problems(bad, name, TurtleLocator.of_text(name, sparql, PREFIXES), hint))
    forward(said)


def _sparql_failed(what: str, exc: Exception) -> PolicyKBError:
    hint = None
    if "prefix" in str(exc).lower():
        hint = "known prefixes: " + ", ".join(f"{p}:" for p in PREFIXES) + "; declare others with PREFIX"
    return PolicyKBError.single(f"SPARQL {what} failed: {exc}", file=f"<{what}>", hint=hint)
