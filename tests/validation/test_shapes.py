"""kb/shapes.ttl and `policykb validate`: every kind of bad data is reported at its file and row.

The CSV importer already refuses many bad rows (negative values, a year on a static indicator,
unknown titles ...); Turtle data is not checked row by row, so those cases are written as Turtle
here, to reach the shapes. What CSV lets through (a part above its total, a year in the future)
is tested with CSV folders.
"""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from rdflib import BNode, Graph

from policykb.cli import main
from policykb.graph.store import KnowledgeGraph
from policykb.graph.synthetic import write_synthetic_folder
from policykb.graph.validation import PKBSH, validate
from policykb.knowledge_base import KnowledgeBase
from policykb.resources import kb_dir

PREFIXES = """\
@prefix pkb:     <https://w3id.org/policykb/ns#> .
@prefix cluster: <https://w3id.org/policykb/id/cluster/> .
@prefix ind:     <https://w3id.org/policykb/id/indicator/> .
@prefix qb:      <http://purl.org/linked-data/cube#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .

<source/test> a prov:Entity ; rdfs:label "synthetic test data" .
cluster:t-1 a pkb:Cluster ; dcterms:identifier "t-1" ; rdfs:label "SYNTHETIC 测试集群"@zh .
"""

CLUSTERS_CSV = """\
id,name_zh,name_en,province,county,leading_industry,area_km2
t-1,SYNTHETIC 测试集群,SYNTHETIC test cluster,Jiangsu,某县,轴承,12
t-2,SYNTHETIC 对照集群,SYNTHETIC clean cluster,Jiangsu,某县,轴承,12
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def turtle(tmp_path: Path, body: str) -> Path:
    return write(tmp_path / "data.ttl", PREFIXES + textwrap.dedent(body))


def line_of(path: Path, start: str) -> int:
    """The line of `path` that starts with `start`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(start):
            return number
    raise AssertionError(f"no line starts with {start!r}")


def report_of(path: Path, lang: str = "en"):
    return validate(KnowledgeGraph.open(data=[path]), files=[kb_dir(), path], lang=lang)


def of_shape(report, name: str) -> list:
    return [v for v in report.violations if v.shape.split("#")[-1] == name]


def csv_folder(tmp_path: Path, observations: str, incidents: str | None = None, name: str = "csv") -> Path:
    folder = tmp_path / name
    write(folder / "clusters.csv", CLUSTERS_CSV)
    write(folder / "observations.csv", "cluster,indicator,year,value,unit,source\n" + textwrap.dedent(observations))
    if incidents is not None:
        write(folder / "incidents.csv", "cluster,year,kind,severity,description\n" + textwrap.dedent(incidents))
    return folder


# -- every kind of violation, written in Turtle ---------------------------------------------------

