"""Verdicts as RDF over Turtle data written other ways than the CSV importer writes it: a
cluster with an IRI of its own, two records that agree on a value, a record that is a blank
node, a verdict loaded back beside the facts, records with no source; and what-if inputs that
no kb node states (an assessment, a value with no finite decimal form). SYNTHETIC data."""

from __future__ import annotations

import copy
from fractions import Fraction

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from policykb.cli import main
from policykb.explain import render_rdf
from policykb.graph.namespaces import PKB
from policykb.graph.values import literal_number
from policykb.knowledge_base import KnowledgeBase
from policykb.operators.base import InputValue
from policykb.research.scenario import AddAssessment, SetValue

POLICY, AS_OF, CLUSTER = "rdf-edges-2023", 2024, "t-rdf-other"
EX = "https://example.org/"
DATA = f"""\
@prefix pkb: <https://w3id.org/policykb/ns#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix ind: <https://w3id.org/policykb/id/indicator/> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<{EX}c/other> a pkb:Cluster ; dcterms:identifier "{CLUSTER}" .
<{EX}o/a> a qb:Observation ; pkb:cluster <{EX}c/other> ; qb:measureType ind:total_output ;
    ind:total_output 4000000000 ; pkb:year 2023 ; pkb:record "yearbook-a.csv:2" .
<{EX}o/b> a qb:Observation ; pkb:cluster <{EX}c/other> ; qb:measureType ind:total_output ;
    ind:total_output 4000000000 ; pkb:year 2023 ; pkb:record "yearbook-b.csv:7" .
[] a qb:Observation ; pkb:cluster <{EX}c/other> ; qb:measureType ind:sme_output ;
    ind:sme_output 3000000000 ; pkb:year 2023 .
<{EX}v/earlier> a pkb:Verdict ; pkb:cluster <{EX}c/other> ; pkb:status pkb:eligible .
"""
POLICY_TEXT = f"""policy {POLICY} {{
  title zh "RDF 边界（合成）"
  title en "RDF edges (SYNTHETIC)"
  effective 2023-01-01
}}
criterion output {{
  kind hard
  article "1"
  require total_output >= 30亿元 in the latest year
}}
criterion sme-share {{
  kind hard
  article "2"
  require share of sme_output in total_output >= 65% in the latest year
}}
criterion frontier {{
  kind qualitative
  article "3"
}}
"""


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("rdf-edges")
    (root / "edges.policy").write_text(POLICY_TEXT, encoding="utf-8")
    (root / "data.ttl").write_text(DATA, encoding="utf-8")
    return root, root / "data.ttl"  # the policies folder and the data, beside the shipped kb


@pytest.fixture(scope="module")
def kb(folders):
    policies, data = folders
    return KnowledgeBase.open(data=[data], policies=[policies], shipped_policies=False)


def criterion_node(graph, criterion: str) -> URIRef:
    (verdict,) = graph.subjects(RDF.type, PKB.Verdict)
    return URIRef(f"{verdict}/{criterion}")


def derivations(graph, criterion: str) -> dict[str, tuple]:
    """label -> (entity, exact value, source) of each qualified derivation of `criterion`."""
    node = criterion_node(graph, criterion)
    found = {}
    for d in graph.objects(node, PROV.qualifiedDerivation):
        value = graph.value(d, PKB.inputValue)
        found[str(graph.value(d, RDFS.label))] = (graph.value(d, PROV.entity),
                                                  literal_number(value) if value is not None else None,
                                                  graph.value(d, DCTERMS.source))
    return found


def test_a_cluster_with_an_iri_of_its_own_is_named_by_it(kb):
    graph = render_rdf.verdict_graph([kb.check(CLUSTER, POLICY, AS_OF)], kb)
    (verdict,) = graph.subjects(RDF.type, PKB.Verdict)
    assert verdict == render_rdf.verdict_iri(CLUSTER, POLICY, AS_OF)
    assert graph.value(verdict, PKB.cluster) == URIRef(f"{EX}c/other")


