"""Writing to a SPARQL server, all or nothing (`policykb import --endpoint URL`).

An import is staged in process and sent once: `open_staged` opens the server's graph with
additions kept in an in-process overlay (the kb, when the server is empty; the vocabulary
declared by policies; the --data paths; the policies' description; the imported folder), each
checked as in process (CSV rows, every file's syntax, the vocabulary), then `validate_staged`
checks the SHACL shapes over what the server would hold, and only then `commit` sends the
overlay. Bad input sends nothing.

`upload` sends triples in ONE request, N-Triples in a Graph Store Protocol POST to the default
graph (or one SPARQL Update INSERT DATA where the server has no graph store). Oxigraph applies
such a request as one transaction (its /store POST loads without `no_transaction` in a
transaction; the SPARQL 1.1 Update spec asks the same of an update request), so a request cut
off half-way (the server goes away) leaves the server as it was, or, if the whole request
arrived, with all of it: the error says so and names one sent triple to ASK for. The body is
written to a temporary file first (in memory up to SPOOL_BYTES), so a large import is not held
twice in memory, and it is sent with its Content-Length.
"""

from __future__ import annotations

import io
import tempfile
import urllib.error
import urllib.request
from itertools import islice
from pathlib import Path
from typing import Sequence

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from policykb.errors import PolicyKBError
from policykb.memory import collector_paused
from policykb.progress import Progress

from .namespaces import DCTERMS, PKB, RDF
from .remote import (MEMBER_BATCH, VALUES_BATCH, HttpBackend, SparqlGraph, _HttpError, _start, _union,
                     _VOCABULARY, nt_lines, policykb_spelling, sparql_term)
from .store import KnowledgeGraph, Triple
from .turtle import new_graph
from .validation import PKBSH

SPOOL_BYTES = 64 * 1024 * 1024  # an upload body is kept in memory up to this size, then on disk
_LINES_PER_WRITE = 10_000


# ------------------------------------------------------------------ one request
def upload(backend: HttpBackend, triples: Sequence[Triple], progress: Progress | None = None) -> None:
    """Send `triples` to the server's default graph in one request (see the module docstring)."""
    if not triples:
        return
    probe = _new_triple(backend, triples)
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        lines: list[str] = []
        for line in nt_lines(triples):
            lines.append(line)
            if len(lines) >= _LINES_PER_WRITE:
                spool.write("".join(lines).encode("utf-8"))
                lines.clear()
        spool.write("".join(lines).encode("utf-8"))
        size = spool.tell()
        spool.seek(0)
        if _has_graph_store(backend):
            url, content_type, parts = backend.store_url, "application/n-triples", [spool]
        else:
            url, content_type = backend.update_url, "application/sparql-update; charset=utf-8"
            parts = [io.BytesIO(b"INSERT DATA {\n"), spool, io.BytesIO(b"}")]
            size += len(b"INSERT DATA {\n}")
        body = _Body(parts, size, progress, len(triples))
        request = urllib.request.Request(url, data=body, method="POST",  # type: ignore[arg-type]
                                         headers={"Content-Type": content_type, "Content-Length": str(size)})
        try:
            backend._opener.open(request, timeout=backend.timeout).close()
        except urllib.error.HTTPError as exc:  # the server refused the request: it wrote none of it
            detail = exc.read(4000).decode("utf-8", errors="replace").strip()
            raise _HttpError(exc.code, f"the SPARQL endpoint refused {len(triples):,} triples (nothing of them was "
                                       f"written): it answered {exc.code} {exc.reason}"
                                       + (f": {detail}" if detail else ""), backend.label) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if body.sent == 0:  # nothing went out: the server was not reached
                raise PolicyKBError.single(
                    f"cannot reach the SPARQL endpoint: {reason}; nothing was sent", file=backend.label,
                    hint="is the server running? e.g. `oxigraph serve --location DIR --bind 127.0.0.1:7878`") from None
            raise _broken_off(backend, len(triples), probe, reason) from None


def _has_graph_store(backend: HttpBackend) -> bool:
    """Whether the server takes Graph Store Protocol uploads (an empty POST to its store: a
    transaction that adds nothing); else uploads are SPARQL Update INSERT DATA."""
    if backend.store_url is None:
        return False
    try:
        backend._post(backend.store_url, b"", "application/n-triples").close()
    except _HttpError as exc:
        if exc.code not in (404, 405, 415):
            raise
        backend.store_url = None
    return backend.store_url is not None


