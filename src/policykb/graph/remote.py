"""The knowledge graph in a SPARQL 1.1 store: a server (`--endpoint URL`) or Oxigraph on
disk (`--store DIR`, see persistent.py).

`SparqlGraph` is a KnowledgeGraph whose triples stay in the store; nothing copies the whole
graph. The vocabulary is one SELECT (the vocabulary terms and what they say, a few hundred
triples). The facts the engine needs are one SELECT per record kind (clusters,
observations, enterprises with their titles, incidents, assessments, completeness
declarations), one for the labels of sources and regions and a count that proves no
observation was left out; `facts(clusters)` limits each with VALUES. The rows are shaped
into the property lists the in-process facts reader reads and handed to its own record
builders, so both ways read the same records with the same checks and messages. Every
cluster's facts are kept until the graph changes (and, for a --store folder, in a file
beside it). `query` forwards the query to the store. Anything else that
reads triples (designations, the kb nodes of RDF verdicts, the CSV importer's duplicate
checks) goes through `graph`, an rdflib Graph whose triple patterns become small queries.

Writes: a *writable* graph (building a `--store` folder; `policykb import --endpoint` stages
its additions and sends them once, remote_writes.py) sends added triples to the store: to a
server in one request, N-Triples in a Graph Store protocol POST (or SPARQL Update INSERT DATA
where the server has no graph store), which the server applies as one transaction; to an
embedded Oxigraph in bulk loads. Added triples that would break the vocabulary are refused
before anything is sent. A read-only graph keeps triples the store lacks (the description of
a policy the server was not loaded with) in an in-process overlay that the vocabulary and the
facts see; `query` then says on stderr that the server does not know them.

Values stay exact: a literal is rebuilt from its lexical form and datatype, so an
xsd:decimal becomes a Fraction exactly as in process. The server's canonical forms differ
in spelling only ("25041000000"^^xsd:decimal for "25041000000.0"): `query` writes decimals
back in policykb's canonical form, so its answers read as the in-process ones.
"""

from __future__ import annotations

import ipaddress
import json
import pickle
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.term import Node

from policykb.errors import PolicyKBError
from policykb.memory import collector_paused
from policykb.progress import Progress, progress
from policykb.safe_write import atomic_write_bytes

from .facts_reader import Props, _FactsReader
from .namespaces import DCTERMS, PKB, PREFIXES, RDF, RDFS, XSD, T
from .records import ClusterFacts, ClusterRecord
from .sparql_nesting import check_nesting
from .store import KnowledgeGraph, QueryResult, Triple
from .turtle import new_graph
from .values import decimal_lexical
from .vocabulary_reader import VocabularyTerms, read_terms

Row = tuple  # of rdflib terms, None where a variable is unbound

# Batches: triples per bulk load of an embedded store, IRIs per VALUES block, triples per
# membership query.
UPLOAD_BATCH = 50_000
VALUES_BATCH = 2_000
MEMBER_BATCH = 500
DESCRIBE_AHEAD = 2_000  # members of a class listed by type: described at once up to this many
TIMEOUT = 1800.0  # seconds; a national-scale SELECT takes tens of seconds

_DECLARED = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.IGNORECASE)


def _prologue(declared_in: str = "") -> str:
    """PREFIX lines for policykb's predeclared prefixes the query does not declare itself."""
    own = {m.group(1) or "" for m in _DECLARED.finditer(declared_in)}
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p not in own)


def sparql_term(term: Node) -> str:
    """`term` in SPARQL (N-Triples) syntax; N-Triples is a subset of SPARQL's term syntax."""
    if isinstance(term, (Literal, URIRef)):
        return _nt_term(term)
    raise ValueError(f"a {type(term).__name__} cannot be named in a query")


_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _nt_iri(iri: str) -> str:
    if _BAD_IRI.search(iri):  # N-Triples names such characters by their code point
        iri = _BAD_IRI.sub(lambda m: f"\\u{ord(m.group()):04X}", iri)
    return f"<{iri}>"


def _nt_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return _nt_iri(term)
    if isinstance(term, Literal):
        lexical = str(term).translate(_NT_ESCAPES)
        if term.language:
            return f'"{lexical}"@{term.language}'
        if term.datatype is not None and term.datatype != XSD.string:
            return f'"{lexical}"^^{_nt_iri(term.datatype)}'
        return f'"{lexical}"'
    if isinstance(term, BNode):
        return f"_:{term}"
    raise ValueError(f"cannot write a {type(term).__name__} in N-Triples")


def nt_lines(triples: Iterable[Triple]) -> Iterator[str]:
    """N-Triples lines; terms that recur (predicates, classes, clusters, years, sources) are
    written once and remembered."""
    cache: dict[Node, str] = {}
    for s, p, o in triples:
        parts = []
        for term in (s, p, o):
            text = cache.get(term)
            if text is None:
                text = _nt_term(term)
                if len(cache) > 100_000:
                    cache.clear()
                cache[term] = text
            parts.append(text)
        yield f"{parts[0]} {parts[1]} {parts[2]} .\n"


# ------------------------------------------------------------------ terms from results
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?\d*\.\d+")
_DOUBLE = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+")
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_SIMPLE_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text

    def one(match: re.Match) -> str:
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE_ESCAPES.get(code, code)

    return _ESCAPE.sub(one, text)


def parse_tsv_term(cell: str) -> Node | None:
    """One cell of SPARQL TSV results (Turtle term syntax, numbers and booleans bare)."""
    if not cell:
        return None
    first = cell[0]
    if first == "<":
        return URIRef(_unescape(cell[1:-1]))
    if first == '"':
        end = cell.rfind('"')
        lexical = _unescape(cell[1:end])
        rest = cell[end + 1:]
        if not rest:
            return Literal(lexical)
        if rest[0] == "@":
            return Literal(lexical, lang=rest[1:])
        return Literal(lexical, datatype=URIRef(_unescape(rest[3:-1])))
    if cell.startswith("_:"):
        return BNode(cell[2:])
    if cell in ("true", "false"):
        return Literal(cell, datatype=XSD.boolean)
    if _INTEGER.fullmatch(cell):
        return Literal(cell, datatype=XSD.integer)
    if _DECIMAL.fullmatch(cell):
        return Literal(cell, datatype=XSD.decimal)
    if _DOUBLE.fullmatch(cell):
        return Literal(cell, datatype=XSD.double)
    raise PolicyKBError.single(f"cannot read the term {cell[:80]!r} in the SPARQL endpoint's answer",
                               hint="policykb reads plain RDF terms (no RDF-star triple terms)")


