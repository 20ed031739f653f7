"""Verdicts as RDF (explain/render_rdf.py, `--format ttl|jsonld`): PROV-O links from each
criterion verdict to the very kb nodes it read, deterministic IRIs, and a round trip
through `--data v.ttl` + SPARQL.

Everything runs on a synthetic CSV folder and a synthetic policy written here, so edits to
the shipped measures do not move these tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from fractions import Fraction
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import PROV, RDF, RDFS

from policykb.cli import main
from policykb.explain import render_rdf
from policykb.graph.namespaces import (PKB, assessment_iri, cluster_iri, criterion_iri, enterprise_iri,
                                       observation_iri, policy_iri)
from policykb.graph.values import literal_bool, literal_number
from policykb.knowledge_base import KnowledgeBase

ROOT = Path(__file__).resolve().parents[2]
POLICY = "rdf-test-2023"
AS_OF = 2024
EPOCH = "1700000000"  # SOURCE_DATE_EPOCH for reproducible prov:generatedAtTime

FILES = {
    "clusters.csv": """\
        id,name_zh,name_en,province,county,leading_industry,area_km2
        syn-rdf-good,合成集群甲,SYNTHETIC cluster A,Henan,合成县,bearings,80
        syn-rdf-bad,合成集群乙,SYNTHETIC cluster B,Henan,,nylon,150
        """,
    "observations.csv": """\
        cluster,indicator,year,value,unit,source
        syn-rdf-good,total_output,2021,32,100M CNY,synthetic yearbook
        syn-rdf-good,total_output,2022,36,100M CNY,synthetic yearbook
        syn-rdf-good,total_output,2023,40,100M CNY,synthetic yearbook
        syn-rdf-good,sme_output,2023,26,100M CNY,synthetic yearbook
        syn-rdf-good,pillar_industry,,true,,synthetic survey
        syn-rdf-bad,total_output,2021,31,100M CNY,synthetic yearbook
        syn-rdf-bad,total_output,2022,29.99,100M CNY,synthetic yearbook
        syn-rdf-bad,total_output,2023,35,100M CNY,synthetic yearbook
        syn-rdf-bad,sme_output,2023,22.75,100M CNY,synthetic yearbook
        """,
    "enterprises.csv": """\
        id,name,cluster,in_leading_industry,titles
        syn-rdf-e1,SYNTHETIC firm 1,syn-rdf-good,true,little_giant
        syn-rdf-e2,SYNTHETIC firm 2,syn-rdf-bad,true,innovative_sme
        """,
    "incidents.csv": """\
        cluster,year,kind,severity,description
        syn-rdf-bad,2022,tax,minor,SYNTHETIC: late filing
        """,
    "assessments.csv": f"""\
        cluster,policy,criterion,result,assessor,date
        syn-rdf-good,{POLICY},frontier,met,SYNTHETIC panel,2024-04-20
        """,
}

POLICY_TEXT = f"""\
policy {POLICY} {{
  title zh "RDF 测试办法（合成）"
  title en "RDF test measure (SYNTHETIC)"
  effective 2023-01-01
}}

criterion output {{
  kind hard
  article "第一条"
  require total_output >= 30亿元 in each of the last 3 years
}}

criterion sme-share {{
  kind hard
  article "第二条"
  require share of sme_output in total_output >= 65% in the latest year
}}

criterion pillar {{
  kind hard
  article "第三条"
  require pillar_industry
}}

criterion firms {{
  kind hard
  article "第四条"
  require number of enterprises in the leading industry titled little_giant >= 1
}}

criterion compliance {{
  kind hard
  article "第五条"
  require no incident in the last 3 years {{
    tax: any severity
  }}
}}

criterion county {{
  kind hard
  article "第六条"
  require recorded county
}}