TURTLE_CASES = {
    # shape: (Turtle, the subject of the offending record, what the message says)
    "negative money": ("NonNegativeValue", """
        <observation/t-1/total_output/2022> a qb:Observation ; pkb:cluster cluster:t-1 ;
            qb:measureType ind:total_output ; ind:total_output -5.0 ; pkb:year 2022 ;
            prov:hadPrimarySource <source/test> .
        """, "<observation/t-1/total_output/2022>",
        "observation/t-1/total_output/2022: total_output is -5.0, but a money value must be a number of at least 0"),
    "negative count": ("NonNegativeValue", """
        <observation/t-1/invention_patents/2022> a qb:Observation ; pkb:cluster cluster:t-1 ;
            qb:measureType ind:invention_patents ; ind:invention_patents -1 ; pkb:year 2022 ;
            prov:hadPrimarySource <source/test> .
        """, "<observation/t-1/invention_patents/2022>", "invention_patents is -1, but a count value"),
    "negative persons": ("NonNegativeValue", """
        <observation/t-1/employees/2022> a qb:Observation ; pkb:cluster cluster:t-1 ;
            qb:measureType ind:employees ; ind:employees -300 ; pkb:year 2022 ;
            prov:hadPrimarySource <source/test> .
        """, "<observation/t-1/employees/2022>", "employees is -300, but a persons value"),
    "negative area": ("NonNegativeValue", """
        <observation/t-1/area_km2> a qb:Observation ; pkb:cluster cluster:t-1 ;
            qb:measureType ind:area_km2 ; ind:area_km2 -2.5 ;
            prov:hadPrimarySource <source/test> .
        """, "<observation/t-1/area_km2>", "area_km2 is -2.5, but a area value"),
    "percent above 100": ("PercentValue", """
        <observation/t-1/cloud_adoption/2022> a qb:Observation ; pkb:cluster cluster:t-1 ;
            qb:measureType ind:cloud_adoption ; ind:cloud_adoption 120.0 ; pkb:year 2022 ;
            prov:hadPrimarySource <source/test> .
        """, "<observation/t-1/cloud_adoption/2022>",
        "cloud_adoption is 120.0, but a percentage lies between 0 and 100"),
    "percent below 0": ("PercentValue", """
        <observation/t-1/industrial_internet_penetration/2022> a qb:Observation ; pkb:cluster cluster:t-1 ;
            qb:measureType ind:industrial_internet_penetration ; ind:industrial_internet_penetration -0.5 ;
            pkb:year 2022 ; prov:hadPrimarySource <source/test> .
        """, "<observation/t-1/industrial_internet_penetration/2022>", "is -0.5, but a percentage"),
    "per-year indicator without a year": ("YearOfPerYearIndicator", """
        <observation/t-1/employees> a qb:Observation ; pkb:cluster cluster:t-1 ;
            qb:measureType ind:employees ; ind:employees 300 ;
            prov:hadPrimarySource <source/test> .
        """, "<observation/t-1/employees>", "employees is per year, so its observation needs exactly one year"),
    "static indicator with a year": ("NoYearOfStaticIndicator", """
        <observation/t-1/standards/2022> a qb:Observation ; pkb:cluster cluster:t-1 ;
            qb:measureType ind:standards ; ind:standards 3 ; pkb:year 2022 ;
            prov:hadPrimarySource <source/test> .
        """, "<observation/t-1/standards/2022>", "standards is not per year, but its observation has a year"),
    "year in the future": ("YearNotInTheFuture", """
        <observation/t-1/total_output/2999> a qb:Observation ; pkb:cluster cluster:t-1 ;
            qb:measureType ind:total_output ; ind:total_output 4000000000.0 ; pkb:year 2999 ;
            prov:hadPrimarySource <source/test> .
        """, "<observation/t-1/total_output/2999>", "year 2999 is after the current year"),
    "observation without a source": ("ObservationSource", """
        <observation/t-1/total_output/2022> a qb:Observation ; pkb:cluster cluster:t-1 ;
            qb:measureType ind:total_output ; ind:total_output 4000000000.0 ; pkb:year 2022 .
        """, "<observation/t-1/total_output/2022>", "the observation has no source (prov:hadPrimarySource)"),
    "SME output above total, IRIs not by key": ("SmeOutputWithinTotal", """
        <figure/a> a qb:Observation ; pkb:cluster cluster:t-1 ;
            qb:measureType ind:total_output ; ind:total_output 4000000000.0 ; pkb:year 2022 ;
            prov:hadPrimarySource <source/test> .
        <figure/b> a qb:Observation ; pkb:cluster cluster:t-1 ;
            qb:measureType ind:sme_output ; ind:sme_output 4000000001.0 ; pkb:year 2022 ;
            prov:hadPrimarySource <source/test> .
        """, "<figure/b>", "SME output 4000000001.0 CNY in 2022 is above the cluster's total output 4000000000.0 CNY"),
    "cluster without an id": ("ClusterId", """
        cluster:t-nameless a pkb:Cluster ; rdfs:label "SYNTHETIC 无编号"@zh .
        """, "cluster:t-nameless", "cluster/t-nameless: the cluster has no id (dcterms:identifier)"),
    "cluster with two ids": ("ClusterHasOneId", """
        cluster:t-twice a pkb:Cluster ; dcterms:identifier "t-twice" , "t-twice-2" .
        """, "cluster:t-twice", "the cluster has more than one id"),
    "two clusters with one id": ("ClusterIdNotShared", """
        cluster:t-again a pkb:Cluster ; dcterms:identifier "t-1" .
        """, "cluster:t-again",
        "cluster/t-again: cluster id 't-1' is also the id of <https://w3id.org/policykb/id/cluster/t-1>"),
    "unknown title": ("EnterpriseTitle", """
        <enterprise/t-e1> a pkb:Enterprise ; pkb:cluster cluster:t-1 ; pkb:inLeadingIndustry true ;
            pkb:holdsTitle <title/little_giant> , <title/golden_dragon> .
        """, "<enterprise/t-e1>", "holds title title/golden_dragon, which is not a title of the vocabulary"),
    "unknown incident kind": ("IncidentKind", """
        <incident/t-i1> a pkb:Incident ; pkb:cluster cluster:t-1 ; pkb:year 2022 ;
            pkb:incidentKind <incident-kind/meteor> ; pkb:severity <severity/minor> .
        """, "<incident/t-i1>", "kind incident-kind/meteor is not an incident kind of the vocabulary"),
    "unknown incident severity": ("IncidentSeverity", """
        <incident/t-i1> a pkb:Incident ; pkb:cluster cluster:t-1 ; pkb:year 2022 ;
            pkb:incidentKind <incident-kind/safety> ; pkb:severity <severity/apocalyptic> .
        """, "<incident/t-i1>", "severity severity/apocalyptic is not a severity of the vocabulary"),
    "assessment neither met nor unmet": ("AssessmentResult", """
        <assessment/t-1/miit-2022/innovation> a pkb:Assessment ; pkb:cluster cluster:t-1 ;
            pkb:assessesCriterion <policy/miit-2022/criterion/innovation> ; pkb:result "maybe" .
        """, "<assessment/t-1/miit-2022/innovation>",
        "the assessment's result is 'maybe', but a result is met or unmet"),
    "assessment without a result": ("AssessmentHasOneResult", """
        <assessment/t-1/miit-2022/innovation> a pkb:Assessment ; pkb:cluster cluster:t-1 ;
            pkb:assessesCriterion <policy/miit-2022/criterion/innovation> .
        """, "<assessment/t-1/miit-2022/innovation>", "the assessment needs exactly one result"),
}