def parse_json_term(value: dict) -> Node:
    kind = value.get("type")
    text = value.get("value", "")
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    if "xml:lang" in value:
        return Literal(text, lang=value["xml:lang"])
    if "datatype" in value:
        return Literal(text, datatype=URIRef(value["datatype"]))
    return Literal(text)


def policykb_spelling(term: Node | None) -> Node | None:
    """A server's canonical xsd:decimal ("25041000000") in policykb's canonical spelling
    ("25041000000.0", what the CSV importer and rdflib's Turtle writer produce)."""
    if isinstance(term, Literal) and term.datatype == XSD.decimal:
        try:
            return Literal(decimal_lexical(Fraction(Decimal(str(term)))), datatype=XSD.decimal)
        except (InvalidOperation, ValueError):
            return term
    return term


# ------------------------------------------------------------------ back ends
class Backend:
    """What a SparqlGraph asks of a SPARQL store."""

    label = "SPARQL store"

    def select(self, query: str) -> tuple[list[str], Iterator[Row]]:
        raise NotImplementedError

    def ask(self, query: str) -> bool:
        raise NotImplementedError

    def construct(self, query: str) -> Graph:
        raise NotImplementedError

    def insert(self, triples: Sequence[Triple], progress: Progress | None = None) -> None:
        raise NotImplementedError

    def flush(self) -> None:
        """Make written triples durable (a server does that itself)."""

    def close(self) -> None:
        """Release the store."""

    # -- derived ----------------------------------------------------------------------
    def count(self) -> int:
        _, rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(next(iter(rows))[0])

    def is_empty(self) -> bool:
        return not self.ask("ASK { ?s ?p ?o }")

    def triples(self, pattern: tuple[Node | None, Node | None, Node | None]) -> Iterator[Triple]:
        """Triples matching one pattern (None = any)."""
        if any(isinstance(t, BNode) for t in pattern):
            return iter(())  # a blank node of the store cannot be named in a query
        names = ("?s", "?p", "?o")
        where = " ".join(sparql_term(t) if t is not None else n for t, n in zip(pattern, names))
        wanted = [n for t, n in zip(pattern, names) if t is None]
        if not wanted:
            return iter([pattern]) if self.ask(f"ASK {{ {where} }}") else iter(())  # type: ignore[list-item]
        _, rows = self.select(f"SELECT {' '.join(wanted)} WHERE {{ {where} }}")

        def build() -> Iterator[Triple]:
            for row in rows:
                values = iter(row)
                yield tuple(t if t is not None else next(values) for t in pattern)  # type: ignore[misc]

        return build()

    def present(self, triples: Sequence[Triple]) -> set[int]:
        """Indexes of the `triples` the store holds (a few queries of VALUES blocks)."""
        found: set[int] = set()
        for start in range(0, len(triples), MEMBER_BATCH):
            rows = []
            for i, triple in enumerate(triples[start:start + MEMBER_BATCH], start):
                if any(isinstance(t, BNode) for t in triple):
                    continue  # never the same node as the store's: not present
                rows.append(f"({i} {' '.join(sparql_term(t) for t in triple)})")
            if rows:
                _, result = self.select("SELECT ?i WHERE { VALUES (?i ?s ?p ?o) { " + " ".join(rows)
                                        + " } ?s ?p ?o }")
                found.update(int(row[0]) for row in result)
        return found


def _batches(triples: Sequence[Triple], size: int) -> Iterator[list[Triple]]:
    """Batches of `triples`; every triple with a blank node goes in the last one, so each
    blank node stays one node (a label means one node within one document only)."""
    plain, blank = [], []
    for triple in triples:
        (blank if isinstance(triple[0], BNode) or isinstance(triple[2], BNode) else plain).append(triple)
    for start in range(0, len(plain), size):
        yield plain[start:start + size]
    if blank:
        yield blank


