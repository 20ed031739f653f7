"""`policykb query` is read-only: a SPARQL Update is refused with a clear message unless
--update is given; with --update it changes the graph in memory only, and files are
written only to an explicit --into."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from policykb.cli import main
from policykb.errors import PolicyKBError
from policykb.graph.store import KnowledgeGraph, sparql_update_operations

DATA = Path(__file__).resolve().parents[1] / "cli" / "data"

UPDATES = {
    "INSERT DATA": "INSERT DATA { pkb:x pkb:y pkb:z }",
    "DELETE DATA": 'DELETE DATA { pkb:x pkb:y "z" }',
    "DELETE WHERE": "DELETE WHERE { ?c a pkb:Cluster }",
    "DELETE/INSERT": "DELETE { ?c a pkb:Cluster } INSERT { ?c a pkb:Other } WHERE { ?c a pkb:Cluster }",
    "LOAD": "LOAD <file:///etc/passwd>",
    "CLEAR": "CLEAR DEFAULT",
    "DROP": "DROP ALL",
    "CREATE": "CREATE GRAPH <http://example.org/g>",
    "ADD": "ADD DEFAULT TO <http://example.org/g>",
    "MOVE": "MOVE DEFAULT TO <http://example.org/g>",
    "COPY": "COPY DEFAULT TO <http://example.org/g>",
}


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def kb(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("kb") / "kb"
    assert main(["import", str(DATA), "--into", str(folder)]) == 0
    return folder


@pytest.mark.parametrize("operation", list(UPDATES))
def test_an_update_is_refused_by_query(kb, capsys, operation):
    before = digest(kb)
    capsys.readouterr()
    assert main(["query", "--kb", str(kb), UPDATES[operation]]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"<query>: error: SPARQL Update ({operation}) is not run: a query only reads the graph. "
                          "Expected a SELECT, ASK, CONSTRUCT or DESCRIBE query."), err
    assert "--update" in err
    assert digest(kb) == before


def test_several_operations_are_named(kb, capsys):
    assert main(["query", "--kb", str(kb), "CLEAR DEFAULT ; INSERT DATA { pkb:a pkb:b pkb:c }"]) == 1
    assert "SPARQL Update (CLEAR, INSERT DATA) is not run" in capsys.readouterr().err


def test_queries_and_bad_text_are_told_apart():
    assert sparql_update_operations("SELECT * WHERE { ?s ?p ?o }") == []
    assert sparql_update_operations("SELEKT nothing") == []
    assert sparql_update_operations("") == []  # rdflib parses "" as an update of no operation
    assert sparql_update_operations("PREFIX ex: <http://e/> INSERT DATA { ex:a ex:b ex:c }") == ["INSERT DATA"]


def test_the_library_refuses_too_and_the_graph_is_unchanged():
    graph = KnowledgeGraph.open()
    before = set(graph.graph)
    for text in UPDATES.values():
        with pytest.raises(PolicyKBError, match=r"SPARQL Update \(.*\) is not run"):
            graph.query(text)
    assert set(graph.graph) == before


def test_with_update_the_graph_in_memory_changes_and_no_file_does(kb, capsys):
    before = digest(kb)
    capsys.readouterr()
    assert main(["query", "--kb", str(kb), "--format", "json", "SELECT ?c WHERE { ?c pkb:synthetic true }"]) == 0
    synthetic = len(json.loads(capsys.readouterr().out)["results"]["bindings"])
    assert synthetic >= 2
    assert main(["query", "--kb", str(kb), "--update", "DELETE WHERE { ?c pkb:synthetic true }"]) == 0
    out = capsys.readouterr().out
    assert out == (f"SPARQL Update (DELETE WHERE) applied to the graph in memory: 0 triples added, {synthetic} "
                   "removed.\n"
                   "Nothing was saved: the kb files are unchanged (add --into KBDIR to write the updated graph).\n")
    assert digest(kb) == before
    assert main(["query", "--kb", str(kb), "--update", "--format", "json", UPDATES["INSERT DATA"]]) == 0
    assert json.loads(capsys.readouterr().out) == {"update": ["INSERT DATA"], "added": 1, "removed": 0,
                                                   "written": None}
    assert digest(kb) == before
    # The shipped kb too: nothing is written anywhere without --into.
    assert main(["query", "--update", "CLEAR DEFAULT"]) == 0
    assert "Nothing was saved" in capsys.readouterr().out


def test_with_update_and_into_the_result_is_written(kb, tmp_path, capsys):
    target = tmp_path / "edited"
    before = digest(kb)
    assert main(["query", "--kb", str(kb), "--update", "--into", str(target),
                 'INSERT DATA { <https://w3id.org/policykb/id/cluster/syn-good> pkb:note "edited" }']) == 0
    assert f"The updated graph was written to {target / 'knowledge-graph.ttl'}." in capsys.readouterr().out
    assert digest(kb) == before
    assert main(["query", "--kb", str(target), "--format", "json",
                 'SELECT ?n WHERE { ?c pkb:note ?n }']) == 0
    assert json.loads(capsys.readouterr().out)["results"]["bindings"] == [{"n": {"type": "literal",
                                                                                 "value": "edited"}}]


def test_into_without_an_update_is_refused(kb, tmp_path, capsys):
    assert main(["query", "--kb", str(kb), "--into", str(tmp_path / "x"), "SELECT * WHERE { ?s ?p ?o }"]) == 1
    assert "--into writes the result of a SPARQL Update given with --update" in capsys.readouterr().err
    assert main(["query", "--update", "--into", str(tmp_path / "x"), "SELECT * WHERE { ?s ?p ?o } LIMIT 1"]) == 1
    assert not (tmp_path / "x").exists()


def test_a_failing_update_leaves_the_graph_as_it_was():
    graph = KnowledgeGraph.open()
    before = set(graph.graph)
    with pytest.raises(PolicyKBError, match="SPARQL update failed"):
        graph.update("DROP ALL")  # rdflib wants a dataset for this
    with pytest.raises(PolicyKBError, match="SPARQL update failed"):
        graph.update("INSERT DATA { pkb:a pkb:b pkb:c } ; DROP ALL")  # the first part is undone
    assert set(graph.graph) == before
    # An update that breaks the vocabulary is undone as well.
    with pytest.raises(PolicyKBError, match="indicator needs exactly one skos:notation"):
        graph.update('INSERT DATA { ind:total_output skos:notation "second" }')
    assert set(graph.graph) == before


def test_update_counts_are_exact():
    graph = KnowledgeGraph.open()
    size = len(graph)
    assert graph.update("INSERT DATA { pkb:a pkb:b pkb:c . pkb:a pkb:b pkb:d }") == (2, 0)
    assert graph.update("DELETE { pkb:a pkb:b pkb:c } INSERT { pkb:a pkb:b pkb:e } WHERE { }") == (1, 1)
    assert graph.update("DELETE WHERE { pkb:a ?p ?o }") == (0, 2)
    assert len(graph) == size
    assert graph.query("ASK { pkb:a ?p ?o }").answer is False