def _new_triple(backend: HttpBackend, triples: Sequence[Triple]) -> Triple | None:
    """A triple of `triples` the server does not hold yet, all IRIs (so it can be quoted in a
    shell command): asked for after an upload broke off, it says whether the upload went in."""
    named = list(islice((t for t in triples if all(isinstance(term, URIRef) for term in t)), MEMBER_BATCH))
    if not named:
        return None
    held = backend.present(named)
    return next((t for i, t in enumerate(named) if i not in held), None)


def _broken_off(backend: HttpBackend, count: int, probe: Triple | None, reason) -> PolicyKBError:
    """The error for an upload cut off half-way: what the server may hold, how to tell, what to do."""
    if probe is not None:
        ask = f"policykb query 'ASK {{ {' '.join(sparql_term(t) for t in probe)} }}' --endpoint {backend.url}"
        which = (f"`{ask}` says which (true: all of them). If it answers false, run the same import again once the "
                 "server is back; if true, the import is complete")
    else:
        which = (f"compare its number of triples (`policykb query 'SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }}' "
                 f"--endpoint {backend.url}`) with the number before the import: the same, run the same import again "
                 "once the server is back; otherwise the import is complete")
    return PolicyKBError.single(
        f"the connection to the SPARQL server broke while {count:,} triples were being sent to its default graph "
        f"in one request ({reason})", file=backend.label,
        hint="the server applies one request as one transaction, so it holds either none of these triples or, if it "
             f"received the whole request before the connection broke, all of them: {which}")


class _Body:
    """The request body: `parts` read one after the other, counting the bytes handed to the
    connection (and advancing `progress`, counted in triples)."""

    def __init__(self, parts: list, size: int, progress: Progress | None, triples: int) -> None:
        self.parts, self.size, self.progress, self.triples = parts, size, progress, triples
        self.sent = self._shown = 0

    def read(self, amount: int = -1) -> bytes:
        while self.parts:
            data = self.parts[0].read(amount)
            if data:
                self.sent += len(data)
                if self.progress is not None:
                    done = self.triples * self.sent // max(self.size, 1)
                    self.progress.update(done - self._shown)
                    self._shown = done
                return data
            self.parts.pop(0)
        return b""


# ------------------------------------------------------------------ a staged import
class StagedGraph(SparqlGraph):
    """The graph of a SPARQL server whose additions wait in process (the overlay), read
    together with the server's triples, until `commit()` sends them all in one request."""

    def __init__(self, backend: HttpBackend) -> None:
        super().__init__(backend, writable=True)  # writable: data folders may be added

    def _add(self, triples: Sequence[Triple]) -> int:
        triples = list(triples)
        self._overlay.addN((s, p, o, self._overlay) for s, p, o in triples)
        self.mark_changed()
        return len(triples)

    @property
    def staged(self) -> Graph:
        """The triples waiting to be sent."""
        return self._overlay

    def commit(self) -> int:
        """Send the staged triples in one request; returns how many were sent."""
        pending = list(self._overlay)
        if pending:
            with Progress(len(pending), f"sending triples to {self.backend.label}", unit="triples") as bar:
                upload(self.backend, pending, bar)  # type: ignore[arg-type]
            self._overlay.remove((None, None, None))
            self._empty = False
            self.mark_changed()
        return len(pending)


def open_staged(url: str, *, kb: Path | str | None = None) -> StagedGraph:
    """The graph of the server at `url` for an import: an empty server starts with the kb
    folder (default: the shipped one), read and checked in process and staged, not sent."""
    graph = StagedGraph(HttpBackend(url))
    _start(graph, kb, writable=True)
    return graph