class HttpBackend(Backend):
    """A SPARQL 1.1 server over HTTP, with the standard library only.

    URL is the server (`http://127.0.0.1:7878`, Oxigraph's /query, /update and /store) or
    its query endpoint (`.../query`; updates then go to `.../update`, uploads to `.../store`),
    or any other SPARQL endpoint (`.../sparql`: queries and updates both go there).
    """

    def __init__(self, url: str, timeout: float = TIMEOUT) -> None:
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise PolicyKBError.single(f"'{url}' is not an http(s) URL", file="--endpoint",
                                       expected="a SPARQL endpoint such as http://127.0.0.1:7878/query")
        self.url, self.timeout, self.label = url, timeout, url
        path = parsed.path.rstrip("/")
        base = urllib.parse.urlunsplit((parsed.scheme, parsed.netloc, "", "", ""))
        if path in ("", "/query") or path.endswith("/query"):
            root = base + (path[: -len("/query")] if path.endswith("/query") else path)
            self.query_url, self.update_url = root + "/query", root + "/update"
            self.store_url: str | None = root + "/store?default"
        else:
            self.query_url = self.update_url = urllib.parse.urlunsplit(parsed)
            self.store_url = None
        host = parsed.hostname or ""
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        # A proxy from the environment must not see requests to this machine's own server.
        handlers = [urllib.request.ProxyHandler({})] if loopback else []
        self._opener = urllib.request.build_opener(*handlers)

    # -- HTTP -------------------------------------------------------------------------
    def _post(self, url: str, body: bytes, content_type: str, accept: str = "*/*"):
        request = urllib.request.Request(url, data=body, method="POST",
                                         headers={"Content-Type": content_type, "Accept": accept})
        try:
            return self._opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            detail = exc.read(4000).decode("utf-8", errors="replace").strip()
            raise _HttpError(exc.code, f"the SPARQL endpoint answered {exc.code} {exc.reason}"
                                       + (f": {detail}" if detail else ""), self.label) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise PolicyKBError.single(
                f"cannot reach the SPARQL endpoint: {reason}", file=self.label,
                hint="is the server running? e.g. `oxigraph serve --location DIR --bind 127.0.0.1:7878`") from None

    def _query(self, query: str, accept: str):
        body = (_prologue(query) + query).encode("utf-8")
        return self._post(self.query_url, body, "application/sparql-query; charset=utf-8", accept)

    # -- Backend ------------------------------------------------------------------------
    def select(self, query: str) -> tuple[list[str], Iterator[Row]]:
        response = self._query(query, "text/tab-separated-values, application/sparql-results+json;q=0.5")
        if "json" in (response.headers.get("Content-Type") or ""):  # a server that does not write TSV
            with response:
                answer = json.loads(response.read().decode("utf-8"))
            names = answer["head"].get("vars", [])
            return names, iter([tuple(parse_json_term(b[n]) if n in b else None for n in names)
                                for b in answer["results"]["bindings"]])
        header = response.readline().decode("utf-8").rstrip("\r\n")
        names = [v[1:] for v in header.split("\t")] if header else []

        def rows() -> Iterator[Row]:
            cache: dict[str, Node | None] = {}
            with response:
                for raw in response:
                    line = raw.decode("utf-8").rstrip("\r\n")
                    if not line and len(names) != 1:
                        continue
                    row = []
                    for cell in line.split("\t"):
                        term = cache.get(cell)
                        if term is None and cell:
                            term = parse_tsv_term(cell)
                            if len(cache) > 200_000:
                                cache.clear()
                            cache[cell] = term
                        row.append(term)
                    yield tuple(row)

        return names, rows()

    def ask(self, query: str) -> bool:
        with self._query(query, "application/sparql-results+json") as response:
            return bool(json.loads(response.read().decode("utf-8"))["boolean"])

    def construct(self, query: str) -> Graph:
        with self._query(query, "application/n-triples") as response:
            data = response.read().decode("utf-8")
        graph = Graph()
        graph.parse(data=data, format="nt")
        return graph

    def insert(self, triples: Sequence[Triple], progress: Progress | None = None) -> None:
        """Send `triples` in one request, which the server applies as one transaction
        (remote_writes.upload: a request cut off half-way is reported with what to check)."""
        from .remote_writes import upload

        upload(self, triples, progress)


class _HttpError(PolicyKBError):
    def __init__(self, code: int, message: str, url: str) -> None:
        from policykb.errors import Diagnostic

        self.code = code
        super().__init__([Diagnostic(message, file=url)])


def _pyoxigraph():
    try:
        import pyoxigraph
    except ImportError:
        raise PolicyKBError.single("--store needs the pyoxigraph package",
                                   hint="install it with `pip install 'policykb[server]'`") from None
    return pyoxigraph


class OxigraphBackend(Backend):
    """Oxigraph embedded (pyoxigraph): on disk at `path`, or in memory when `path` is None."""

    def __init__(self, path: Path | None = None, read_only: bool = False) -> None:
        ox = self.ox = _pyoxigraph()
        self.path, self.label = path, str(path) if path is not None else "in-memory Oxigraph store"
        try:
            if path is None:
                self.store = ox.Store()
            elif read_only:
                self.store = ox.Store.read_only(str(path))
            else:
                self.store = ox.Store(str(path))
        except OSError as exc:
            raise PolicyKBError.single(f"cannot open the Oxigraph store: {exc}", file=str(path),
                                       hint="one process at a time may write a store folder") from None
        self.read_only = read_only
        self._prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
        self._lit_cache: dict = {}

    def _term(self, term) -> Node | None:
        ox = self.ox
        if term is None:
            return None
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.Literal):
            cached = self._lit_cache.get(term)
            if cached is not None:
                return cached
            if term.language:
                lit = Literal(term.value, lang=term.language)
            else:
                datatype = term.datatype.value
                lit = Literal(term.value) if datatype == _XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
            if len(self._lit_cache) > 200_000:
                self._lit_cache.clear()
            self._lit_cache[term] = lit
            return lit
        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        raise PolicyKBError.single(f"cannot read the term {term} of the Oxigraph store",
                                   hint="policykb reads plain RDF terms (no RDF-star triple terms)")

    def _ox(self, term: Node):
        ox = self.ox
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, BNode):
            return ox.BlankNode(str(term))
        if term.language:  # type: ignore[union-attr]
            return ox.Literal(str(term), language=term.language)  # type: ignore[union-attr]
        datatype = term.datatype  # type: ignore[union-attr]
        return ox.Literal(str(term), datatype=ox.NamedNode(str(datatype))) if datatype else ox.Literal(str(term))

    def _run(self, query: str):
        try:
            return self.store.query(query, prefixes=self._prefixes)
        except SyntaxError as exc:
            raise PolicyKBError.single(f"the Oxigraph store refused the query: {exc}", file="<query>") from None

    def select(self, query: str) -> tuple[list[str], Iterator[Row]]:
        solutions = self._run(query)
        names = [v.value for v in solutions.variables]
        term, width = self._term, range(len(names))
        return names, (tuple(term(solution[i]) for i in width) for solution in solutions)

    def ask(self, query: str) -> bool:
        return bool(self._run(query))

    def construct(self, query: str) -> Graph:
        graph = Graph()
        for triple in self._run(query):
            graph.add((self._term(triple.subject), self._term(triple.predicate), self._term(triple.object)))
        return graph

    def triples(self, pattern):
        s, p, o = (self._ox(t) if t is not None else None for t in pattern)
        term = self._term
        return ((term(q.subject), term(q.predicate), term(q.object))
                for q in self.store.quads_for_pattern(s, p, o, self.ox.DefaultGraph()))

    def count(self) -> int:
        return len(self.store)

    def is_empty(self) -> bool:  # len(store) counts every quad
        return next(iter(self.store.quads_for_pattern(None, None, None, None)), None) is None

    def insert(self, triples: Sequence[Triple], progress: Progress | None = None) -> None:
        for batch in _batches(triples, UPLOAD_BATCH):
            body = "".join(nt_lines(batch)).encode("utf-8")
            try:
                self.store.bulk_load(body, self.ox.RdfFormat.N_TRIPLES)
            except SyntaxError as exc:
                raise PolicyKBError.single(f"the Oxigraph store refused a triple: {exc}", file=self.label,
                                           hint="IRIs must be valid (no spaces or <>\"{}|^`\\)") from None
            if progress is not None:
                progress.update(len(batch))

    def flush(self) -> None:
        if not self.read_only:
            self.store.flush()

    def close(self) -> None:
        self.flush()
        self.store = None  # type: ignore[assignment]  # the last reference: RocksDB closes


