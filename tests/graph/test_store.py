"""KnowledgeGraph: opening, cluster lookup, SPARQL, writing Turtle, versioning."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal

from policykb.errors import PolicyKBError
from policykb.graph.namespaces import DCTERMS, PKB, RDF, criterion_iri, indicator_iri, policy_iri
from policykb.graph.store import GRAPH_FILE, KnowledgeGraph
from policykb.graph.values import decimal_literal

from .conftest import DATA, diagnostics, snapshot


def test_cluster_lookup(kg):
    record = kg.cluster("ha-changyuan-cranes")
    assert (record.name_zh, record.province, record.county) == ("长垣市门桥式起重机械产业集群", "河南省", "长垣市")
    assert record.synthetic is False


def test_an_unknown_cluster_suggests_the_closest_ids(kg):
    with pytest.raises(PolicyKBError) as excinfo:
        kg.cluster("ha-changyuan-crane")
    [problem] = diagnostics(excinfo)
    assert problem.message == "unknown cluster 'ha-changyuan-crane'"
    assert problem.hint.startswith("Did you mean 'ha-changyuan-cranes'")
    with pytest.raises(PolicyKBError, match="unknown cluster 'nope'"):
        kg.facts(["js-xinwu-mems-sensors", "nope"])


def test_clusters_are_sorted_records(kg):
    records = kg.clusters()
    assert [r.id for r in records] == sorted(r.id for r in records) == kg.cluster_ids()


def test_facts_of_some_clusters_hold_only_their_records(kg):
    facts = kg.facts(["js-wujiang-imitation-fibre"])
    assert [c.id for c in facts.clusters] == ["js-wujiang-imitation-fibre"]
    assert {o.cluster for o in facts.observations} == {"js-wujiang-imitation-fibre"}


def test_data_version_moves_on_every_change(kg):
    version = kg.data_version
    kg.add_csv_folder(DATA / "valid")
    assert kg.data_version > version
    version = kg.data_version
    kg.facts()
    kg.query("ASK { ?s ?p ?o }")
    assert kg.data_version == version  # reading changes nothing


def test_select_ask_construct(kg):
    select = kg.query("SELECT ?id WHERE { ?c a pkb:Cluster ; dcterms:identifier ?id ; pkb:county ?k . "
                      "?k rdfs:label '长垣市'@zh } ORDER BY ?id")
    assert select.kind == "SELECT" and select.variables == ("id",)
    assert [str(r[0]) for r in select.rows] == ["ha-changyuan-cranes", "ha-changyuan-medical-devices"]
    ask = kg.query("ASK { cluster:js-changshu-fluorine-materials qb:measureType ?m }")
    assert (ask.kind, ask.answer) == ("ASK", False)
    construct = kg.query("CONSTRUCT { ?c pkb:county ?k } WHERE { ?c pkb:county ?k }")
    assert construct.kind == "CONSTRUCT" and len(construct.graph) == 25


def test_a_sparql_syntax_error_is_located(kg):
    with pytest.raises(PolicyKBError) as excinfo:
        kg.query("SELECT ?x WHERE {\n  ?x ?y \n}")
    [problem] = diagnostics(excinfo)
    assert (problem.file, problem.line, problem.column) == ("<query>", 2, 3)  # where `?x ?y` stops
    assert problem.message.startswith("SPARQL syntax error")


def test_updates_and_unknown_prefixes_are_refused(kg):
    before = snapshot(kg)
    with pytest.raises(PolicyKBError) as excinfo:
        kg.query("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert "only SELECT, ASK, CONSTRUCT and DESCRIBE" in diagnostics(excinfo)[0].hint
    with pytest.raises(PolicyKBError) as excinfo:
        kg.query("SELECT ?x WHERE { ?x foo:bar ?y }")
    assert "Unknown namespace prefix" in diagnostics(excinfo)[0].message
    assert "pkb:" in diagnostics(excinfo)[0].hint
    assert snapshot(kg) == before


@pytest.mark.parametrize("pretty", [True, False])
def test_write_turtle_round_trips_to_an_equal_graph(kg, tmp_path: Path, pretty):
    kg.add_csv_folder(DATA / "valid")
    target = kg.write_turtle(tmp_path / "out", pretty=pretty)
    assert target == tmp_path / "out" / GRAPH_FILE
    assert [p.name for p in (tmp_path / "out").iterdir()] == [GRAPH_FILE]  # no temporary file left
    again = KnowledgeGraph.open(kb=tmp_path / "out")
    assert set(again.graph) == set(kg.graph)
    assert again.facts() == kg.facts()
    assert again.vocabulary() == kg.vocabulary()


def test_write_turtle_overwrites_its_own_file_but_not_a_foreign_one(kg, tmp_path: Path):
    kg.write_turtle(tmp_path)
    kg.write_turtle(tmp_path)  # its own file: replaced
    (tmp_path / "other.ttl").write_text("", encoding="utf-8")
    before = (tmp_path / GRAPH_FILE).read_bytes()
    with pytest.raises(PolicyKBError, match="already holds other Turtle files"):
        kg.write_turtle(tmp_path)
    assert (tmp_path / GRAPH_FILE).read_bytes() == before


def test_write_turtle_failure_leaves_no_partial_file(kg, tmp_path: Path, monkeypatch):
    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(Graph, "serialize", explode)
    with pytest.raises(OSError):
        kg.write_turtle(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_add_triples_describes_a_policy(kg):
    policy, criterion = policy_iri("test-policy"), criterion_iri("test-policy", "output")
    added = kg.add_triples([
        (policy, RDF.type, PKB.Policy), (policy, DCTERMS.identifier, Literal("test-policy")),
        (policy, PKB.hasCriterion, criterion), (criterion, RDF.type, PKB.Criterion),
        (criterion, PKB.kind, PKB.hard), (criterion, PKB.requiresIndicator, indicator_iri("total_output")),
        (criterion, PKB.operator, PKB.ge), (criterion, PKB.threshold, decimal_literal(4_000_000_000)),
        (criterion, PKB.sourceText, Literal("近三年产值均在40亿元以上", lang="zh")),
    ])
    assert added == 9
    rows = kg.query("SELECT ?name ?t WHERE { ?c a pkb:Criterion ; pkb:requiresIndicator ?i ; pkb:threshold ?t . "
                    "?i skos:notation ?name }").rows
    assert [(str(n), t.toPython()) for n, t in rows] == [("total_output", 4_000_000_000)]


def test_add_graph_that_breaks_the_vocabulary_is_undone(kg):
    broken = Graph()
    broken.add((indicator_iri("total_output"), PKB.perYear, Literal(False)))  # a second, contradicting flag
    before = snapshot(kg)
    with pytest.raises(PolicyKBError) as excinfo:
        kg.add_graph(broken)
    assert "has 2 different values for" in diagnostics(excinfo)[0].message
    assert snapshot(kg) == before
    assert kg.vocabulary().indicators["total_output"].per_year is True


def test_open_dispatches_data_paths(tmp_path: Path):
    kg = KnowledgeGraph.open(data=[DATA / "valid", DATA / "extra-vocabulary" / "indicator.ttl"])
    assert "t-alpha" in kg.cluster_ids() and "export_share" in kg.vocabulary().indicators
    with pytest.raises(PolicyKBError, match="a CSV file is not a data folder"):
        KnowledgeGraph.open(data=[DATA / "valid" / "clusters.csv"])
    with pytest.raises(PolicyKBError, match="holds no CSV file and no Turtle file"):
        KnowledgeGraph.open(data=[tmp_path])
    with pytest.raises(PolicyKBError, match="data path does not exist"):
        KnowledgeGraph.open(data=[tmp_path / "missing.ttl"])


def test_one_data_path_may_be_given_bare():
    assert "t-alpha" in KnowledgeGraph.open(data=str(DATA / "valid")).cluster_ids()


def test_an_unknown_store_is_an_error_not_a_traceback():
    with pytest.raises(PolicyKBError, match="cannot create rdflib store 'NoSuchStore'"):
        KnowledgeGraph.open(store="NoSuchStore")


def test_the_default_store_can_be_swapped():
    kg = KnowledgeGraph.open(store="Memory")  # rdflib's context-aware store
    assert type(kg.graph.store).__name__ == "Memory"
    assert "js-xinwu-mems-sensors" in kg.cluster_ids()


def test_malformed_turtle_data_is_reported_by_facts(kg, tmp_path: Path):
    (tmp_path / "bad.ttl").write_text("""
        @prefix pkb: <https://w3id.org/policykb/ns#> .
        @prefix qb: <http://purl.org/linked-data/cube#> .
        @prefix ind: <https://w3id.org/policykb/id/indicator/> .
        @prefix cluster: <https://w3id.org/policykb/id/cluster/> .
        <https://example.org/synthetic/o1> a qb:Observation ; pkb:cluster cluster:ha-changyuan-cranes ;
            qb:measureType ind:total_output ; ind:total_output 0.5e10 ; pkb:year 2022 .
        """, encoding="utf-8")
    kg.add_turtle(tmp_path / "bad.ttl")
    with pytest.raises(PolicyKBError) as excinfo:
        kg.facts(["ha-changyuan-cranes"])
    assert "not an xsd:decimal" in diagnostics(excinfo)[0].message  # a double is refused, not rounded