# ------------------------------------------------------------------ the shapes, before sending
def validate_staged(graph: StagedGraph, files: Sequence[Path | str] = (), lang: str = "en"):
    """The SHACL validation of what the server would hold once the staged triples are sent.

    An empty server would hold only the staged triples: they are validated whole, as `import
    --into` validates its graph. Otherwise the clusters the staged triples are about are
    validated (as `validate --cluster` does), with what the server holds about them: their
    records, what those point to, clusters with the same id, the vocabulary and the shapes,
    read with a few queries."""
    from .validation import ValidationReport, validate

    staged = graph.staged
    if graph.store_is_empty():
        return validate(KnowledgeGraph(staged), files=files, lang=lang)
    touched = {s for s in staged.subjects(RDF.type, PKB.Cluster) if isinstance(s, URIRef)}
    touched |= {o for o in staged.objects(None, PKB.cluster) if isinstance(o, URIRef)}
    if not touched:
        return ValidationReport(clusters=())
    with collector_paused():
        context = _server_context(graph.backend, sorted(touched), staged)  # type: ignore[arg-type]
        local = KnowledgeGraph(_union(None, staged, context))
        rdf = local.graph
        ids = sorted({str(rdf.value(c, DCTERMS.identifier) or c) for c in touched if (c, RDF.type, PKB.Cluster) in rdf})
        return validate(local, clusters=ids, files=files, lang=lang)


# Predicates that lead from a shape to the nodes that make it up (as validation._STRUCTURE).
_STRUCTURE = "|".join(f"<{p}>" for p in (SH.property, SH.sparql, SH.prefixes, SH.declare, SH.node,
                                          SH.qualifiedValueShape, SH["not"], SH["and"], SH["or"], SH.xone,
                                          RDF.first, RDF.rest, SH.target))
_SHAPE_ROOTS = (f"VALUES ?type {{ <{SH.NodeShape}> <{SH.PropertyShape}> <{SH.SPARQLConstraint}> "
                f"<{PKBSH.IndicatorShapeTemplate}> }} ?shape a ?type .")
# The shapes and what makes them up: nodes reached by the structure predicates, and blank
# nodes (with their lists) reached by any other. (Each branch whole: a pattern outside the
# UNION would be evaluated over every triple of the store.)
_SHAPES = (f"SELECT ?s ?p ?o WHERE {{ {{ {_SHAPE_ROOTS} ?shape ({_STRUCTURE})* ?s . ?s ?p ?o }} UNION "
           f"{{ {_SHAPE_ROOTS} ?shape ({_STRUCTURE})* ?x . ?x ?via ?b FILTER(isBlank(?b)) ?b ({_STRUCTURE})* ?s . "
           "?s ?p ?o } }")


def _server_context(backend: HttpBackend, clusters: list[URIRef], staged: Graph) -> Graph:
    """What the server holds that validating `clusters` reads besides the staged triples (see
    validation._slice): the clusters and their records, one hop of what those point to, the
    clusters that share their ids, the vocabulary and the shapes."""
    context = new_graph()

    def add(query: str) -> None:  # decimals in policykb's spelling, so messages read as in process
        _, rows = backend.select(query)
        context.addN((s, p, policykb_spelling(o), context) for s, p, o in rows)

    add(_VOCABULARY)
    add(_SHAPES)
    for start in range(0, len(clusters), VALUES_BATCH):
        values = " ".join(sparql_term(c) for c in clusters[start:start + VALUES_BATCH])
        add(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}")
        add(f"SELECT ?s ?p ?o WHERE {{ VALUES ?c {{ {values} }} ?s pkb:cluster ?c . ?s ?p ?o }}")
    both = _union(None, staged, context)
    nodes = set(clusters)
    for cluster in clusters:
        nodes.update(both.subjects(PKB.cluster, cluster))
    pointed = sorted({o for node in nodes for o in both.objects(node, None)
                      if isinstance(o, URIRef) and o not in nodes and (o, None, None) not in context})
    for start in range(0, len(pointed), VALUES_BATCH):
        values = " ".join(sparql_term(n) for n in pointed[start:start + VALUES_BATCH])
        add(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}")
    ids = sorted({i for c in clusters for i in both.objects(c, DCTERMS.identifier)})
    for start in range(0, len(ids), VALUES_BATCH):
        values = " ".join(sparql_term(i) for i in ids[start:start + VALUES_BATCH])
        add(f"SELECT ?s ?p ?o WHERE {{ VALUES ?id {{ {values} }} ?s dcterms:identifier ?id ; ?p ?o "
            "FILTER(?p = rdf:type || (?p = dcterms:identifier && ?o = ?id)) }")
    return context
