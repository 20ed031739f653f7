"""The shipped kb: real clusters with only published figures, policies described in RDF."""

import json

import pytest

from policykb.cli import main
from policykb.knowledge_base import KnowledgeBase

# Every cluster of shared/domain/real-clusters.md (21 national, 4 provincial examples).
REAL_CLUSTERS = 25


@pytest.fixture(scope="module")
def kb():
    return KnowledgeBase.open()


def test_screen_lists_every_real_cluster_with_unknowns_and_nothing_invented(capsys):
    assert main(["screen", "--policy", "jiangsu-2023", "--as-of", "2024", "--format", "json"]) == 0
    verdicts = json.loads(capsys.readouterr().out)
    assert len(verdicts) == REAL_CLUSTERS
    assert {v["status"] for v in verdicts} <= {"undetermined", "ineligible"}
    for verdict in verdicts:
        for criterion in verdict["criteria"]:
            for item in criterion["inputs"]:
                assert item["source"], f"{verdict['cluster']} {criterion['id']}: an input without a source"
            if criterion["status"] == "unknown":
                assert criterion["missing"], f"{verdict['cluster']} {criterion['id']}: unknown but nothing missing"


def test_published_figure_reaches_the_explanation(kb):
    verdict = kb.check("js-xinwu-mems-sensors", "jiangsu-2023", as_of=2024)
    output = verdict.criterion("output")
    assert output.status == "unknown"  # 2023 is published, 2021 and 2022 are not
    assert "250.41亿元" in output.explanation
    assert {"total_output 2021", "total_output 2022"} <= set(output.missing)
    firms = verdict.criterion("quality-firms")
    assert firms.status == "met"  # 18 little giants published
    assert "18" in firms.explanation


def test_sparql_finds_the_measures_that_require_rd_spending(kb):
    result = kb.graph.query("""
        SELECT DISTINCT ?policy WHERE {
          ?criterion pkb:requiresIndicator ind:rd_expenditure ; pkb:ofPolicy/dcterms:identifier ?policy }""")
    assert {str(row[0]) for row in result.rows} == {"henan-2023"}


def test_thresholds_are_exact_in_the_graph(kb):
    result = kb.graph.query("""
        SELECT ?threshold WHERE {
          ?c dcterms:identifier "output" ; pkb:ofPolicy/dcterms:identifier "henan-2023" ;
             pkb:hasCondition/pkb:threshold ?threshold }""")
    assert [str(row[0]) for row in result.rows] == ["3000000000"]
