"""Turtle files that disagree about a value are refused with both sources named."""

import pytest

from policykb.errors import PolicyKBError
from policykb.graph.store import KnowledgeGraph

OTHER_FIGURE = """
@prefix pkb: <https://w3id.org/policykb/ns#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix ind: <https://w3id.org/policykb/id/indicator/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/policykb/id/observation/other-total> a qb:Observation ;
    pkb:cluster <https://w3id.org/policykb/id/cluster/js-xinwu-mems-sensors> ;
    qb:measureType ind:total_output ; ind:total_output 26000000000.0 ; pkb:year 2023 .
"""


def test_two_values_for_one_key_are_refused(tmp_path):
    path = tmp_path / "other.ttl"
    path.write_text(OTHER_FIGURE, encoding="utf-8")
    graph = KnowledgeGraph.open()
    graph.add_turtle(path)
    with pytest.raises(PolicyKBError) as caught:
        graph.facts(["js-xinwu-mems-sensors"])
    message = caught.value.render()
    assert "conflicting values for js-xinwu-mems-sensors total_output 2023" in message
    assert "25041000000" in message and "26000000000" in message
