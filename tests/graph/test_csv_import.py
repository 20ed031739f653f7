"""Importing a valid CSV folder: exact values, provenance, unknowns, completeness."""

from __future__ import annotations

from fractions import Fraction

import pytest
from rdflib.namespace import XSD

from policykb.errors import PolicyKBError
from policykb.graph.namespaces import PKB, cluster_iri, region_iri
from policykb.graph.records import ClusterFacts
from policykb.graph.store import KnowledgeGraph

from .conftest import DATA, snapshot

VALID = DATA / "valid"
OBS = f"{VALID}/observations.csv"


@pytest.fixture
def facts(kg) -> ClusterFacts:
    kg.add_csv_folder(VALID)
    return kg.facts(["t-alpha", "t-beta", "t-gamma"])


def values(facts: ClusterFacts) -> dict:
    return {(o.cluster, o.indicator, o.year): o.value for o in facts.observations}


def test_values_are_converted_exactly_to_the_canonical_unit(facts):
    got = values(facts)
    assert got[("t-alpha", "total_output", 2020)] == 4_000_000_000          # 40 亿元
    assert got[("t-alpha", "total_output", 2021)] == 4_400_000_000          # 440000 万元
    assert got[("t-alpha", "total_output", 2022)] == 4_840_000_000          # CNY, unit empty
    assert got[("t-alpha", "sme_output", 2022)] == 3_388_000_000            # 33.88 100M CNY
    assert got[("t-alpha", "leading_output", 2022)] == 3_388_000_000        # CNY
    assert got[("t-alpha", "cloud_adoption", 2022)] == 30                   # 0.3 ratio
    assert got[("t-alpha", "industrial_internet_penetration", 2022)] == 20  # 20 %
    assert got[("t-alpha", "area_km2", None)] == 100                        # km², and in clusters.csv
    assert got[("t-alpha", "little_giants", None)] == 2                     # 2 家
    assert got[("t-beta", "total_output", 2022)] == 25_041_000_000          # 250.41 亿元
    assert got[("t-beta", "employees", 2022)] == 12_000                     # 人


def test_numbers_are_fractions_and_booleans_are_bools(facts):
    got = values(facts)
    for (_, indicator, _), value in got.items():
        assert type(value) in (Fraction, bool), indicator
    assert got[("t-alpha", "pillar_industry", None)] is True    # TRUE, as spreadsheets write it
    assert got[("t-beta", "key_chain", None)] is False
    # growth exactly 10 % a year, decided without a float or a square root
    assert got[("t-alpha", "total_output", 2022)] / got[("t-alpha", "total_output", 2020)] == Fraction(121, 100)
    assert got[("t-alpha", "sme_output", 2022)] / got[("t-alpha", "total_output", 2022)] == Fraction(7, 10)


def test_numbers_are_stored_as_xsd_decimal(kg):
    kg.add_csv_folder(VALID)
    result = kg.query("""
        SELECT ?v WHERE { ?o pkb:cluster cluster:t-beta ; qb:measureType ind:total_output ; ind:total_output ?v }""")
    [(literal,)] = result.rows
    assert (literal.datatype, str(literal)) == (XSD.decimal, "25041000000.0")


def test_missing_values_stay_unknown_never_zero(facts):
    got = values(facts)
    assert not [k for k in got if k[0] == "t-gamma"]               # nothing given for t-gamma
    assert ("t-beta", "sme_output", 2022) not in got               # not given
    assert ("t-beta", "area_km2", None) not in got                 # empty area_km2 cell
    assert ("t-alpha", "total_output", 2019) not in got
    gamma = next(c for c in facts.clusters if c.id == "t-gamma")
    assert gamma.county is None                                    # empty county cell: unknown


def test_provenance_names_the_source_and_the_physical_line(facts):
    by_key = {(o.cluster, o.indicator, o.year): o for o in facts.observations}
    total = by_key[("t-alpha", "total_output", 2020)]
    assert (total.provenance.source, total.provenance.record) == ("SYNTHETIC yearbook 2021", f"{OBS}:2")
    giants = by_key[("t-alpha", "little_giants", None)]
    assert (giants.provenance.source, giants.provenance.record) == ("SYNTHETIC report, p. 3", f"{OBS}:11")
    # no source column value: the file stands in for it
    penetration = by_key[("t-alpha", "industrial_internet_penetration", 2022)]
    assert penetration.provenance.source == OBS
    # area_km2 is in clusters.csv and observations.csv with the same value: one observation,
    # with the more specific source of observations.csv
    area = by_key[("t-alpha", "area_km2", None)]
    assert (area.provenance.source, area.provenance.record) == ("SYNTHETIC survey", f"{OBS}:9")


def test_cluster_records(facts):
    alpha, beta, gamma = facts.clusters
    assert (alpha.id, alpha.name_zh, alpha.name_en) == ("t-alpha", "合成测试集群甲", "SYNTHETIC test cluster alpha")
    assert alpha.synthetic and beta.synthetic and gamma.synthetic
    assert alpha.leading_industry == "SYNTHETIC 电子材料"
    assert alpha.provenance.record == f"{VALID}/clusters.csv:2"
    # provinces and counties are matched against the shipped regions by any of their labels
    assert (alpha.province, alpha.county) == ("江苏省", "常熟市")
    assert beta.province == "河南省"                                 # written 河南
    assert gamma.province == "Zhejiang"                             # new region, minted


