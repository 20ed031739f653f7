"""`policykb import --endpoint URL` is all or nothing, as the import into a kb folder is: the kb
(an empty server first gets it), the --data paths and the imported folder are all read and
checked in process (CSV rows, the vocabulary, the SHACL shapes) before the first triple is
sent, and then they go to the server in one request, which Oxigraph applies as one
transaction. A refused import leaves the server exactly as it was: the same SPARQL COUNT.

Each test runs against a real `oxigraph serve` (tests/server/conftest.py)."""

from __future__ import annotations

import importlib.util
import json
import re
import socket
import textwrap
import urllib.request
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef

from policykb.cli import main
from policykb.graph.namespaces import PKB, RDF, SKOS
from policykb.graph.csv_import import import_csv_folder
from policykb.graph.remote import HttpBackend, SparqlGraph, nt_lines
from policykb.graph.store import KnowledgeGraph
from policykb.graph.synthetic import write_synthetic_folder
from policykb.graph.vocabulary_reader import VocabularyError

# The server fixtures' own module (tests/server has no package: load it by its path), for a
# server this file starts, stops and starts again on the same folder.
_spec = importlib.util.spec_from_file_location("server_fixtures", Path(__file__).with_name("conftest.py"))
server_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(server_fixtures)  # type: ignore[union-attr]

CLUSTERS = "id,name_zh,name_en,province,county,leading_industry,area_km2\n"
OBSERVATIONS = "cluster,indicator,year,value,unit,source\n"