_XSD_STRING = str(XSD.string)


# ------------------------------------------------------------------ rdflib view
class _ReadThrough(SimpleMemory):
    """An rdflib store answering triple patterns from local graphs and a back end.

    Read only: additions go through SparqlGraph. Answers from the back end are cached per
    pattern until the graph changes (a command asks the same few patterns many times)."""

    def __init__(self, backend: Backend | None, local: Sequence[Graph]) -> None:
        super().__init__()
        self.backend, self.local = backend, list(local)
        self._cache: dict = {}
        self._described: dict[Node, list[tuple[Node, Node]]] = {}

    def clear_cache(self) -> None:
        self._cache.clear()
        self._described.clear()

    def triples(self, pattern, context=None):  # type: ignore[override]
        seen: set | None = None
        for graph in self.local:
            for triple in graph.triples(pattern):
                seen = seen if seen is not None else set()
                seen.add(triple)
                yield triple, iter(())
        if self.backend is None:
            return
        for triple in self._from_backend(tuple(pattern)):
            if seen is None or triple not in seen:
                yield triple, iter(())

    def _from_backend(self, pattern: tuple) -> list[Triple]:
        """Lookups by subject read the subject's whole description once (a node's few
        properties are read one after the other); a small class's members are described
        in one query when they are listed."""
        s, p, o = pattern
        if s is not None and not isinstance(s, BNode) and (p is None or o is None):
            if s not in self._described:
                if len(self._described) > 100_000:
                    self._described.clear()
                self._describe([s])
            return [(s, pp, oo) for pp, oo in self._described[s] if (p is None or pp == p) and (o is None or oo == o)]
        if s is not None and p is not None and o is not None:  # a membership test
            if s in self._described:
                return [pattern] if (p, o) in self._described[s] else []
            return list(self.backend.triples(pattern))  # type: ignore[union-attr]
        found = self._cache.get(pattern)
        if found is None:
            found = list(self.backend.triples(pattern))  # type: ignore[union-attr]
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[pattern] = found
            if s is None and p == RDF.type and o is not None and len(found) <= DESCRIBE_AHEAD:
                self._describe([t[0] for t in found if isinstance(t[0], URIRef) and t[0] not in self._described])
        return found

    def _describe(self, subjects: Sequence[URIRef]) -> None:
        for start in range(0, len(subjects), VALUES_BATCH):
            chunk = subjects[start:start + VALUES_BATCH]
            for subject in chunk:
                self._described[subject] = []
            _, rows = self.backend.select(  # type: ignore[union-attr]
                "SELECT ?s ?p ?o WHERE { VALUES ?s { " + " ".join(f"<{x}>" for x in chunk) + " } ?s ?p ?o }")
            for subject, prop, value in rows:
                self._described[subject].append((prop, value))

    def __len__(self, context=None) -> int:  # type: ignore[override]
        local = sum(len(g) for g in self.local)
        return local + (self.backend.count() if self.backend is not None else 0)

    def add(self, triple, context=None, quoted=False):  # type: ignore[override]
        raise TypeError("a SPARQL store graph is changed through KnowledgeGraph.add_* only")

    def addN(self, quads):  # type: ignore[override]
        raise TypeError("a SPARQL store graph is changed through KnowledgeGraph.add_* only")

    def remove(self, pattern, context=None):  # type: ignore[override]
        raise TypeError("a SPARQL store graph is changed through KnowledgeGraph.add_* only")


def _union(backend: Backend | None, *local: Graph) -> Graph:
    return Graph(store=_ReadThrough(backend, local))


# ------------------------------------------------------------------ record queries
_VOCABULARY_CLASSES = (PKB.Indicator, PKB.Unit, PKB.Title, PKB.IncidentKind, PKB.Severity, PKB.Dimension)
_VOCABULARY = """SELECT ?s ?p ?o WHERE {
  { VALUES ?class { pkb:Indicator pkb:Unit pkb:Title pkb:IncidentKind pkb:Severity pkb:Dimension }
    ?s a ?class }
  UNION { ?x pkb:dimension ?s }
  ?s ?p ?o }"""

_CLUSTERS = """SELECT ?c ?id ?label ?synthetic ?province ?county ?industry ?source ?record WHERE {
  %(values)s?c a pkb:Cluster .
  OPTIONAL { ?c dcterms:identifier ?id }
  OPTIONAL { ?c rdfs:label ?label }
  OPTIONAL { ?c pkb:synthetic ?synthetic }
  OPTIONAL { ?c pkb:province ?province }
  OPTIONAL { ?c pkb:county ?county }
  OPTIONAL { ?c pkb:leadingIndustry ?industry }
  OPTIONAL { ?c prov:hadPrimarySource ?source }
  OPTIONAL { ?c pkb:record ?record } }"""

# Each record kind: its class, the classes read before it (a node of two kinds is read as
# the first, as in facts_reader), the columns and the property each column holds (year,
# source and record come with every kind).
_KINDS = (
    ("observation", "qb:Observation", (), ()),
    ("incident", "pkb:Incident", ("qb:Observation",),
     (("kind", "pkb:incidentKind"), ("severity", "pkb:severity"), ("description", "dcterms:description"))),
    ("enterprise", "pkb:Enterprise", ("qb:Observation", "pkb:Incident"),
     (("id", "dcterms:identifier"), ("label", "rdfs:label"), ("leading", "pkb:inLeadingIndustry"),
      ("title", "pkb:holdsTitle"))),
    ("assessment", "pkb:Assessment", ("qb:Observation", "pkb:Incident", "pkb:Enterprise"),
     (("criterion", "pkb:assessesCriterion"), ("result", "pkb:result"), ("assessor", "pkb:assessor"),
      ("date", "dcterms:date"))),
    ("complete", "pkb:CompletenessDeclaration",
     ("qb:Observation", "pkb:Incident", "pkb:Enterprise", "pkb:Assessment"), (("recordKind", "pkb:recordKind"),)),
)