def test_of_two_records_that_agree_the_one_the_verdict_cites_is_linked(kb):
    verdict = kb.check(CLUSTER, POLICY, AS_OF)
    [cited] = {i.record for i in verdict.criterion("output").inputs}
    node = {"yearbook-a.csv:2": URIRef(f"{EX}o/a"), "yearbook-b.csv:7": URIRef(f"{EX}o/b")}[cited]
    graph = render_rdf.verdict_graph([verdict], kb)
    assert derivations(graph, "output") == {"total_output 2023": (node, 4_000_000_000, None)}
    [other] = {URIRef(f"{EX}o/a"), URIRef(f"{EX}o/b")} - {node}
    linked = set(graph.objects(criterion_node(graph, "output"), PROV.wasDerivedFrom))
    assert node in linked and other not in linked
    assert URIRef(f"{EX}v/earlier") not in set(graph.subjects()) | set(graph.objects())  # not a fact of it


def test_a_blank_node_record_gets_a_node_of_the_verdict_instead(kb):
    verdict = kb.check(CLUSTER, POLICY, AS_OF)
    assert verdict.criterion("sme-share").status == "met"  # 30亿 of 40亿 = 75%
    graph = render_rdf.verdict_graph([verdict], kb)
    found = derivations(graph, "sme-share")
    minted, value, source = found["sme_output 2023"]
    assert str(minted).startswith(f"{criterion_node(graph, 'sme-share')}/input/")
    assert (value, source) == (3_000_000_000, None)  # no source on record: none said
    assert str(graph.value(minted, RDFS.label)) == "sme_output 2023"
    assert not any(isinstance(n, BNode) for triple in graph for n in triple)


def test_a_what_if_assessment_is_not_a_kb_node(kb):
    changed = kb.with_changes([AddAssessment(CLUSTER, POLICY, "frontier")])
    verdict = changed.check(CLUSTER, POLICY, AS_OF)
    assert verdict.criterion("frontier").status == "met"
    graph = render_rdf.verdict_graph([verdict], changed)
    node = criterion_node(graph, "frontier")
    assessment = URIRef(f"{node}/assessment")
    assert assessment in set(graph.objects(node, PROV.wasDerivedFrom))
    assert str(graph.value(assessment, RDFS.label)) == "assessment of frontier: met"
    assert graph.value(assessment, RDF.type) == PROV.Entity


def test_a_what_if_value_with_no_decimal_form_is_kept_exact_as_text(kb):
    third = Fraction(10_000_000_000, 3)  # a library caller may set any exact value
    changed = kb.with_changes([SetValue(CLUSTER, "total_output", 2023, third)])
    graph = render_rdf.verdict_graph([changed.check(CLUSTER, POLICY, AS_OF)], changed)
    derivation = next(graph.objects(criterion_node(graph, "output"), PROV.qualifiedDerivation))
    assert graph.value(derivation, PKB.inputValue) == Literal("10000000000/3")
    entity = graph.value(derivation, PROV.entity)
    assert str(entity).startswith(f"{criterion_node(graph, 'output')}/input/")


def test_an_input_without_a_value_has_no_value_in_the_graph(kb):
    verdict = copy.deepcopy(kb.check(CLUSTER, POLICY, AS_OF))
    verdict.criterion("output").inputs = [InputValue("total_output", 2023, None, "CNY", "a survey", None)]
    graph = render_rdf.verdict_graph([verdict], kb)
    entity, value, source = derivations(graph, "output")["total_output 2023"]
    assert (value, source) == (None, Literal("a survey"))  # nothing is made up for it
    assert str(entity).startswith(f"{criterion_node(graph, 'output')}/input/")


def test_a_source_date_epoch_that_is_not_a_number_is_bad_input(folders, capsys, monkeypatch):
    policies, data = folders
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    status = main(["check", CLUSTER, "--policy", POLICY, "--as-of", str(AS_OF), "--data", str(data),
                   "--policies", str(policies), "--format", "ttl"])
    captured = capsys.readouterr()
    assert (status, captured.out) == (1, "")
    # (after the warnings that the data has no sources)
    assert captured.err.splitlines()[-1] == ("error: SOURCE_DATE_EPOCH 'yesterday' is not a number of seconds. "
                                             "Expected seconds since 1970-01-01 UTC, e.g. 1700000000.")
