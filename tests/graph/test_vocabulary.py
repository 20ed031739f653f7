"""The vocabulary is data in the graph; the reader turns it into typed values."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest

from policykb.errors import PolicyKBError
from policykb.graph.store import KnowledgeGraph
from policykb.graph.vocabulary_reader import read_vocabulary

from .conftest import DATA, snapshot

# data-dictionary.md, as a check on kb/vocabulary.ttl (the product code lists no names).
DICTIONARY = {
    "area_km2": ("area", False), "total_output": ("money", True), "sme_output": ("money", True),
    "leading_output": ("money", True), "rd_expenditure": ("money", True), "sme_rd_expenditure": ("money", True),
    "invention_patents": ("count", True), "employees": ("persons", True), "innovation_platforms": ("count", True),
    "standards": ("count", False), "pilot_projects": ("count", False), "cloud_adoption": ("percent", True),
    "industrial_internet_penetration": ("percent", True), "pillar_industry": ("boolean", False),
    "key_chain": ("boolean", False), "innovation_mechanism": ("boolean", False),
    "management_body": ("boolean", False), "public_service_system": ("boolean", False),
    "platform_cooperation": ("boolean", False), "development_plan": ("boolean", False),
    "chain_map": ("boolean", False), "sharing_mechanism": ("boolean", False),
    "carbon_monitoring": ("boolean", False), "green_service": ("boolean", False),
    "efficiency_benchmark": ("boolean", False),
    "sme_count": ("count", True), "enterprise_count": ("count", True),
    "single_champions": ("count", False), "little_giants": ("count", False),
    "specialized_new_smes": ("count", False), "innovative_smes": ("count", False),
    "high_tech_enterprises": ("count", False),
}
TITLE_COUNTS = {"single_champion": "single_champions", "little_giant": "little_giants",
                "specialized_new_sme": "specialized_new_smes", "innovative_sme": "innovative_smes",
                "high_tech": "high_tech_enterprises"}


def test_every_indicator_of_the_data_dictionary_is_declared(kg):
    indicators = kg.vocabulary().indicators
    assert {n: (i.dimension, i.per_year) for n, i in indicators.items()} == DICTIONARY


def test_indicators_have_labels_in_both_languages_and_a_description(kg):
    for indicator in kg.vocabulary().indicators.values():
        assert indicator.label_en and indicator.label_zh and indicator.description, indicator.name
    assert kg.vocabulary().indicators["total_output"].label_zh == "集群总产值"
    assert kg.vocabulary().indicators["total_output"].unit == "CNY"


def test_titles_and_their_count_indicators(kg):
    vocab = kg.vocabulary()
    assert {t.name: t.count_indicator for t in vocab.titles.values()} == TITLE_COUNTS
    for title, indicator in TITLE_COUNTS.items():
        assert vocab.indicators[indicator].counts_title == title
    assert vocab.titles["little_giant"].label_zh == "专精特新“小巨人”"


def test_severities_are_ranked_mildest_first(kg):
    severities = kg.vocabulary().severities
    assert [(s.name, s.rank, s.label_zh) for s in severities.values()] == [
        ("minor", 1, "一般"), ("serious", 2, "较大"), ("major", 3, "重大"), ("extraordinary", 4, "特别重大")]
    assert kg.vocabulary().severity_rank("major") == 3


def test_incident_kinds(kg):
    assert set(kg.vocabulary().incident_kinds) == {
        "safety", "quality", "environment", "network_security", "data_security", "tax", "credit", "legal"}


@pytest.mark.parametrize("spelling, name, dimension, factor", [
    ("CNY", "CNY", "money", 1), ("元", "CNY", "money", 1), ("yuan", "CNY", "money", 1),
    ("10k CNY", "10k CNY", "money", 10_000), ("万元", "10k CNY", "money", 10_000),
    ("100M CNY", "100M CNY", "money", 100_000_000), ("亿元", "100M CNY", "money", 100_000_000),
    ("percent", "percent", "percent", 1), ("%", "percent", "percent", 1), ("ratio", "ratio", "percent", 100),
    ("km2", "km2", "area", 1), ("km²", "km2", "area", 1), ("平方公里", "km2", "area", 1),
    ("count", "count", "count", 1), ("个", "count", "count", 1), ("家", "count", "count", 1),
    ("项", "count", "count", 1), ("persons", "persons", "persons", 1), ("人", "persons", "persons", 1),
    ("boolean", "boolean", "boolean", 1),
])
def test_units_and_aliases(kg, spelling, name, dimension, factor):
    unit = kg.vocabulary().unit(spelling)
    assert (unit.name, unit.dimension, unit.factor) == (name, dimension, Fraction(factor))
    assert isinstance(unit.factor, Fraction)


def test_read_vocabulary_works_on_a_bare_graph(kg):
    assert read_vocabulary(kg.graph) == kg.vocabulary()


def test_a_new_indicator_is_data_not_code(write_folder):
    kg = KnowledgeGraph.open(data=[DATA / "extra-vocabulary"])
    indicator = kg.vocabulary().indicators["export_share"]
    assert (indicator.dimension, indicator.per_year, indicator.label_zh) == ("percent", True, "出口占比")
    folder = write_folder({
        "clusters.csv": "id,name_zh,name_en,province,county,leading_industry,area_km2\n"
                        "t-x,合成,SYNTHETIC x,Jiangsu,,SYNTHETIC,\n",
        "observations.csv": "cluster,indicator,year,value,unit,source\nt-x,export_share,2022,0.25,ratio,SYNTHETIC\n",
    })
    kg.add_csv_folder(folder)
    [observation] = kg.facts(["t-x"]).observations
    assert (observation.indicator, observation.value) == ("export_share", 25)


BROKEN = """
@prefix pkb:  <https://w3id.org/policykb/ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex:   <https://example.org/synthetic/> .
ex:a a pkb:Indicator ; skos:notation "broken_a" ; pkb:dimension ex:nowhere ; pkb:perYear true .
ex:b a pkb:Indicator ; skos:notation "broken_b" ; pkb:dimension pkb:MoneyDimension .
ex:c a pkb:Indicator ; skos:notation "total_output" ; pkb:dimension pkb:MoneyDimension ; pkb:perYear true .
ex:u a pkb:Unit ; skos:notation "wan" ; pkb:dimension pkb:MoneyDimension ; pkb:factor 10000.0 ; pkb:alias "万元" .
"""


def test_a_broken_vocabulary_is_reported_and_not_added(kg, tmp_path: Path):
    (tmp_path / "broken.ttl").write_text(BROKEN, encoding="utf-8")
    before, version = snapshot(kg), kg.data_version
    with pytest.raises(PolicyKBError) as excinfo:
        kg.add_turtle(tmp_path / "broken.ttl")
    text = excinfo.value.render()
    assert "no known pkb:dimension" in text
    assert "needs pkb:perYear" in text
    assert "'total_output' is declared twice" in text
    assert "spelling '万元' also names unit" in text
    assert snapshot(kg) == before  # all or nothing
    assert "total_output" in kg.vocabulary().indicators
    assert kg.data_version > version  # the cache was invalidated, then rebuilt unchanged


def test_vocabulary_is_cached_until_the_graph_changes(kg):
    first = kg.vocabulary()
    assert kg.vocabulary() is first
    kg.add_turtle(DATA / "extra-vocabulary")
    assert kg.vocabulary() is not first
    assert "export_share" in kg.vocabulary().indicators


def test_graph_code_names_no_indicator():
    """Indicator names come from kb/vocabulary.ttl: the graph package must not list them.

    The layout and scenario facts that name one are allowed: the clusters.csv column
    area_km2 (csv_rows, csv_import) and the boundary scenario of the synthetic generator.
    """
    allowed = {"csv_rows.py": {"area_km2"}, "csv_import.py": {"area_km2"},
               "synthetic.py": {"total_output", "sme_output", "leading_output", "area_km2"}}
    package = Path(__file__).resolve().parents[2] / "src" / "policykb" / "graph"
    for source in package.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        for name in DICTIONARY:
            if re.search(rf"['\"]{name}['\"]", text):
                assert name in allowed.get(source.name, set()), f"{source.name} names indicator {name}"