def run(args: list[str], capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def count(url: str) -> int:
    """The number of triples in the server's default graph, asked over plain HTTP."""
    request = urllib.request.Request(
        url + "/query", data=b"SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", method="POST",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=60) as response:
        return int(json.loads(response.read())["results"]["bindings"][0]["n"]["value"])


def folder(tmp_path: Path, name: str, clusters: str, observations: str = "") -> Path:
    path = tmp_path / name
    path.mkdir()
    (path / "clusters.csv").write_text(CLUSTERS + textwrap.dedent(clusters), encoding="utf-8")
    if observations:
        (path / "observations.csv").write_text(OBSERVATIONS + textwrap.dedent(observations), encoding="utf-8")
    return path


def good_folder(tmp_path: Path, name: str, cluster: str) -> Path:
    return folder(tmp_path, name, f"{cluster},SYNTHETIC 好集群,SYNTHETIC good cluster,Jiangsu,某县,轴承,12\n",
                  f"{cluster},total_output,2022,40,亿元,test\n")


def bad_row_folder(tmp_path: Path, name: str, cluster: str) -> Path:
    """A folder the CSV importer refuses: an indicator the vocabulary does not declare."""
    return folder(tmp_path, name, f"{cluster},SYNTHETIC 坏集群,SYNTHETIC bad cluster,Jiangsu,某县,轴承,12\n",
                  f"{cluster},no_such_indicator,2022,40,亿元,test\n")


def invalid_folder(tmp_path: Path, name: str, cluster: str) -> Path:
    """A folder every row of which reads, but that breaks a SHACL shape: the SMEs' output is
    above the cluster's total output."""
    return folder(tmp_path, name, f"{cluster},SYNTHETIC 超额集群,SYNTHETIC over cluster,Jiangsu,某县,轴承,12\n",
                  f"{cluster},total_output,2022,40,亿元,test\n{cluster},sme_output,2022,50,亿元,test\n")


@pytest.fixture(scope="module")
def kb_server(tmp_path_factory):
    """A server holding the shipped kb and the policies' description (`import --endpoint`)."""
    root = tmp_path_factory.mktemp("all-or-nothing")
    with server_fixtures.OxigraphServer(root / "store") as server:
        assert main(["import", "--endpoint", server.url]) == 0
        yield server.url


# ------------------------------------------------------------------ an empty server
def test_a_refused_folder_leaves_an_empty_server_empty(empty_server, tmp_path, capsys):
    # The kb used to be sent first (the server was empty), then the folder was refused.
    bad = bad_row_folder(tmp_path, "bad", "syn-aon-1")
    status, out, err = run(["import", str(bad), "--endpoint", empty_server], capsys)
    assert (status, out) == (1, "")
    assert err.startswith(f"{bad / 'observations.csv'}:2:indicator: error: unknown indicator 'no_such_indicator'")
    assert count(empty_server) == 0


def sent_requests(monkeypatch) -> list[str]:
    """The URLs of every request sent from now on but a query (a list that fills up)."""
    sent: list[str] = []
    original = urllib.request.OpenerDirector.open

    def spying(self, request, *args, **kwargs):
        url = request if isinstance(request, str) else request.full_url
        if "/query" not in url:
            sent.append(url)
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", spying)
    return sent


def test_refused_data_leaves_an_empty_server_empty(empty_server, tmp_path, capsys):
    good = good_folder(tmp_path, "good", "syn-aon-2")
    bad = bad_row_folder(tmp_path, "bad", "syn-aon-3")
    status, out, err = run(["import", str(good), "--endpoint", empty_server, "--data", str(bad)], capsys)
    assert (status, out) == (1, "")
    assert err.startswith(f"{bad / 'observations.csv'}:2:indicator: error: unknown indicator 'no_such_indicator'")
    assert count(empty_server) == 0


def test_data_that_breaks_the_shapes_leaves_an_empty_server_empty(empty_server, tmp_path, capsys):
    invalid = invalid_folder(tmp_path, "invalid", "syn-aon-4")
    status, out, err = run(["import", str(invalid), "--endpoint", empty_server], capsys)
    assert (status, out) == (1, "")
    assert err.startswith(f"{invalid / 'observations.csv'}:3: error: observation/syn-aon-4/sme_output/2022: "
                          "SME output 5000000000.0 CNY")
    assert err.endswith(f"error: {invalid} not imported: the data breaks 1 rule(s) of the SHACL shapes; nothing "
                        f"was sent to {empty_server}. Correct the rows above, or give --allow-invalid to send the "
                        "data anyway.\n")
    assert count(empty_server) == 0


# ------------------------------------------------------------------ a server holding a kb
def test_a_refused_folder_does_not_send_the_data_given_with_it(kb_server, tmp_path, capsys):
    before = count(kb_server)
    good = good_folder(tmp_path, "good", "syn-aon-5")
    bad = bad_row_folder(tmp_path, "bad", "syn-aon-6")
    status, out, err = run(["import", str(bad), "--endpoint", kb_server, "--data", str(good)], capsys)
    assert (status, out) == (1, "")
    assert err.startswith(f"{bad / 'observations.csv'}:2:indicator: error: unknown indicator 'no_such_indicator'")
    assert count(kb_server) == before


def test_data_that_breaks_the_shapes_is_refused_unless_allowed(kb_server, tmp_path, capsys):
    before = count(kb_server)
    invalid = invalid_folder(tmp_path, "invalid", "syn-aon-7")
    status, out, err = run(["import", str(invalid), "--endpoint", kb_server], capsys)
    assert (status, out) == (1, "")
    assert err == (f"{invalid / 'observations.csv'}:3: error: observation/syn-aon-7/sme_output/2022: SME output "
                   "5000000000.0 CNY in 2022 is above the cluster's total output 4000000000.0 CNY that year "
                   f"({invalid / 'observations.csv'}:2): SMEs' output is part of the total, so its share cannot "
                   "exceed 100%. One of the two figures is wrong (unit, year or cluster): check both rows.\n"
                   f"error: {invalid} not imported: the data breaks 1 rule(s) of the SHACL shapes; nothing was sent "
                   f"to {kb_server}. Correct the rows above, or give --allow-invalid to send the data anyway.\n")
    assert count(kb_server) == before

    # --allow-invalid sends it, with the violation as a warning: exactly the folder's triples.
    expected = KnowledgeGraph.open().add_csv_folder(invalid)
    status, out, err = run(["import", str(invalid), "--endpoint", kb_server, "--allow-invalid"], capsys)
    assert status == 0 and out.startswith(f"imported {invalid}: {expected} triples; sent to {kb_server}")
    assert err.startswith(f"{invalid / 'observations.csv'}:3: warning: observation/syn-aon-7/sme_output/2022: ")
    assert f"warning: {kb_server} was sent data that breaks 1 rule(s) of the SHACL shapes (--allow-invalid)" in err
    assert count(kb_server) == before + expected


# ------------------------------------------------------------------ the vocabulary, before sending
def broken_unit(blank: bool) -> Graph:
    """A unit without its positive pkb:factor (a vocabulary error), with a blank node."""
    graph = Graph()
    unit = URIRef("https://w3id.org/policykb/id/unit/furlong-aon")
    graph.add((unit, RDF.type, PKB.Unit))
    graph.add((unit, SKOS.notation, Literal("furlong-aon")))
    graph.add((unit, PKB.dimension, PKB.AreaDimension))
    if blank:
        note = BNode()
        graph.add((unit, URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso"), note))
        graph.add((note, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("a note")))
    return graph


def test_add_graph_sends_nothing_that_breaks_the_vocabulary(kb_server, monkeypatch):
    """The vocabulary is checked before the triples go out: nothing is sent, so nothing has to
    be taken back (a blank node cannot be: DELETE DATA refuses blank nodes)."""
    before = count(kb_server)
    sent = sent_requests(monkeypatch)
    graph = SparqlGraph(HttpBackend(kb_server), writable=True)
    for blank in (False, True):
        with pytest.raises(VocabularyError) as caught:
            graph.add_graph(broken_unit(blank))
        assert "positive pkb:factor" in str(caught.value)
        assert sent == [] and count(kb_server) == before
    # The graph goes on as before: its vocabulary is the server's.
    assert "furlong-aon" not in graph.vocabulary().units


def test_import_of_turtle_data_with_a_broken_vocabulary_sends_nothing(kb_server, tmp_path, capsys):
    before = count(kb_server)
    data = tmp_path / "vocabulary-extra.ttl"
    data.write_text("@prefix pkb: <https://w3id.org/policykb/ns#> .\n"
                    "@prefix unit: <https://w3id.org/policykb/id/unit/> .\n"
                    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
                    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                    'unit:furlong-aon2 a pkb:Unit ; skos:notation "furlong-aon2" ; pkb:dimension pkb:AreaDimension ;\n'
                    '    rdfs:seeAlso [ rdfs:label "a note" ] .\n', encoding="utf-8")
    status, out, err = run(["import", "--endpoint", kb_server, "--data", str(data)], capsys)
    assert (status, out) == (1, "")
    assert err == (f"{data}:5:1: error: vocabulary term <https://w3id.org/policykb/id/unit/furlong-aon2>: unit "
                   "needs a positive pkb:factor. Expected an xsd:decimal such as 10000.0.\n")
    assert count(kb_server) == before


# ------------------------------------------------------------------ the server goes away
def test_a_server_that_goes_away_mid_upload_keeps_none_of_it(tmp_path, capsys, monkeypatch):
    """The import goes in one request: when the server dies while receiving it, it keeps none
    of it, and the message says what state the server may be in and what to do."""
    location = tmp_path / "store"
    data = write_synthetic_folder(tmp_path / "synthetic", 300, 11).folder  # about 75,000 triples
    local = KnowledgeGraph.open()
    triples = import_csv_folder(data, local.graph, local.terms())
    added = len(set(triples))
    assert added > 60_000  # more than one request of the 50,000 triples policykb used to send at once
    upload_bytes = sum(len(line.encode("utf-8")) for line in nt_lines(triples))
    with server_fixtures.OxigraphServer(location) as server:
        assert main(["import", "--endpoint", server.url]) == 0
        before = count(server.url)
        new = added - len(HttpBackend(server.url).present(list(set(triples))))  # a few are there already
        # Kill the server once nine tenths of the folder's triples have gone out (whatever the
        # requests they go in).
        sent = [0]
        original = socket.socket.sendall

        def sendall(self, data, *args):
            sent[0] += len(data)
            if sent[0] >= upload_bytes * 0.9 and server.process is not None and server.process.poll() is None:
                server.process.kill()
                server.process.wait(timeout=30)
            return original(self, data, *args)

        monkeypatch.setattr(socket.socket, "sendall", sendall)
        status, out, err = run(["import", str(data), "--endpoint", server.url], capsys)
        monkeypatch.undo()
        url = server.url
    assert (status, out) == (1, "")
    pattern = (re.escape(f"{url}: error: the connection to the SPARQL server broke while {added:,} triples were "
                         f"being sent to its default graph in one request (") + r"[^\n]+?" + re.escape(
        "). The server applies one request as one transaction, so it holds either none of these triples or, "
        "if it received the whole request before the connection broke, all of them: `policykb query 'ASK { ")
        + r"<[^>\n]+> <[^>\n]+> <[^>\n]+>" + re.escape(
        f" }}' --endpoint {url}` says which (true: all of them). If it answers false, run the same import again "
        "once the server is back; if true, the import is complete.\n"))
    assert re.fullmatch(pattern, err), err
    ask = re.search(r"`policykb query '(ASK [^']+)'", err).group(1)
    with server_fixtures.OxigraphServer(location) as again:
        assert count(again.url) == before
        # What the message says to do: the ASK answers false, and the same import goes in.
        assert run(["query", ask, "--endpoint", again.url], capsys) == (0, "false\n", "")
        status, out, err = run(["import", str(data), "--endpoint", again.url], capsys)
        assert status == 0, err
        assert count(again.url) == before + new
        assert run(["query", ask, "--endpoint", again.url], capsys) == (0, "true\n", "")


def test_without_a_graph_store_an_upload_is_one_insert_data(empty_server, monkeypatch):
    """A server with no Graph Store gets the triples as one SPARQL Update request (one
    transaction), not one request per 50,000 triples."""
    sent = sent_requests(monkeypatch)
    backend = HttpBackend(empty_server)
    backend.store_url = None  # as for a server whose endpoint is .../sparql
    predicate = URIRef("http://example.org/p")
    backend.insert([(URIRef(f"http://example.org/s{i}"), predicate, Literal(i)) for i in range(60_000)])
    assert sent == [empty_server + "/update"]
    assert count(empty_server) == 60_000