def _record_head(cls: str, values: str) -> str:
    """The records of class `cls` and their clusters. Oxigraph joins in the order written:
    from the class for every cluster, from the clusters for a few (VALUES)."""
    # (That ?c is a pkb:Cluster is checked by the reader: one join less per record.)
    if values:
        return f"{values}?s pkb:cluster ?c ; a {cls} ."
    return f"?s a {cls} ; pkb:cluster ?c ."


def _kind_query(name: str, cls: str, before: Sequence[str], columns, values: str) -> str:
    # Only flat OPTIONALs on ?s: Oxigraph evaluates a nested OPTIONAL on its own, i.e. over
    # every triple of the store.
    lines = [_record_head(cls, values)]
    if before:
        lines.append(f"FILTER NOT EXISTS {{ VALUES ?other {{ {' '.join(before)} }} ?s a ?other }}")
    if name == "observation":  # well-formed ones; _RowReader finds any other (see malformed)
        lines.append("?s qb:measureType ?measure . ?s ?measure ?value .")
        columns, extra = (), ["?measure", "?value"]
    else:
        extra = []
    lines += [f"OPTIONAL {{ ?s {prop} ?{col} }}" for col, prop in (*columns, *_PROVENANCE)]
    names = ["?s", "?c", *extra, *(f"?{col}" for col, _ in (*columns, *_PROVENANCE))]
    return f"SELECT {' '.join(names)} WHERE {{\n  " + "\n  ".join(lines) + " }"


_PROVENANCE = (("year", "pkb:year"), ("source", "prov:hadPrimarySource"), ("record", "pkb:record"))


def _observation_count(values: str) -> str:
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ {_record_head('qb:Observation', values)} }}"


def _malformed_observations(values: str) -> str:
    return (f"SELECT ?s ?c WHERE {{ {_record_head('qb:Observation', values)} "
            "FILTER NOT EXISTS { ?s qb:measureType ?m . ?s ?m ?v } }")


# Labels of sources and regions: the typed ones at once (CSV import types them); any other
# node's labels are asked for when a record names it.
_LABELS_ALL = """SELECT ?n ?label WHERE {
  VALUES ?type { prov:Entity pkb:Province pkb:County } ?n a ?type ; rdfs:label ?label }"""

_LABELS_OF = """SELECT DISTINCT ?n ?label WHERE {
  { %(values)s ?c prov:hadPrimarySource|pkb:province|pkb:county ?n }
  UNION { %(values)s ?x pkb:cluster ?c ; prov:hadPrimarySource ?n }
  ?n rdfs:label ?label }"""


_PROPS = {
    "measure": T.measure_type, "year": T.year, "source": T.source, "record": T.record,
    "kind": PKB.incidentKind, "severity": PKB.severity, "description": DCTERMS.description,
    "id": DCTERMS.identifier, "label": RDFS.label, "leading": PKB.inLeadingIndustry, "title": PKB.holdsTitle,
    "criterion": PKB.assessesCriterion, "result": PKB.result, "assessor": PKB.assessor, "date": DCTERMS.date,
    "recordKind": PKB.recordKind, "synthetic": PKB.synthetic, "province": PKB.province, "county": PKB.county,
    "industry": PKB.leadingIndustry,
}


def _values(iris: Sequence[URIRef] | None) -> str:
    return "" if iris is None else "VALUES ?c { " + " ".join(f"<{i}>" for i in iris) + " }\n  "


def _add_props(props: Props, names: Sequence[str], row: Row, skip: int = 0) -> None:
    """Add the row's bound values to `props` (each value once per property, in row order)."""
    for name, value in zip(names[skip:], row[skip:]):
        prop = _PROPS.get(name)
        if value is None or prop is None:
            continue
        have = props.get(prop)
        if have is None:
            props[prop] = [value]
        elif value not in have:
            have.append(value)