def test_regions_are_shared_with_the_real_clusters(kg):
    kg.add_csv_folder(VALID)
    changshu = region_iri("cn-js", "changshu")
    assert (cluster_iri("t-alpha"), PKB.county, changshu) in kg.graph
    assert (cluster_iri("js-changshu-fluorine-materials"), PKB.county, changshu) in kg.graph


def test_enterprises_with_several_titles(facts):
    e1, e2, e3 = facts.enterprises
    assert (e1.id, e1.cluster, e1.in_leading_industry, e1.titles) == (
        "t-alpha-e1", "t-alpha", True, frozenset({"little_giant", "high_tech"}))
    assert e2.titles == frozenset() and e2.in_leading_industry is False
    assert e3.name == "SYNTHETIC enterprise 3, Ltd."
    assert e3.titles == frozenset({"specialized_new_sme", "innovative_sme", "high_tech"})
    assert e3.provenance.record == f"{VALID}/enterprises.csv:4"


def test_incidents_and_assessments(facts):
    [incident] = facts.incidents
    assert (incident.cluster, incident.year, incident.kind, incident.severity, incident.description) == (
        "t-beta", 2021, "safety", "serious", "SYNTHETIC 较大安全事故")
    assert incident.provenance.record == f"{VALID}/incidents.csv:2"
    [assessment] = facts.assessments
    assert (assessment.cluster, assessment.policy, assessment.criterion, assessment.result,
            assessment.assessor, assessment.date) == ("t-alpha", "miit", "innovation", "met",
                                                      "SYNTHETIC reviewer", "2023-05-01")


def test_incidents_csv_declares_the_incident_record_complete_for_the_folder_clusters(facts):
    complete = {(c.cluster, c.kind): c for c in facts.complete_records}
    assert {k for k in complete if k[1] == "incidents"} == {
        ("t-alpha", "incidents"), ("t-beta", "incidents"), ("t-gamma", "incidents")}
    assert complete[("t-gamma", "incidents")].provenance.record == f"{VALID}/incidents.csv"
    # an enterprise list is complete only for the clusters it lists
    assert {k for k in complete if k[1] == "enterprises"} == {("t-alpha", "enterprises")}


def test_without_incidents_csv_nothing_is_declared_complete(kg, write_folder):
    folder = write_folder({"clusters.csv": "id,name_zh,name_en,province,county,leading_industry,area_km2\n"
                                           "t-x,合成,SYNTHETIC x,,,,\n"})
    kg.add_csv_folder(folder)
    facts = kg.facts(["t-x"])
    assert facts.complete_records == () and facts.incidents == ()


def test_a_header_only_incidents_csv_means_no_incident(kg, write_folder):
    folder = write_folder({
        "clusters.csv": "id,name_zh,name_en,province,county,leading_industry,area_km2\nt-x,合成,SYNTHETIC x,,,,\n",
        "incidents.csv": "cluster,year,kind,severity,description\n",
    })
    kg.add_csv_folder(folder)
    facts = kg.facts(["t-x"])
    assert facts.incidents == ()
    assert [(c.cluster, c.kind) for c in facts.complete_records] == [("t-x", "incidents")]


def test_a_later_folder_may_add_figures_for_clusters_already_in_the_graph(kg, write_folder):
    kg.add_csv_folder(VALID)
    folder = write_folder({
        "observations.csv": "cluster,indicator,year,value,unit,source\nt-gamma,total_output,2022,31,亿元,SYNTHETIC\n",
        "incidents.csv": "cluster,year,kind,severity,description\nt-gamma,2022,tax,minor,SYNTHETIC\n",
    }, name="second")
    kg.add_csv_folder(folder)
    facts = kg.facts(["t-gamma"])
    assert values(facts) == {("t-gamma", "total_output", 2022): 3_100_000_000}
    assert len(facts.incidents) == 1
    # incidents.csv of the second folder declares only that folder's clusters.csv complete (none):
    # t-gamma stays complete through the first folder's declaration only
    assert [c.provenance.record for c in facts.complete_records] == [f"{VALID}/incidents.csv"]


def test_importing_the_same_folder_twice_fails_and_changes_nothing(kg):
    kg.add_csv_folder(VALID)
    before, version = snapshot(kg), kg.data_version
    with pytest.raises(PolicyKBError) as excinfo:
        kg.add_csv_folder(VALID)
    assert "already in the knowledge graph" in excinfo.value.render()
    assert snapshot(kg) == before and kg.data_version == version


def test_facts_for_all_clusters_include_real_and_imported(kg):
    kg.add_csv_folder(VALID)
    ids = [c.id for c in kg.facts().clusters]
    assert ids == sorted(ids)
    assert {"t-alpha", "js-xinwu-mems-sensors"} <= set(ids)


def test_open_with_data_imports_the_folder():
    kg = KnowledgeGraph.open(data=[VALID])
    assert "t-alpha" in kg.cluster_ids()