@pytest.mark.parametrize("case", TURTLE_CASES)
def test_each_kind_of_bad_turtle_is_reported_at_its_line(tmp_path, case):
    shape, body, subject, message = TURTLE_CASES[case]
    path = turtle(tmp_path, body)
    report = report_of(path)
    assert not report.conforms
    found = [v.diagnostic for v in of_shape(report, shape) if message in v.diagnostic.message]
    assert len(found) == 1, report.render_text()
    diagnostic = found[0]
    assert (diagnostic.file, diagnostic.line) == (str(path), line_of(path, subject))
    assert diagnostic.hint  # every shape says what to do
    assert diagnostic.render().startswith(f"{path}:{line_of(path, subject)}: error: ")
    # Nothing else is wrong with these small files: one kind of violation each (the shared id
    # is reported at both clusters).
    assert {v.shape.split("#")[-1] for v in report.violations} == {shape}


def test_a_shared_id_is_reported_at_both_clusters(tmp_path):
    path = turtle(tmp_path, 'cluster:t-again a pkb:Cluster ; dcterms:identifier "t-1" .\n')
    found = of_shape(report_of(path), "ClusterIdNotShared")
    assert sorted(v.diagnostic.line for v in found) == [line_of(path, "cluster:t-1"), line_of(path, "cluster:t-again")]


def test_a_part_equal_to_its_total_is_no_violation(tmp_path):
    folder = csv_folder(tmp_path, """\
        t-1,total_output,2022,40,亿元,test
        t-1,sme_output,2022,40,亿元,test
        t-1,leading_output,2022,4000000000,CNY,test
        """)
    assert validate(KnowledgeGraph.open(data=[folder])).conforms


# -- what the CSV importer lets through ----------------------------------------------------------

