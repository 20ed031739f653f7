"""Designation records written other ways than the shipped ones: a measure that states no
validity or is not loaded, a cluster or measure named only by its IRI or as a literal, and
list years that are not years. One SYNTHETIC cluster; a kb folder without the real ones."""

from __future__ import annotations

import json

import pytest

from policykb.cli import main
from policykb.knowledge_base import KnowledgeBase
from policykb.research.designations import designations

PREFIXES = """\
@base <https://w3id.org/policykb/id/> .
@prefix pkb: <https://w3id.org/policykb/ns#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
RECORDS = PREFIXES + """\
<cluster/syn-des> a pkb:Cluster ; dcterms:identifier "syn-des" ; rdfs:label "合成认定集群"@zh .
<designation/no-validity> a pkb:Designation ; pkb:designatedCluster <cluster/syn-des> ;
    pkb:underPolicy "novalid-2019" ; pkb:listYear 2020 ; pkb:listDocument "某省2020年名单" .
<designation/iri-only> a pkb:Designation ; pkb:designatedCluster <cluster/syn-%E6%B5%8B> ;
    pkb:underPolicy <policy/gone-2018> ; pkb:listYear 2019 .
<designation/literal-cluster> a pkb:Designation ; pkb:designatedCluster "syn-des" ;
    pkb:underPolicy <https://example.org/measures/m1> ; pkb:listYear 2021 .
<designation/national> a pkb:Designation ; pkb:designatedCluster <cluster/syn-des> ;
    pkb:underPolicy <policy/miit-2022> ; pkb:listYear 2022 .
"""
# A measure with no `validity N years` line.
NO_VALIDITY = """policy novalid-2019 {
  title zh "无有效期"
  title en "No validity (test)"
  effective 2019-01-01
}
criterion pillar {
  kind hard
  article "1"
  require pillar_industry
}
"""


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("designations")
    (root / "novalid.policy").write_text(NO_VALIDITY, encoding="utf-8")
    (root / "records.ttl").write_text(RECORDS, encoding="utf-8")
    return {"policies": root, "data": root / "records.ttl"}  # beside the shipped kb and its national lists


@pytest.fixture(scope="module")
def options(folders) -> list[str]:
    return [f"--{name}={path}" for name, path in folders.items()]


def ours(rows: list) -> list:
    """The rows of the synthetic clusters (not the shipped national lists)."""
    return [r for r in rows if r["cluster"].startswith("syn-")]


def run(capsys, *args) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_clusters_and_measures_named_only_by_iri_or_literal(capsys, options):
    status, out, err = run(capsys, "designations", *options, "--format", "json")
    assert (status, err) == (0, "")
    rows = [(r["cluster"], r["policy"], r["list_year"], r["valid_from"], r["valid_to"], r["review_due"])
            for r in ours(json.loads(out))]
    assert rows == [
        ("syn-测", "gone-2018", 2019, None, None, None),  # the id read from the IRIs; that measure is not loaded
        ("syn-des", "novalid-2019", 2020, None, None, None),  # loaded, but states no validity
        ("syn-des", "https://example.org/measures/m1", 2021, None, None, None),  # an IRI outside policykb's
        ("syn-des", "miit-2022", 2022, 2023, 2025, 2025),
    ]


def test_the_table_marks_unknown_validity_and_says_why(capsys, options):
    status, out, _ = run(capsys, "designations", *options)
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "Designations: 25"  # the 21 national ones and ours
    assert [line.split() for line in lines if line.startswith("syn-des  ")][:2] == [
        ["syn-des", "novalid-2019", "2020", "?", "?", "某省2020年名单"],
        ["syn-des", "https://example.org/measures/m1", "2021", "?", "?"]]
    assert lines[-1] == ("validity unknown for gone-2018, https://example.org/measures/m1, novalid-2019: "
                         "the measure is not loaded or states no `validity N years`")


def test_check_says_when_validity_is_unknown(capsys, options):
    args = ["check", "syn-des", "--policy", "novalid-2019", "--as-of", "2024", *options]
    status, out, _ = run(capsys, *args)
    assert status == 0
    assert out.splitlines()[3] == ("  designation: listed under novalid-2019 in 2020 (某省2020年名单), "
                                   "validity unknown (the measure states no validity or is not loaded)")
    status, out, _ = run(capsys, *args, "--format", "json")
    [held] = json.loads(out)["designations"]
    assert (held["list_year"], held["valid_from"], held["review_due"], held["standing"]) == (2020, None, None, None)


def test_a_designation_describes_itself_with_or_without_a_year(folders):
    kb = KnowledgeBase.open(data=[folders["data"]], policies=[folders["policies"]])
    national = next(d for d in designations(kb) if d.cluster == "syn-des" and d.policy == "miit-2022")
    assert national.describe() == "listed under miit-2022 in 2022, valid 2023-2025, review due 2025"
    assert national.describe(2026) == "listed under miit-2022 in 2022, valid 2023-2025, review due 2025; " \
                                      "in 2026: validity ended"
    assert [national.standing(y) for y in (2022, 2023, 2025, 2026)] == ["not yet valid", "valid", "valid",
                                                                       "validity ended"]


def test_list_years_that_are_not_years_are_bad_input_all_at_once(capsys, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + "".join(
        f'<designation/bad-{n}> a pkb:Designation ; pkb:designatedCluster <cluster/ha-changyuan-cranes> ;\n'
        f'    pkb:underPolicy "miit-2022" ; pkb:listYear {year} .\n'
        for n, year in enumerate(('"abc"', "2022.5", "20220"))), encoding="utf-8")
    status, out, err = run(capsys, "designations", "--data", str(bad))
    assert (status, out) == (1, "")
    expected = "Expected pkb:designatedCluster, pkb:underPolicy and pkb:listYear (see kb/ontology-designations.ttl)."
    assert err.splitlines() == [
        f"https://w3id.org/policykb/id/designation/bad-{n}: error: designation record lacks pkb:listYear as a "
        f"year (found '{found}'). {expected}" for n, found in enumerate(("abc", "2022.5", "20220"))]