class _RowReader(_FactsReader):
    """The facts reader's record builders over rows of the record queries.

    `graph` holds the few triples the builders look up beyond the record's own properties
    (labels of sources and regions, criterion and policy ids of assessments)."""

    def __init__(self, backend: Backend, terms: VocabularyTerms, overlay: Graph) -> None:
        self.aux = new_graph()
        super().__init__(_union(None, self.aux, overlay), terms)
        self.backend = backend
        self.labels: dict[Node, list[Literal]] = defaultdict(list)
        self.ids: dict[Node, str] = {}  # cluster IRI -> id
        self.seen: dict[str, set] = {}  # (record, cluster) pairs read, per kind

    def label(self, node: Node | None, prefer: str = "zh") -> str | None:
        if node is None:
            return None
        if (node, prefer) not in self._labels:
            if node not in self.labels and isinstance(node, URIRef):  # not prefetched: ask
                _, rows = self.backend.select(f"SELECT ?label WHERE {{ <{node}> rdfs:label ?label }}")
                self.labels[node] = [label for (label,) in rows if isinstance(label, Literal)]
            found = self.labels.get(node) or [lit for lit in self.graph.objects(node, RDFS.label)
                                              if isinstance(lit, Literal)]
            ranked = sorted(found, key=lambda lit: (lit.language != prefer, lit.language is not None, str(lit)))
            self._labels[node, prefer] = str(ranked[0]) if ranked else str(node)
        return self._labels[node, prefer]

    def read_all(self, chunks: Sequence[Sequence[URIRef] | None]) -> ClusterFacts:
        out: dict[type, list] = defaultdict(list)
        ids = self.ids
        for chunk in chunks:
            self.read_labels(chunk)
            for cluster, props in self.cluster_props(chunk).items():
                record = self.cluster(cluster, props)  # type: ignore[arg-type]
                ids[cluster] = record.id
                out[ClusterRecord].append(record)
            values = _values(chunk)
            for name, cls, before, columns in _KINDS:
                self.read_kind(name, _kind_query(name, cls, before, columns, values), ids, out)
            self.read_malformed_observations(values, ids, out)
        return self.collect(out)

    def read_labels(self, chunk: Sequence[URIRef] | None) -> None:
        query = _LABELS_ALL if chunk is None else _LABELS_OF % {"values": _values(chunk)}
        _, rows = self.backend.select(query)
        for node, label in rows:
            if isinstance(label, Literal) and label not in self.labels[node]:
                self.labels[node].append(label)

    def cluster_props(self, chunk: Sequence[URIRef] | None) -> dict[Node, Props]:
        names, rows = self.backend.select(_CLUSTERS % {"values": _values(chunk)})
        found: dict[Node, Props] = {}
        for row in rows:
            props = found.get(row[0])
            if props is None:
                props = found[row[0]] = {}
            _add_props(props, names, row, skip=1)
        return found

    def read_kind(self, name: str, query: str, ids: dict[Node, str], out: dict[type, list]) -> None:
        names, rows = self.backend.select(query)
        rows = progress(rows, label=f"reading {name} records from {self.backend.label}", unit="rows")
        handler = getattr(self, name if name != "complete" else "completeness")
        if name in ("enterprise", "assessment"):
            # Enterprises: several rows each (titles), all needed. Assessments: the ids of
            # their criteria and policies are read first. Both are few.
            grouped: dict[tuple, Props] = {}
            for row in rows:
                key = (row[0], row[1])
                props = grouped.get(key)
                if props is None:
                    props = grouped[key] = {}
                _add_props(props, names, row, skip=2)
            if name == "assessment":
                self.criteria_and_policies([p[PKB.assessesCriterion][0] for p in grouped.values()
                                            if PKB.assessesCriterion in p])
            for (subject, cluster), props in grouped.items():
                if cluster in ids:
                    self._emit(handler(subject, props, ids[cluster]), out)
            return
        seen = self.seen.setdefault(name, set())
        observation = name == "observation"
        year, source, record = T.year, T.source, T.record
        for row in rows:
            key = (row[0], row[1])
            if key in seen:
                continue  # a property with two values: the first, as the facts reader's _one
            seen.add(key)
            if row[1] not in ids:
                continue  # pkb:cluster names no pkb:Cluster: not a record of a cluster
            if observation:  # ?s ?c ?measure ?value ?year ?source ?record
                props: Props = {T.measure_type: [row[2]], row[2]: [row[3]]}
                if row[4] is not None:
                    props[year] = [row[4]]
                if row[5] is not None:
                    props[source] = [row[5]]
                if row[6] is not None:
                    props[record] = [row[6]]
            else:
                props = {}
                _add_props(props, names, row, skip=2)
            self._emit(handler(row[0], props, ids[row[1]]), out)

    def read_malformed_observations(self, values: str, ids: dict[Node, str], out: dict[type, list]) -> None:
        """Observations without a measure type or a value are not in the rows of the
        observation query; when the count says there are some, they are read in full and
        reported as the facts reader reports them."""
        seen = self.seen.get("observation", set())
        _, rows = self.backend.select(_observation_count(values))
        if int(next(iter(rows))[0]) == len(seen):
            return
        _, rows = self.backend.select(_malformed_observations(values))
        malformed = [(s, c) for s, c in rows if (s, c) not in seen]
        subjects = list(dict.fromkeys(s for s, _ in malformed if isinstance(s, URIRef)))
        described: dict[Node, Props] = defaultdict(dict)
        for start in range(0, len(subjects), VALUES_BATCH):
            chunk = " ".join(f"<{x}>" for x in subjects[start:start + VALUES_BATCH])
            _, found = self.backend.select(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {chunk} }} ?s ?p ?o }}")
            for subject, prop, value in found:
                described[subject].setdefault(prop, []).append(value)
        for subject, cluster in malformed:
            if cluster in ids:
                self._emit(self.observation(subject, described.get(subject, {}), ids[cluster]), out)

    def criteria_and_policies(self, criteria: Sequence[Node]) -> None:
        """The ids of assessed criteria and of their policies, for the assessment builder."""
        nodes = [c for c in dict.fromkeys(criteria) if isinstance(c, URIRef)]
        for _ in range(2):  # the criteria, then their policies
            if not nodes:
                return
            _, rows = self.backend.select(
                "SELECT ?s ?p ?o WHERE { VALUES ?s { " + " ".join(f"<{n}>" for n in nodes) + " } "
                "VALUES ?p { dcterms:identifier pkb:ofPolicy } ?s ?p ?o }")
            policies = []
            for triple in rows:
                self.aux.add(triple)
                if triple[1] == PKB.ofPolicy and isinstance(triple[2], URIRef):
                    policies.append(triple[2])
            nodes = list(dict.fromkeys(policies))

    @staticmethod
    def _emit(item, out: dict[type, list]) -> None:
        if item is not None:
            out[type(item)].append(item)