def test_sme_and_leading_output_above_total_are_reported_at_their_csv_rows(tmp_path):
    folder = csv_folder(tmp_path, """\
        t-1,total_output,2022,40,亿元,test
        t-1,sme_output,2022,50,亿元,test
        t-1,leading_output,2022,4500000000,CNY,test
        t-1,total_output,2023,40,亿元,test
        t-1,sme_output,2023,30,亿元,test
        """)
    report = validate(KnowledgeGraph.open(data=[folder]))
    rows = folder / "observations.csv"
    assert [(v.shape.split("#")[-1], v.diagnostic.file, v.diagnostic.line) for v in report.violations] == [
        ("SmeOutputWithinTotal", str(rows), 3), ("LeadingOutputWithinTotal", str(rows), 4)]
    sme, leading = report.diagnostics
    assert sme.message == (f"observation/t-1/sme_output/2022: SME output 5000000000.0 CNY in 2022 is above the "
                           f"cluster's total output 4000000000.0 CNY that year ({rows}:2): SMEs' output is part of "
                           "the total, so its share cannot exceed 100%")
    assert "leading-industry output 4500000000.0 CNY in 2022" in leading.message
    assert all(v.cluster == "t-1" for v in report.violations)


def test_years_in_the_future_are_reported_at_every_row_that_has_them(tmp_path):
    folder = csv_folder(tmp_path, """\
        t-1,total_output,2999,40,亿元,test
        t-1,employees,2022,300,persons,test
        """, incidents="""\
        t-1,2999,safety,minor,a fire that has not happened yet
        """)
    report = validate(KnowledgeGraph.open(data=[folder]))
    assert [(Path(v.diagnostic.file).name, v.diagnostic.line) for v in report.violations] == [
        ("incidents.csv", 2), ("observations.csv", 2)]
    assert all("year 2999 is after the current year" in d.message for d in report.diagnostics)


def test_messages_and_hints_in_chinese(tmp_path):
    path = turtle(tmp_path, TURTLE_CASES["negative money"][1])
    diagnostic = report_of(path, lang="zh").diagnostics[0]
    assert "total_output 为 -5.0，但money类数值必须是不小于 0 的数" in diagnostic.message
    assert "请在数据源处更正该数值" in diagnostic.hint
    future = report_of(turtle(tmp_path, TURTLE_CASES["year in the future"][1]), lang="zh").diagnostics[0]
    assert "年度 2999 晚于当前年度" in future.message  # a SPARQL constraint's message, in its language


def test_a_node_without_record_or_turtle_line_is_named_by_its_iri(tmp_path):
    path = turtle(tmp_path, TURTLE_CASES["negative money"][1])
    report = validate(KnowledgeGraph.open(data=[path]))  # no files to search
    assert report.diagnostics[0].file == "<https://w3id.org/policykb/id/observation/t-1/total_output/2022>"


# -- slices, the shipped kb, the shapes file -----------------------------------------------------

def test_a_slice_reports_what_the_whole_graph_reports_about_its_cluster(tmp_path):
    folder = csv_folder(tmp_path, """\
        t-1,total_output,2022,40,亿元,test
        t-1,sme_output,2022,50,亿元,test
        t-2,total_output,2022,40,亿元,test
        t-2,total_output,2999,40,亿元,test
        """)
    kg = KnowledgeGraph.open(data=[folder])
    whole = validate(kg)
    for cluster in ("t-1", "t-2", "js-xinwu-mems-sensors"):
        part = validate(kg, clusters=[cluster])
        assert part.violations == tuple(whole.concerning(cluster))
        assert part.violations == whole.restricted([cluster]).violations
    assert [v.diagnostic.line for v in validate(kg, clusters=["t-2"]).violations] == [5]


def test_the_shipped_kb_validates_clean():
    report = validate(KnowledgeGraph.open(), files=[kb_dir()])
    assert report.conforms and report.violations == (), report.render_text()
    assert report.shapes > 20  # templates written out per indicator
    with_policies = KnowledgeBase.open().validation()
    assert with_policies.conforms, with_policies.render_text()


