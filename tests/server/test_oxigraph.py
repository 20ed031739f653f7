"""policykb against a real SPARQL 1.1 server: `oxigraph serve` (the pip package oxigraph, a
test dependency) on 127.0.0.1 at a free port, loaded with `policykb import --endpoint`.

Every command must print exactly the same with `--endpoint URL` as with the graph in
process (the shipped kb plus the same synthetic folder as --data): the server only holds the
graph; the facts it hands back, read with a few SELECT queries, must be the same records."""

from __future__ import annotations

import json
import urllib.request

import pytest

from policykb.cli import main
from policykb.graph.remote import HttpBackend, SparqlGraph
from policykb.knowledge_base import KnowledgeBase


def run(args: list[str], capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


QUERIES = [
    "SELECT ?policy ?criterion WHERE { ?c pkb:requiresIndicator ind:rd_expenditure ; dcterms:identifier ?criterion ;"
    " pkb:ofPolicy/dcterms:identifier ?policy } ORDER BY ?policy ?criterion",
    "SELECT ?o ?v ?y WHERE { ?o pkb:cluster cluster:syn-00001 ; qb:measureType ?m ; ?m ?v . "
    "OPTIONAL { ?o pkb:year ?y } } ORDER BY ?o",
    "SELECT (COUNT(*) AS ?n) WHERE { ?c a pkb:Cluster }",
    "SELECT ?c ?label WHERE { ?c a pkb:Cluster ; rdfs:label ?label FILTER(lang(?label) = 'zh') } ORDER BY ?c",
    "ASK { ?c a pkb:Cluster ; dcterms:identifier 'syn-00042' }",
]

COMMANDS = {
    "policies": ["policies"],
    "check-synthetic": ["check", "syn-00007", "--policy", "jiangsu-2023", "--as-of", "2024"],
    "check-real": ["check", "js-xinwu-mems-sensors", "--policy", "miit-2022", "--as-of", "2024"],
    "check-all": ["check", "syn-00012", "--all", "--as-of", "2025"],
    "check-what-if": ["check", "syn-00003", "--policy", "henan-2023", "--as-of", "2024",
                      "--set", "syn-00003.total_output[2023]=60亿元"],
    "screen-miit": ["screen", "--policy", "miit-2022", "--as-of", "2024"],
    "screen-henan": ["screen", "--policy", "henan-2023", "--as-of", "2025"],
    "screen-jiangsu": ["screen", "--policy", "jiangsu-2023", "--as-of", "2024"],
    "near-miss": ["screen", "--policy", "miit-2022", "--as-of", "2024", "--near-miss", "2"],
    "gap": ["gap", "syn-00005", "--policy", "miit-2022", "--as-of", "2024"],
    "sweep": ["sweep", "--policy", "miit-2022", "--criterion", "output", "--from", "30亿元", "--to", "50亿元",
              "--step", "5亿元", "--as-of", "2024"],
    "binding": ["binding", "--policy", "henan-2023", "--as-of", "2024"],
    "diff": ["diff", "miit-2022", "henan-2023", "--as-of", "2024"],
    "designations": ["designations"],
    "program": ["program", "--policy", "jiangsu-2023", "--as-of", "2024"],
    **{f"query-{i}": ["query", q] for i, q in enumerate(QUERIES)},
    "unknown-cluster": ["check", "syn-0007", "--policy", "miit-2022", "--as-of", "2024"],
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_same_json_with_the_server_as_in_process(name, loaded, capsys):
    url, data = loaded
    args = COMMANDS[name]
    fmt = ["--format", "text"] if name == "program" else ["--format", "json"]
    embedded = run(args + fmt + ["--data", str(data)], capsys)
    remote = run(args + fmt + ["--endpoint", url], capsys)
    assert remote == embedded
    if name != "unknown-cluster":
        assert embedded[0] == 0 and embedded[1], embedded[2]
        if fmt[1] == "json":
            json.loads(embedded[1])  # an answer, not an error message


@pytest.mark.parametrize("name", ["check-synthetic", "screen-henan", "gap", "query-0", "query-1"])
def test_same_text_with_the_server_as_in_process(name, loaded, capsys):
    url, data = loaded
    args = COMMANDS[name]
    assert run(args + ["--endpoint", url], capsys) == run(args + ["--data", str(data)], capsys)


def test_construct_reads_the_same_graph(loaded, capsys):
    url, data = loaded
    args = ["query", "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a pkb:Cluster ; rdfs:label ?l }"]
    assert run(args + ["--endpoint", url], capsys) == run(args + ["--data", str(data)], capsys)


def test_importing_the_same_folder_again_is_refused_as_in_process(loaded, capsys, tmp_path):
    url, data = loaded
    status, out, err = run(["import", str(data), "--endpoint", url], capsys)
    assert status == 1 and "already in the knowledge graph" in err
    status, out, err = run(["import", str(data), "--into", str(tmp_path / "kb"), "--data", str(data)], capsys)
    assert status == 1 and "already in the knowledge graph" in err


def test_the_facts_come_back_exact_and_equal(loaded):
    """The records themselves, not only what the commands print: every observation value is
    the same Fraction (xsd:decimal read from its lexical form, never through a float)."""
    url, data = loaded
    local = KnowledgeBase.open(data=[data])
    remote = KnowledgeBase.open(endpoint=url)
    assert isinstance(remote.graph, SparqlGraph)
    assert remote.graph.vocabulary() == local.graph.vocabulary()
    assert remote.graph.facts() == local.graph.facts()
    some = ["syn-00001", "js-xinwu-mems-sensors", "syn-00100"]
    assert remote.graph.facts(some) == local.graph.facts(some)
    assert remote.graph.clusters() == local.graph.clusters()
    assert remote.graph.cluster_ids() == local.graph.cluster_ids()
    assert remote.graph.overlay_size == 0  # the server was loaded with the policies' description


def test_facts_are_read_with_a_handful_of_queries(loaded, monkeypatch):
    url, _ = loaded
    kb = KnowledgeBase.open(endpoint=url)
    queries: list[str] = []
    original = HttpBackend.select

    def counting(self, query):
        queries.append(query)
        return original(self, query)

    monkeypatch.setattr(HttpBackend, "select", counting)
    facts = kb.graph.facts()
    assert len(facts.clusters) > 100
    # labels, clusters, one per record kind, the ids of assessed criteria and their policies,
    # a count that finds no malformed observation: never one per cluster or per record
    assert len(queries) <= 11
    assert not any("CONSTRUCT" in q for q in queries)
    queries.clear()
    kb.graph.facts(["syn-00010", "syn-00011"])  # the ids are looked up; the facts are kept
    assert len(queries) == 1 and "VALUES ?id" in queries[0]


def test_a_server_that_does_not_answer_is_a_clear_error(capsys):
    status, out, err = run(["policies", "--endpoint", "http://127.0.0.1:9/"], capsys)
    assert status == 1 and "cannot reach the SPARQL endpoint" in err and out == ""


def test_data_with_endpoint_is_refused(loaded, capsys):
    url, data = loaded
    status, _, err = run(["screen", "--policy", "miit-2022", "--endpoint", url, "--data", str(data)], capsys)
    assert status == 1 and "policykb import" in err


def test_the_server_listens_on_loopback_only(loaded):
    url, _ = loaded
    assert url.startswith("http://127.0.0.1:")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url + "/query?query=ASK%7B%7D", timeout=10) as response:
        assert response.status == 200


def test_an_empty_server_says_how_to_load_it(empty_server, capsys):
    status, out, err = run(["policies", "--endpoint", empty_server], capsys)
    assert status == 1 and "holds no policykb kb" in err and "policykb import" in err
    # `import` with no folder loads the kb and the policies' description, and then it answers.
    status, out, err = run(["import", "--endpoint", empty_server], capsys)
    assert status == 0 and "kb, policies and data loaded" in out
    assert run(["policies", "--endpoint", empty_server], capsys) == run(["policies"], capsys)
