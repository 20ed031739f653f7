"""Designations: the national lists of shared/domain/real-clusters.md under miit-2022, their
validity (a list of year L is valid L+1 .. L+N; the 2022 notice: 有效期为2023年至2025年) and
review dates, and what `check` says about them."""

from __future__ import annotations

import json

import pytest

from policykb.cli import main
from policykb.knowledge_base import KnowledgeBase
from policykb.research.designations import designations, due

# The 2022 MIIT list of real-clusters.md (9 of the first national batch).
LIST_2022 = {"js-changshu-fluorine-materials", "js-liyang-power-batteries", "js-huishan-basic-components",
             "js-tongshan-safety-emergency", "js-yuhuatai-rail-power", "ha-changyuan-cranes",
             "ha-xiangcheng-carbon-silicon", "ha-yexian-nylon", "ha-xinan-bearings"}
NATIONAL_BY_YEAR = {2022: 9, 2023: 3, 2024: 4, 2025: 5}


@pytest.fixture(scope="module")
def kb():
    return KnowledgeBase.open()


def run(capsys, *args) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_the_2022_list_is_valid_2023_to_2025_and_due_for_review_in_2025(kb):
    listed = [d for d in designations(kb) if d.list_year == 2022]
    assert {d.cluster for d in listed} == LIST_2022
    assert {(d.policy, d.valid_from, d.valid_to, d.review_due) for d in listed} == {("miit-2022", 2023, 2025, 2025)}
    assert {d.document for d in listed} == {"工业和信息化部2022年度中小企业特色产业集群名单"}


def test_every_national_list_year_is_recorded_under_the_national_measure(kb):
    found = designations(kb)
    assert {y: sum(d.list_year == y for d in found) for y in NATIONAL_BY_YEAR} == NATIONAL_BY_YEAR
    assert len(found) == 21 and {d.policy for d in found} == {"miit-2022"}
    mems = next(d for d in found if d.cluster == "js-xinwu-mems-sensors")  # 2024 list
    assert (mems.valid_from, mems.valid_to, mems.review_due) == (2025, 2027, 2027)


def test_designation_records_agree_with_the_list_links_of_the_clusters(kb):
    rows = kb.graph.query("""SELECT ?id ?year WHERE {
        ?c a pkb:Cluster ; dcterms:identifier ?id ; pkb:designatedIn ?list .
        ?list pkb:level "national" ; pkb:year ?year }""").rows
    assert {(str(c), int(y)) for c, y in rows} == {(d.cluster, d.list_year) for d in designations(kb)}


def test_due_2025_lists_exactly_the_2022_list(capsys, kb):
    assert {d.cluster for d in due(designations(kb), 2025)} == LIST_2022
    status, out, _ = run(capsys, "designations", "--due", "2025", "--format", "json")
    assert status == 0
    rows = json.loads(out)
    assert {r["cluster"] for r in rows} == LIST_2022
    dates = {(r["list_year"], r["valid_from"], r["valid_to"], r["review_due"]) for r in rows}
    assert dates == {(2022, 2023, 2025, 2025)}
    status, out, _ = run(capsys, "designations", "--due", "2025")
    assert out.startswith("Designations whose review falls due in 2025: 9\n")
    assert {line.split()[0] for line in out.splitlines()[3:] if line} == LIST_2022


def test_validity_comes_from_the_measure_and_a_policy_may_be_named_by_id(capsys, tmp_path):
    policies, data = tmp_path / "policies", tmp_path / "data"
    policies.mkdir()
    data.mkdir()
    (policies / "five.policy").write_text(
        'policy five-2019 {\n  title zh "测"\n  title en "T"\n  document "d"\n  effective 2019-01-01\n'
        '  validity 5 years\n}\ncriterion c {\n  kind hard\n  article "1"\n  require standards >= 1\n}\n',
        encoding="utf-8")
    (data / "extra.ttl").write_text(
        '@prefix pkb: <https://w3id.org/policykb/ns#> .\n'
        '<https://w3id.org/policykb/id/designation/x> a pkb:Designation ;\n'
        '  pkb:designatedCluster <https://w3id.org/policykb/id/cluster/js-jingjiang-car-body-parts> ;\n'
        '  pkb:underPolicy "five-2019" ; pkb:listYear 2020 ; pkb:listDocument "某省2020年名单" .\n',
        encoding="utf-8")
    status, out, _ = run(capsys, "designations", "--due", "2025", "--policies", str(policies), "--data", str(data),
                         "--format", "json")
    assert status == 0
    extra = [r for r in json.loads(out) if r["policy"] == "five-2019"]
    assert [(r["cluster"], r["valid_from"], r["valid_to"], r["list_document"]) for r in extra] == [
        ("js-jingjiang-car-body-parts", 2021, 2025, "某省2020年名单")]


def test_a_record_without_its_year_is_bad_input(capsys, tmp_path):
    (tmp_path / "bad.ttl").write_text(
        '@prefix pkb: <https://w3id.org/policykb/ns#> .\n'
        '<https://w3id.org/policykb/id/designation/bad> a pkb:Designation ;\n'
        '  pkb:designatedCluster <https://w3id.org/policykb/id/cluster/ha-changyuan-cranes> ;\n'
        '  pkb:underPolicy "miit-2022" .\n', encoding="utf-8")
    status, out, err = run(capsys, "designations", "--data", str(tmp_path / "bad.ttl"))
    assert (status, out) == (1, "")
    assert "designation/bad: error: designation record lacks pkb:listYear" in err and "Traceback" not in err


def test_check_says_the_cluster_holds_a_designation(capsys):
    status, out, _ = run(capsys, "check", "ha-changyuan-cranes", "--policy", "miit-2022", "--as-of", "2024")
    assert status == 0
    assert out.splitlines()[3] == ("  designation: listed under miit-2022 in 2022 "
                                   "(工业和信息化部2022年度中小企业特色产业集群名单), "
                                   "valid 2023-2025, review due 2025; in 2024: valid")
    status, out, _ = run(capsys, "check", "ha-changyuan-cranes", "--policy", "miit-2022", "--as-of", "2027",
                         "--format", "json")
    [held] = json.loads(out)["designations"]
    assert (held["list_year"], held["valid_to"], held["review_due"], held["standing"]) == (2022, 2025, 2025,
                                                                                           "validity ended")


@pytest.mark.parametrize("cluster, policy", [("ha-changyuan-cranes", "henan-2023"),  # national, not provincial
                                             ("js-jingjiang-car-body-parts", "miit-2022")])  # provincial only
def test_check_is_silent_without_a_designation_under_that_measure(capsys, cluster, policy):
    status, out, _ = run(capsys, "check", cluster, "--policy", policy, "--as-of", "2024", "--format", "json")
    assert status == 0 and "designations" not in json.loads(out)
    status, out, _ = run(capsys, "check", cluster, "--policy", policy, "--as-of", "2024")
    assert "designation:" not in out