def test_synthetic_data_validates_clean(tmp_path):
    write_synthetic_folder(tmp_path / "syn", 30)
    report = validate(KnowledgeGraph.open(data=[tmp_path / "syn"]))
    assert report.conforms, report.render_text()


def test_shapes_in_the_kb_folder_do_not_disturb_the_graph():
    shapes = Graph().parse(kb_dir() / "shapes.ttl", format="turtle")
    assert not any(isinstance(term, BNode) for triple in shapes for term in triple)  # re-reading never duplicates
    assert all(str(s).startswith(str(PKBSH)) for s in shapes.subjects())  # nothing said about pkb: terms
    with_shapes = KnowledgeGraph.open()
    assert (PKBSH.NonNegativeValue, None, None) in with_shapes.graph
    without = KnowledgeGraph()
    for path in sorted(kb_dir().rglob("*.ttl")):
        if path.name != "shapes.ttl":
            without.add_turtle(path)
    assert with_shapes.vocabulary() == without.vocabulary()
    assert with_shapes.cluster_ids() == without.cluster_ids()
    assert with_shapes.facts() == without.facts()


def test_a_kb_without_shapes_is_checked_against_the_shipped_ones(tmp_path):
    kb = tmp_path / "kb"
    for path in kb_dir().rglob("*.ttl"):
        if path.name != "shapes.ttl":
            target = kb / path.relative_to(kb_dir())
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    bad = turtle(tmp_path, TURTLE_CASES["negative money"][1])
    kg = KnowledgeGraph.open(kb=kb, data=[bad])
    assert (PKBSH.NonNegativeValue, None, None) not in kg.graph
    assert [v.shape.split("#")[-1] for v in validate(kg).violations] == ["NonNegativeValue"]


# -- the command line ------------------------------------------------------------------------------