criterion frontier {{
  kind qualitative
  article "第七条"
}}
"""


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("rdf")
    data, policies = root / "data", root / "policies"
    data.mkdir()
    policies.mkdir()
    for name, text in FILES.items():
        (data / name).write_text(textwrap.dedent(text), encoding="utf-8")
    (policies / f"{POLICY}.policy").write_text(POLICY_TEXT, encoding="utf-8")
    return data, policies


@pytest.fixture(scope="module")
def kb(folders) -> KnowledgeBase:
    data, policies = folders
    return KnowledgeBase.open(data=[data], policies=[policies])


def cli(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def common(folders) -> list[str]:
    data, policies = folders
    return ["--data", str(data), "--policies", str(policies), "--as-of", str(AS_OF)]


@pytest.fixture(scope="module")
def screen_graph(kb) -> tuple[list, Graph]:
    verdicts = kb.screen(POLICY, AS_OF)
    return verdicts, render_rdf.verdict_graph(verdicts, kb)


# ------------------------------------------------------------------ the graph


def test_one_verdict_per_cluster_with_the_statuses_of_the_json_verdict(kb, screen_graph):
    verdicts, graph = screen_graph
    assert len(verdicts) == len(kb.graph.cluster_ids())  # the shipped clusters and ours
    nodes = list(graph.subjects(RDF.type, PKB.Verdict))
    assert len(nodes) == len(verdicts)
    by_cluster = {graph.value(n, PKB.cluster): n for n in nodes}
    for verdict in verdicts:
        data = verdict.to_json()
        node = by_cluster[cluster_iri(data["cluster"])]
        assert graph.value(node, PKB.status) == PKB[data["status"]]
        assert graph.value(node, PKB.underPolicy) == policy_iri(POLICY)
        assert graph.value(node, PKB.applicationYear).toPython() == AS_OF
        got = {graph.value(c, PKB.ofCriterion): graph.value(c, PKB.status)
               for c in graph.objects(node, PKB.hasCriterionVerdict)}
        assert got == {criterion_iri(POLICY, c["id"]): PKB[c["status"]] for c in data["criteria"]}
    statuses = {v.cluster: v.status for v in verdicts}
    assert statuses["syn-rdf-good"] == "eligible" and statuses["syn-rdf-bad"] == "ineligible"


def test_every_indicator_input_is_derived_from_the_kb_observation_with_that_value(kb, screen_graph):
    verdicts, graph = screen_graph
    vocabulary = kb.graph.vocabulary()
    checked = 0
    for verdict in verdicts:
        for criterion in verdict.criteria:
            node = render_rdf.verdict_iri(verdict.cluster, POLICY, AS_OF) + f"/{criterion.id}"
            derived = set(graph.objects(URIRef(node), PROV.wasDerivedFrom))
            assert criterion_iri(POLICY, criterion.id) in derived  # the clause it applies
            for item in criterion.inputs:
                if item.indicator not in vocabulary.indicators:
                    continue
                obs = observation_iri(verdict.cluster, item.indicator, item.year)
                assert obs in derived, (verdict.cluster, criterion.id, item)
                stored = kb.graph.graph.value(obs, kb.graph.terms().indicators[item.indicator])
                assert stored is not None, f"{obs} is not in the kb"
                value = literal_bool(stored) if isinstance(item.value, bool) else literal_number(stored)
                assert value == item.value
                checked += 1
    assert checked >= 10  # our two clusters alone read 11 observations


def test_incidents_enterprises_assessments_and_the_cluster_are_linked_as_kb_nodes(kb, screen_graph):
    _, graph = screen_graph

    def derived(cluster: str, criterion: str) -> set:
        node = URIRef(render_rdf.verdict_iri(cluster, POLICY, AS_OF) + f"/{criterion}")
        return set(graph.objects(node, PROV.wasDerivedFrom))

    kb_graph = kb.graph.graph
    incidents = {n for n in derived("syn-rdf-bad", "compliance") if (n, RDF.type, PKB.Incident) in kb_graph}
    assert len(incidents) == 1
    assert enterprise_iri("syn-rdf-e1") in derived("syn-rdf-good", "firms")
    assert assessment_iri("syn-rdf-good", POLICY, "frontier") in derived("syn-rdf-good", "frontier")
    assert cluster_iri("syn-rdf-good") in derived("syn-rdf-good", "county")
    complete = [n for n in derived("syn-rdf-good", "compliance") if (n, RDF.type, PKB.CompletenessDeclaration) in kb_graph]
    assert len(complete) == 1
    # missing inputs are stated, never taken as zero
    missing = URIRef(render_rdf.verdict_iri("syn-rdf-bad", POLICY, AS_OF) + "/pillar")
    assert set(graph.objects(missing, PKB.missing)) == {Literal("pillar_industry")}
    assert graph.value(missing, PKB.status) == PKB.unknown


def test_qualified_derivations_carry_the_value_used(screen_graph):
    _, graph = screen_graph
    node = URIRef(render_rdf.verdict_iri("syn-rdf-bad", POLICY, AS_OF) + "/output")
    used = {}
    for derivation in graph.objects(node, PROV.qualifiedDerivation):
        assert (derivation, RDF.type, PROV.Derivation) in graph
        used[graph.value(derivation, PROV.entity)] = literal_number(graph.value(derivation, PKB.inputValue))
    assert used == {observation_iri("syn-rdf-bad", "total_output", 2021): Fraction(3_100_000_000),
                    observation_iri("syn-rdf-bad", "total_output", 2022): Fraction(2_999_000_000),
                    observation_iri("syn-rdf-bad", "total_output", 2023): Fraction(3_500_000_000)}


def test_a_what_if_value_is_not_linked_to_the_kb_observation(kb):
    from policykb.research.scenario import SetValue

    changed = kb.with_changes([SetValue("syn-rdf-bad", "total_output", 2022, Fraction(3_100_000_000))])
    verdict = changed.check("syn-rdf-bad", POLICY, AS_OF)
    graph = render_rdf.verdict_graph([verdict], changed)
    (node,) = graph.subjects(RDF.type, PKB.Verdict)
    assert node != render_rdf.verdict_iri("syn-rdf-bad", POLICY, AS_OF)  # never merges with the real verdict
    output = URIRef(f"{node}/output")
    derived = set(graph.objects(output, PROV.wasDerivedFrom))
    assert observation_iri("syn-rdf-bad", "total_output", 2022) not in derived
    assert observation_iri("syn-rdf-bad", "total_output", 2021) in derived
    minted = [n for n in derived if str(n).startswith(f"{output}/input/")]
    assert [str(graph.value(n, RDFS.label)) for n in minted] == ["total_output 2022"]


def test_every_pkb_term_of_the_output_is_declared_in_the_kb(kb, screen_graph):
    _, graph = screen_graph
    used = {t for triple in graph for t in triple if isinstance(t, URIRef) and t.startswith(str(PKB))}
    labels = {t: {lit.language for lit in kb.graph.graph.objects(t, RDFS.label)} for t in used}
    assert {t for t, langs in labels.items() if not {"zh", "en"} <= langs} == set()
    assert {PKB.Verdict, PKB.CriterionVerdict, PKB.unmet, PKB.ineligible} <= used


# ------------------------------------------------------------------ the command line


def test_turtle_and_json_ld_parse_back_to_isomorphic_graphs(folders, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    status, ttl, _ = cli(capsys, "check", "syn-rdf-bad", "--policy", POLICY, *common(folders), "--format", "ttl")
    assert status == 0
    status, jsonld, _ = cli(capsys, "check", "syn-rdf-bad", "--policy", POLICY, *common(folders), "--format", "jsonld")
    assert status == 0
    from_ttl = Graph().parse(data=ttl, format="turtle")
    from_jsonld = Graph().parse(data=jsonld, format="json-ld")
    assert len(from_ttl) > 50
    assert isomorphic(from_ttl, from_jsonld)


def test_screen_turtle_matches_screen_json(folders, capsys):
    status, ttl, _ = cli(capsys, "screen", "--policy", POLICY, *common(folders), "--format", "ttl")
    assert status == 0
    _, text, _ = cli(capsys, "screen", "--policy", POLICY, *common(folders), "--format", "json")
    graph = Graph().parse(data=ttl, format="turtle")
    from_rdf = {str(graph.value(v, PKB.cluster)): graph.value(v, PKB.status)
                for v in graph.subjects(RDF.type, PKB.Verdict)}
    assert from_rdf == {str(cluster_iri(v["cluster"])): PKB[v["status"]] for v in json.loads(text)}


def test_two_runs_give_identical_turtle(folders):
    """Separate processes with different hash seeds: no set or dict order leaks into the output."""
    args = [sys.executable, "-m", "policykb.cli", "screen", "--policy", POLICY, *common(folders), "--format", "ttl"]
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": EPOCH}
        run = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
        assert run.returncode == 0, run.stderr
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1]
    assert "2023-11-14T22:13:20" in outputs[0]  # the time SOURCE_DATE_EPOCH names


def test_without_a_fixed_time_runs_differ_only_in_generation_time(kb):
    verdict = kb.check("syn-rdf-good", POLICY, AS_OF)
    import datetime as dt

    first = render_rdf.verdict_graph([verdict], kb, generated_at=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))
    second = render_rdf.verdict_graph([verdict], kb, generated_at=dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc))
    assert not isomorphic(first, second)
    for graph in (first, second):
        graph.remove((None, PROV.generatedAtTime, None))
    assert isomorphic(first, second)


def test_verdict_turtle_loads_back_and_sparql_says_why_a_cluster_failed(folders, capsys, tmp_path):
    status, ttl, _ = cli(capsys, "check", "syn-rdf-bad", "--policy", POLICY, *common(folders), "--format", "ttl")
    assert status == 0
    verdicts = tmp_path / "v.ttl"
    verdicts.write_text(ttl, encoding="utf-8")
    why = """SELECT DISTINCT ?criterion ?indicator ?year WHERE {
        ?v a pkb:CriterionVerdict ; pkb:status pkb:unmet ; pkb:ofCriterion/dcterms:identifier ?criterion ;
           prov:wasDerivedFrom ?o .
        ?o pkb:cluster cluster:syn-rdf-bad .
        OPTIONAL { ?o qb:measureType/skos:notation ?indicator }
        OPTIONAL { ?o pkb:year ?year } } ORDER BY ?criterion ?indicator ?year"""
    status, text, err = cli(capsys, "query", *common(folders)[:4], "--data", str(verdicts), "--format", "json", why)
    assert status == 0, err
    rows = [{k: b["value"] for k, b in row.items()} for row in json.loads(text)["results"]["bindings"]]
    assert rows == [
        {"criterion": "compliance", "year": "2022"},  # the tax incident
        {"criterion": "output", "indicator": "total_output", "year": "2021"},
        {"criterion": "output", "indicator": "total_output", "year": "2022"},
        {"criterion": "output", "indicator": "total_output", "year": "2023"},
    ]


def test_loading_verdict_turtle_leaves_the_facts_and_verdicts_unchanged(folders, capsys, tmp_path):
    status, ttl, _ = cli(capsys, "screen", "--policy", POLICY, *common(folders), "--format", "ttl")
    assert status == 0
    kb_folder = tmp_path / "kb"
    kb_folder.mkdir()
    for name in ("ontology.ttl", "ontology-verdicts.ttl", "vocabulary.ttl"):
        (kb_folder / name).write_bytes((ROOT / "kb" / name).read_bytes())
    (kb_folder / "verdicts.ttl").write_text(ttl, encoding="utf-8")
    _, before, _ = cli(capsys, "screen", "--policy", POLICY, *common(folders), "--format", "json")
    status, after, err = cli(capsys, "screen", "--policy", POLICY, *common(folders), "--kb", str(kb_folder),
                             "--format", "json")
    assert status == 0, err
    assert json.loads(after) == [v for v in json.loads(before) if v["cluster"].startswith("syn-rdf-")]


@pytest.mark.parametrize("command", [["policies"], ["program", "--policy", POLICY], ["query", "ASK { ?s ?p ?o }"]])
@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_a_command_without_rdf_output_refuses_ttl_and_jsonld(folders, capsys, command, fmt):
    status, out, err = cli(capsys, *command, *common(folders)[:4], "--format", fmt)
    assert status == 1
    assert out == ""
    assert f"cannot write --format {fmt}" in err and "check and screen" in err