# ------------------------------------------------------------------ the graph
class SparqlGraph(KnowledgeGraph):
    """A KnowledgeGraph whose triples are in a SPARQL store (see the module docstring)."""

    def __init__(self, backend: Backend, *, writable: bool = False, snapshot: Path | None = None) -> None:
        self.backend, self.writable = backend, writable
        self.snapshot = snapshot  # a file keeping every cluster's facts (a --store folder's)
        self._overlay = new_graph()  # added in this process, not in the store (read-only graphs)
        self._vocabulary_triples: tuple[int, Graph] | None = None
        self._facts: tuple[int, ClusterFacts, dict[Node, str]] | None = None
        self._empty: bool | None = None
        super().__init__(_union(backend, self._overlay))

    # -- changes ----------------------------------------------------------------------
    def _add(self, triples: Sequence[Triple]) -> int:
        triples = list(triples)
        if self.writable:
            with Progress(len(triples), f"sending triples to {self.backend.label}", unit="triples") as bar:
                self.backend.insert(triples, bar)
            self._empty = False if triples else self._empty
        else:
            self._overlay.addN((s, p, o, self._overlay) for s, p, o in triples)
        self.mark_changed()
        return len(triples)

    def add_graph(self, graph: Graph) -> int:
        """Add the triples of `graph` the store does not hold yet. The vocabulary they would
        make (the store's vocabulary and these triples) is read first: triples that break it
        are refused before any is sent or kept. Returns how many were added."""
        candidates = [t for t in graph if t not in self._overlay]
        if candidates and not self.store_is_empty():
            held = self.backend.present(candidates)
            candidates = [t for i, t in enumerate(candidates) if i not in held]
        if candidates:
            self._check_vocabulary(graph)
        return self._add(candidates)

    def _check_vocabulary(self, added: Graph) -> None:
        """Raise VocabularyError when the vocabulary with the triples of `added` would be
        broken: the terms read from the store's vocabulary triples, the overlay, `added`, and
        what the store says about the nodes `added` makes vocabulary terms (the triples the
        vocabulary query would read once they are in the store). Triples of `added` the store
        holds already change nothing."""
        self.vocabulary_graph()  # the store's vocabulary triples, read once per change
        fetched = self._vocabulary_triples[1]  # type: ignore[index]
        nodes = {s for cls in _VOCABULARY_CLASSES for s in added.subjects(RDF.type, cls)}
        nodes |= set(added.objects(None, PKB.dimension))
        missing = sorted(n for n in nodes if isinstance(n, URIRef) and (n, None, None) not in fetched)
        described = new_graph()
        for start in range(0, len(missing) if not self.store_is_empty() else 0, VALUES_BATCH):
            values = " ".join(sparql_term(n) for n in missing[start:start + VALUES_BATCH])
            _, rows = self.backend.select(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}")
            described.addN((s, p, o, described) for s, p, o in rows)
        read_terms(_union(None, fetched, self._overlay, added, described))

    def add_data(self, path: Path) -> int:
        if not self.writable:
            raise PolicyKBError.single(
                "a data folder is not added to a graph held in a SPARQL store", file=str(path),
                hint=f"load it into the server once with `policykb import {path} --endpoint URL`")
        return super().add_data(path)

    def use_backend(self, backend: Backend, *, writable: bool) -> None:
        """Go on with another back end on the same triples (a store folder reopened read-only)."""
        self.backend, self.writable = backend, writable
        self._graph.store.backend = backend  # type: ignore[attr-defined]
        self.mark_changed()

    def mark_changed(self) -> None:
        super().mark_changed()
        store = self._graph.store
        if isinstance(store, _ReadThrough):
            store.clear_cache()

    def store_is_empty(self) -> bool:
        if self._empty is None:
            self._empty = self.backend.is_empty()
        return self._empty

    @property
    def overlay_size(self) -> int:
        """Triples this process added that the store does not hold (read-only graphs)."""
        return len(self._overlay)

    def flush(self) -> None:
        self.backend.flush()

    def close(self) -> None:
        self.backend.close()

    # -- reading ------------------------------------------------------------------------
    def __len__(self) -> int:
        return self.backend.count() + len(self._overlay)

    def vocabulary_graph(self) -> Graph:
        """The vocabulary's triples (one SELECT, cached until the graph changes) and the overlay."""
        if self._vocabulary_triples is None or self._vocabulary_triples[0] != self._version:
            fetched = new_graph()
            _, rows = self.backend.select(_VOCABULARY)
            fetched.addN((s, p, o, fetched) for s, p, o in rows)
            self._vocabulary_triples = (self._version, fetched)
        return _union(None, self._vocabulary_triples[1], self._overlay)

    def terms(self) -> VocabularyTerms:
        if self._terms is None or self._terms[0] != self._version:
            self._terms = (self._version, read_terms(self.vocabulary_graph()))
        return self._terms[1]

    def _cluster_index(self) -> dict[str, URIRef]:
        if self._clusters is None or self._clusters[0] != self._version:
            _, rows = self.backend.select("SELECT ?c ?id WHERE { ?c a pkb:Cluster OPTIONAL { ?c dcterms:identifier ?id } }")
            index: dict[str, URIRef] = {}
            for cluster, identifier in rows:
                index.setdefault(str(identifier if identifier is not None else cluster), cluster)
            for cluster in self._overlay.subjects(RDF.type, PKB.Cluster):
                index.setdefault(str(self._overlay.value(cluster, DCTERMS.identifier) or cluster), cluster)  # type: ignore[arg-type]
            self._clusters = (self._version, dict(sorted(index.items())))
        return self._clusters[1]

    def _resolve(self, cluster_ids: Iterable[str]) -> list[URIRef]:
        """Ids to IRIs; a few ids are looked up directly, so `check` does not list every cluster."""
        wanted = list(dict.fromkeys(cluster_ids))
        if (self._clusters is not None and self._clusters[0] == self._version) or len(wanted) > 200 \
                or (None, RDF.type, PKB.Cluster) in self._overlay:
            return super()._resolve(wanted)
        values = " ".join(sparql_term(Literal(cid)) for cid in wanted)
        _, rows = self.backend.select(f"SELECT ?id ?c WHERE {{ VALUES ?id {{ {values} }} "
                                      f"?c dcterms:identifier ?id ; a pkb:Cluster }}")
        found: dict[str, list[URIRef]] = defaultdict(list)
        for identifier, cluster in rows:
            found[str(identifier)].append(cluster)
        if any(len(found.get(cid, ())) != 1 for cid in wanted):
            return super()._resolve(wanted)  # unknown, or ambiguous: the full index decides
        return [found[cid][0] for cid in wanted]

    def clusters(self) -> tuple[ClusterRecord, ...]:
        return self._read_clusters(None)

    def cluster(self, cluster_id: str) -> ClusterRecord:
        return self._read_clusters(self._resolve([cluster_id]))[0]

    def _read_clusters(self, iris: Sequence[URIRef] | None) -> tuple[ClusterRecord, ...]:
        reader = _RowReader(self.backend, self.terms(), self._overlay)
        by_iri: dict[Node, ClusterRecord] = {}
        for chunk in _chunks(iris):
            reader.read_labels(chunk)
            for cluster, props in reader.cluster_props(chunk).items():
                by_iri[cluster] = reader.cluster(cluster, props)  # type: ignore[arg-type]
        reader.raise_problems()
        if iris is None:
            return tuple(sorted(by_iri.values(), key=lambda r: r.id))
        return tuple(by_iri[iri] for iri in iris)

    def facts(self, clusters: Iterable[str] | None = None) -> ClusterFacts:
        """The engine's facts: one query per record kind (all clusters), or per kind and
        batch of clusters. Every cluster's facts are kept until the graph changes: a
        command asks for them more than once (engine, explanations)."""
        if clusters is None:
            if self._facts is None or self._facts[0] != self._version:
                self._facts = (self._version, *self._all_facts())
            return self._facts[1]
        iris = self._resolve(clusters)
        if self._facts is not None and self._facts[0] == self._version:
            ids = self._facts[2]
            return _subset(self._facts[1], {ids[iri] for iri in iris if iri in ids})
        return self._read_facts(iris)[0]

    def _all_facts(self) -> tuple[ClusterFacts, dict[Node, str]]:
        """Every cluster's facts; from the snapshot file when there is one (a store folder
        is read-only once built, so its facts never change), else read and kept there."""
        use_snapshot = self.snapshot is not None and not len(self._overlay) and not self.writable
        if use_snapshot and self.snapshot.is_file():  # type: ignore[union-attr]
            with collector_paused():
                try:
                    with open(self.snapshot, "rb") as handle:  # type: ignore[arg-type]
                        shape, facts, ids = pickle.load(handle)
                    if shape == _records_shape():
                        return facts, {URIRef(iri): cid for iri, cid in ids.items()}
                except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
                    pass  # unreadable: read the store again
        facts, ids = self._read_facts(None)
        if use_snapshot:
            try:
                blob = pickle.dumps((_records_shape(), facts, {str(iri): cid for iri, cid in ids.items()}), protocol=5)
                atomic_write_bytes(self.snapshot, blob)  # type: ignore[arg-type]
            except PolicyKBError:
                pass  # a store folder we may not write: no snapshot, the answer is the same
        return facts, ids

    def _read_facts(self, iris: Sequence[URIRef] | None) -> tuple[ClusterFacts, dict[Node, str]]:
        if len(self._overlay) and any(True for _ in self._overlay.triples((None, T.cluster, None))):
            raise PolicyKBError.single("records added in this process are not in the SPARQL store",
                                       file=self.backend.label,
                                       hint="load data into the server with `policykb import DIR --endpoint URL`")
        reader = _RowReader(self.backend, self.terms(), self._overlay)
        with collector_paused():  # hundreds of thousands of records, no cycles among them
            return reader.read_all(list(_chunks(iris))), reader.ids

    # -- SPARQL -------------------------------------------------------------------------
    def query(self, sparql: str) -> QueryResult:
        """Forward a SELECT, ASK, CONSTRUCT or DESCRIBE query to the store. It is first run
        in process over an empty graph, so a bad query fails exactly as it does in process."""
        check_nesting(sparql, "<query>")  # before rdflib's parser recurses
        kind = KnowledgeGraph(new_graph()).query(sparql).kind
        if len(self._overlay):
            print(f"note: {len(self._overlay)} triples loaded in this process (policy descriptions or declared "
                  f"vocabulary) are not in {self.backend.label}; the query does not see them. Load them with "
                  f"`policykb import --endpoint URL`.", file=sys.stderr)
        text = sparql  # the back end declares policykb's prefixes the query does not
        if kind == "SELECT":
            names, rows = self.backend.select(text)
            return QueryResult("SELECT", tuple(names), tuple(tuple(policykb_spelling(t) for t in row) for row in rows))
        if kind == "ASK":
            return QueryResult("ASK", answer=self.backend.ask(text))
        graph = Graph()
        for s, p, o in self.backend.construct(text):
            graph.add((s, p, policykb_spelling(o)))
        return QueryResult(kind, graph=graph)

    def update(self, sparql: str) -> tuple[int, int]:
        raise PolicyKBError.single(
            "a SPARQL Update is not applied to a graph in a SPARQL store", file=self.backend.label,
            hint="`query --update` changes an in-memory graph; without --endpoint and --store it works on the "
                 "kb files (send changes to a server with its own /update endpoint)")