def test_validate_exit_status_and_text(tmp_path, capsys):
    assert main(["validate"]) == 0
    assert "conforms to the shapes" in capsys.readouterr().out
    path = turtle(tmp_path, TURTLE_CASES["negative money"][1] + TURTLE_CASES["cluster without an id"][1])
    assert main(["validate", "--data", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{path}:{line_of(path, '<observation/t-1/total_output/2022>')}: error: "
                               "observation/t-1/total_output/2022: total_output is -5.0")
    assert lines[1].startswith(f"{path}:{line_of(path, 'cluster:t-nameless')}: error: cluster/t-nameless: ")
    assert all(re.match(r"^\S+:\d+: error: ", line) for line in lines[:-1])
    assert lines[-1].startswith("2 violation(s)")


def test_validate_json_and_one_cluster(tmp_path, capsys):
    folder = csv_folder(tmp_path, """\
        t-1,total_output,2022,40,亿元,test
        t-1,sme_output,2022,50,亿元,test
        t-2,total_output,2999,40,亿元,test
        """)
    assert main(["validate", "--data", str(folder), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["conforms"] is False
    assert [(v["file"], v["line"], v["cluster"]) for v in report["violations"]] == [
        (str(folder / "observations.csv"), 3, "t-1"), (str(folder / "observations.csv"), 4, "t-2")]
    assert main(["validate", "--data", str(folder), "--cluster", "t-2", "--format", "json"]) == 1
    assert [v["line"] for v in json.loads(capsys.readouterr().out)["violations"]] == [4]
    assert main(["validate", "--data", str(folder), "--cluster", "js-xinwu-mems-sensors"]) == 0
    capsys.readouterr()
    assert main(["validate", "--cluster", "no-such-cluster"]) == 1
    assert "unknown cluster 'no-such-cluster'" in capsys.readouterr().err


def test_validate_refuses_rdf_formats(capsys):
    assert main(["validate", "--format", "ttl"]) == 1
    assert "cannot write --format ttl" in capsys.readouterr().err


def test_import_refuses_invalid_data_unless_allowed(tmp_path, capsys):
    folder = csv_folder(tmp_path, """\
        t-1,total_output,2022,40,亿元,test
        t-1,sme_output,2022,50,亿元,test
        """)
    kb = tmp_path / "kb"
    assert main(["import", str(folder), "--into", str(kb)]) == 1
    err = capsys.readouterr().err
    assert f"{folder / 'observations.csv'}:3: error: observation/t-1/sme_output/2022: SME output" in err
    assert "not imported" in err and "--allow-invalid" in err
    assert not (kb / "knowledge-graph.ttl").exists()

    assert main(["import", str(folder), "--into", str(kb), "--allow-invalid"]) == 0
    captured = capsys.readouterr()
    assert "kb written to" in captured.out
    assert f"{folder / 'observations.csv'}:3: warning: " in captured.err
    assert (kb / "knowledge-graph.ttl").is_file()
    # The written kb keeps the rows the figures came from: check warns about them.
    assert main(["check", "t-1", "--policy", "miit-2022", "--as-of", "2024", "--kb", str(kb)]) == 0
    assert f"{folder / 'observations.csv'}:3: warning: " in capsys.readouterr().err


def test_import_of_valid_data_still_writes(tmp_path, capsys):
    folder = csv_folder(tmp_path, "t-1,total_output,2022,40,亿元,test\n")
    assert main(["import", str(folder), "--into", str(tmp_path / "kb")]) == 0
    assert capsys.readouterr().err == ""


def test_check_warns_about_the_checked_cluster_only(tmp_path, capsys):
    folder = csv_folder(tmp_path, """\
        t-1,total_output,2022,40,亿元,test
        t-1,sme_output,2022,50,亿元,test
        t-2,total_output,2022,40,亿元,test
        """)
    args = ["--policy", "miit-2022", "--as-of", "2024", "--data", str(folder)]
    assert main(["check", "t-1", *args]) == 0
    captured = capsys.readouterr()
    assert "UNDETERMINED" in captured.out or "INELIGIBLE" in captured.out or "ELIGIBLE" in captured.out
    err = captured.err.splitlines()
    assert err[0].startswith("warning: the data about t-1 breaks the SHACL shapes")
    assert err[1].startswith(f"{folder / 'observations.csv'}:3: warning: observation/t-1/sme_output/2022: ")

    assert main(["check", "t-1", *args, "--format", "json"]) == 0
    captured = capsys.readouterr()
    verdict = json.loads(captured.out)
    assert [(w["file"], w["line"], w["shape"].split("#")[-1]) for w in verdict["warnings"]] == [
        (str(folder / "observations.csv"), 3, "SmeOutputWithinTotal")]
    assert captured.err == ""

    assert main(["check", "t-1", "--all", "--as-of", "2024", "--data", str(folder), "--format", "json"]) == 0
    assert all(v["warnings"] for v in json.loads(capsys.readouterr().out))

    assert main(["check", "t-2", *args, "--format", "json"]) == 0  # its data is fine
    captured = capsys.readouterr()
    assert "warnings" not in json.loads(captured.out) and captured.err == ""
    assert main(["check", "js-xinwu-mems-sensors", "--policy", "jiangsu-2023", "--as-of", "2024"]) == 0
    assert capsys.readouterr().err == ""


def test_a_blank_node_is_named_by_its_kind_and_cluster(tmp_path, capsys):
    data = tmp_path / "blank.ttl"
    data.write_text(textwrap.dedent("""\
        @prefix pkb: <https://w3id.org/policykb/ns#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        @prefix qb: <http://purl.org/linked-data/cube#> .
        @prefix ind: <https://w3id.org/policykb/id/indicator/> .
        @prefix cluster: <https://w3id.org/policykb/id/cluster/> .
        cluster:bn a pkb:Cluster ; dcterms:identifier "bn" .
        [] a qb:Observation ; pkb:cluster cluster:bn ; qb:measureType ind:total_output ;
           ind:total_output -5 ; pkb:year 2023 .
        """), encoding="utf-8")
    assert main(["validate", "--data", str(data)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert all(line.startswith("error: a qb:Observation without an IRI, of cluster bn: ") for line in lines[:-1])
    assert "total_output is -5" in lines[1] and len(lines) == 3