def _records_shape() -> list:
    """The fields of the record classes: a snapshot of facts written by other code is not read."""
    from dataclasses import fields

    from . import records

    classes = (records.ClusterFacts, records.ClusterRecord, records.Observation, records.EnterpriseRecord,
               records.IncidentRecord, records.CompleteRecord, records.AssessmentRecord, records.Provenance)
    return [(cls.__name__, [(f.name, str(f.type)) for f in fields(cls)]) for cls in classes]


def _chunks(iris: Sequence[URIRef] | None) -> Iterator[Sequence[URIRef] | None]:
    if iris is None:
        yield None
        return
    for start in range(0, len(iris), VALUES_BATCH):
        yield iris[start:start + VALUES_BATCH]


def _subset(facts: ClusterFacts, ids: set[str]) -> ClusterFacts:
    keep: Callable = lambda records: tuple(r for r in records if r.cluster in ids)  # noqa: E731
    return ClusterFacts(tuple(c for c in facts.clusters if c.id in ids), keep(facts.observations),
                        keep(facts.enterprises), keep(facts.incidents), keep(facts.complete_records),
                        keep(facts.assessments))


# ------------------------------------------------------------------ opening
def open_endpoint(url: str, *, kb: Path | str | None = None, writable: bool = False) -> SparqlGraph:
    """The graph of the SPARQL server at `url`. A writable graph whose server is empty
    starts with the kb folder (default: the shipped one): `policykb import --endpoint`."""
    graph = SparqlGraph(HttpBackend(url), writable=writable)
    _start(graph, kb, writable)
    return graph


def _start(graph: SparqlGraph, kb: Path | str | None, writable: bool) -> None:
    if writable and graph.store_is_empty():
        # The kb is read and checked in process first, exactly as `KnowledgeGraph.open` checks
        # it (the folder, every file's syntax, ill-typed literals, the vocabulary): a kb that
        # is refused sends nothing, and the server stays empty.
        seed = KnowledgeGraph.open(kb=kb)
        graph._add(list(seed.graph))
    if not graph.vocabulary().indicators:  # a broken vocabulary is reported when the graph is opened
        raise PolicyKBError.single(
            "the graph in the store declares no indicator: it holds no policykb kb", file=graph.backend.label,
            hint="load one into an empty server with `policykb import [DIR] --endpoint URL [--kb KBDIR]`")
