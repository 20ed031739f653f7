"""Bad CSV input: every problem of a folder is reported at once, located by file, line and
column name, with a hint; and the graph is left exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from policykb.errors import PolicyKBError
from policykb.graph.store import KnowledgeGraph

from .conftest import DATA, diagnostics, snapshot

BAD = DATA / "bad-rows"
CLUSTERS_HEADER = "id,name_zh,name_en,province,county,leading_industry,area_km2\n"

# (file, line, column, in the message, in the hint or expected) for tests/data/graph/bad-rows
EXPECTED = [
    ("clusters.csv", 2, "area_km2", "value '-5' is negative, but area cannot be", ">= 0"),
    ("clusters.csv", 3, "id", "cluster 'b-one' is listed twice", None),
    ("clusters.csv", 4, "id", "cluster id 'b two' is not a valid id", "letters, digits"),
    ("clusters.csv", 6, "id", "cluster 'js-changshu-fluorine-materials' is already in the knowledge graph",
     "list them in observations.csv"),
    ("observations.csv", 2, "indicator", "unknown indicator 'total_ouput'", "Did you mean 'total_output'"),
    ("observations.csv", 3, "cluster", "unknown cluster 'b-onee'", "Did you mean 'b-one'"),
    ("observations.csv", 4, "value", "'abc' is not a number", "a decimal number"),
    ("observations.csv", 5, "unit", "unit '%' measures percent, but 'total_output' is money",
     "100M CNY (亿元); 10k CNY (万元); CNY (yuan, 元)"),
    ("observations.csv", 6, "unit", "unknown unit '亿圆'", "Did you mean '亿元'"),
    ("observations.csv", 7, "year", "year is empty, but 'total_output' is per year", "statistical year"),
    ("observations.csv", 8, "year", "'standards' is not per year, but a year is given", "an empty year"),
    ("observations.csv", 9, "year", "year '20x2' is not a year", "four-digit year"),
    ("observations.csv", 10, "value", "'yes' is not true or false", "true or false"),
    ("observations.csv", 11, "value", "value '-1' is negative, but money cannot be", ">= 0"),
    ("observations.csv", 12, "value", "value '-2' is negative, but count cannot be", ">= 0"),
    ("observations.csv", 14, "value", "conflicting values for 'leading_output' of 'b-one' in 2022: "
                                      f"1100000000 here, 1000000000 at {BAD}/observations.csv:13", "one row per"),
    ("observations.csv", 16, "value", f"duplicate value for 'employees' of 'b-one' in 2022: also given at "
                                      f"{BAD}/observations.csv:15", "one row per"),
    ("observations.csv", 17, "value", f"conflicting values for 'area_km2' of 'b-three': 95 here, 90 at "
                                      f"{BAD}/clusters.csv:5", "one row per"),
    ("observations.csv", 18, "value", "value '1.5' is not a whole number", "whole number (count)"),
    ("observations.csv", 19, "value", "'1,200' is not a number", "without thousands separators"),
    ("observations.csv", 20, "value", "value is empty", "unknown, never zero"),
    ("enterprises.csv", 2, "titles", "unknown title 'little_gaint'", "Did you mean 'little_giant'"),
    ("enterprises.csv", 3, "cluster", "unknown cluster 'b-nobody'", "already in the knowledge graph"),
    ("enterprises.csv", 4, "in_leading_industry", "'yes' is not true or false", "true or false"),
    ("incidents.csv", 2, "kind", "unknown incident kind 'safty'", "Did you mean 'safety'"),
    ("incidents.csv", 3, "severity", "unknown severity 'majr'", "Did you mean 'major'"),
    # the row on line 3 spans two physical lines (quoted newline), so the next row is line 5
    ("incidents.csv", 5, "year", "year 'last year' is not a year", "four-digit year"),
    ("assessments.csv", 2, "result", "result 'passed' is not met or unmet", "met or unmet"),
    ("assessments.csv", 3, "date", "'May 2023' is not a date", "YYYY-MM-DD"),
]


@pytest.fixture(scope="module")
def bad_folder_problems():
    kg = KnowledgeGraph.open()
    with pytest.raises(PolicyKBError) as excinfo:
        kg.add_csv_folder(BAD)
    return diagnostics(excinfo)


def test_every_problem_of_the_folder_is_reported_together(bad_folder_problems):
    located = [(Path(p.file).name, p.line, p.column) for p in bad_folder_problems]
    assert located == [(f, line, col) for f, line, col, _, _ in EXPECTED]


@pytest.mark.parametrize("file, line, column, message, hint", EXPECTED, ids=[f"{e[0]}:{e[1]}" for e in EXPECTED])
def test_each_problem_is_located_and_explained(bad_folder_problems, file, line, column, message, hint):
    [problem] = [p for p in bad_folder_problems if Path(p.file).name == file and p.line == line]
    assert problem.file == str(BAD / file)
    assert problem.column == column
    assert message in problem.message
    if hint:
        assert hint in f"{problem.expected} {problem.hint}"
    rendered = problem.render()
    assert rendered.startswith(f"{BAD / file}:{line}:{column}: error: ")


def test_a_failing_import_leaves_the_graph_untouched(kg):
    before, version, vocabulary = snapshot(kg), kg.data_version, kg.vocabulary()
    with pytest.raises(PolicyKBError):
        kg.add_csv_folder(BAD)
    assert snapshot(kg) == before
    assert kg.data_version == version and kg.vocabulary() is vocabulary
    assert "b-one" not in kg.cluster_ids()


def test_one_bad_row_among_good_ones_adds_nothing(kg, write_folder):
    folder = write_folder({
        "clusters.csv": CLUSTERS_HEADER + "t-a,合成,SYNTHETIC a,,,,\nt-b,合成,SYNTHETIC b,,,,\n",
        "observations.csv": "cluster,indicator,year,value,unit,source\n"
                            "t-a,total_output,2022,40,亿元,SYNTHETIC\nt-b,total_output,2022,40,亿园,SYNTHETIC\n",
    })
    before = snapshot(kg)
    with pytest.raises(PolicyKBError) as excinfo:
        kg.add_csv_folder(folder)
    assert len(diagnostics(excinfo)) == 1
    assert snapshot(kg) == before


def test_an_observation_already_in_the_graph_is_refused(kg, write_folder):
    folder = write_folder({"observations.csv": "cluster,indicator,year,value,unit,source\n"
                                               "js-xinwu-mems-sensors,total_output,2023,250.41,亿元,SYNTHETIC\n"
                                               "js-xinwu-mems-sensors,little_giants,,19,,SYNTHETIC\n"})
    with pytest.raises(PolicyKBError) as excinfo:
        kg.add_csv_folder(folder)
    first, second = diagnostics(excinfo)
    assert "'total_output' of 'js-xinwu-mems-sensors' in 2023 is already in the knowledge graph with the " \
           "same value (from real-clusters.md" in first.message
    assert "already in the knowledge graph with the value 18" in second.message


@pytest.mark.parametrize("header, message, column, hint", [
    ("cluster,indicator,year,value,units,source", "unknown column 'units'", "units", "Did you mean 'unit'?"),
    ("cluster,indicator,year,value,source", "column 'unit' is missing from the header", "unit", None),
    ("cluster,indicator,year,value,unit,source,year", "column 'year' appears twice", "year", None),
])
def test_header_must_hold_exactly_the_documented_columns(kg, write_folder, header, message, column, hint):
    folder = write_folder({"observations.csv": header + "\n"})
    with pytest.raises(PolicyKBError) as excinfo:
        kg.add_csv_folder(folder)
    problem = next(p for p in diagnostics(excinfo) if message in p.message)
    assert (problem.line, problem.column) == (1, column)
    assert problem.expected == "cluster,indicator,year,value,unit,source"
    if hint:
        assert problem.hint == hint


def test_columns_may_come_in_another_order(kg, write_folder):
    folder = write_folder({"clusters.csv": "name_en,id,name_zh,province,county,leading_industry,area_km2\n"
                                           "SYNTHETIC a,t-a,合成,,,,12.5\n"})
    kg.add_csv_folder(folder)
    assert [(o.indicator, o.value) for o in kg.facts(["t-a"]).observations] == [("area_km2", 12.5)]


def test_an_empty_file_has_no_header(kg, write_folder):
    folder = write_folder({"clusters.csv": ""})
    with pytest.raises(PolicyKBError, match="clusters.csv:1: error: the header row is missing"):
        kg.add_csv_folder(folder)


def test_a_row_with_the_wrong_number_of_fields(kg, write_folder):
    folder = write_folder({"clusters.csv": CLUSTERS_HEADER + "t-a,合成,SYNTHETIC a, with comma,,,,\n"})
    with pytest.raises(PolicyKBError) as excinfo:
        kg.add_csv_folder(folder)
    [problem] = diagnostics(excinfo)
    assert (problem.line, problem.message) == (2, "row has 8 fields, the header has 7")
    assert problem.hint == "quote a field that contains a comma"


def test_blank_lines_are_skipped_but_counted(kg, write_folder):
    folder = write_folder({"clusters.csv": CLUSTERS_HEADER + "\n,,,,,,\nt a,合成,SYNTHETIC a,,,,\n"})
    with pytest.raises(PolicyKBError) as excinfo:
        kg.add_csv_folder(folder)
    assert [p.line for p in diagnostics(excinfo)] == [4]


def test_invalid_utf8_is_located(kg, tmp_path: Path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "clusters.csv").write_bytes(CLUSTERS_HEADER.encode() + b"t-a,\xb3\xa3\xca\xec,SYNTHETIC,,,,\n")
    with pytest.raises(PolicyKBError) as excinfo:
        kg.add_csv_folder(folder)
    [problem] = diagnostics(excinfo)
    assert (problem.line, problem.message) == (2, "file is not valid UTF-8")
    assert "CSV UTF-8" in problem.hint


def test_an_unknown_file_in_the_folder_is_an_error(kg, write_folder):
    folder = write_folder({"observation.csv": "cluster,indicator,year,value,unit,source\n"})
    with pytest.raises(PolicyKBError) as excinfo:
        kg.add_csv_folder(folder)
    [problem] = diagnostics(excinfo)
    assert "'observation.csv' is not a file of the CSV layout" in problem.message
    assert problem.hint == "Did you mean 'observations.csv'?"


def test_a_folder_needs_at_least_one_layout_file(kg, tmp_path: Path):
    with pytest.raises(PolicyKBError, match="no CSV file of the layout"):
        kg.add_csv_folder(tmp_path)
    with pytest.raises(PolicyKBError, match="CSV folder does not exist"):
        kg.add_csv_folder(tmp_path / "missing")


def test_an_enterprise_list_already_declared_complete_cannot_grow(kg, write_folder):
    kg.add_csv_folder(DATA / "valid")
    folder = write_folder({"enterprises.csv": "id,name,cluster,in_leading_industry,titles\n"
                                              "t-alpha-e9,SYNTHETIC,t-alpha,true,high_tech\n"})
    with pytest.raises(PolicyKBError) as excinfo:
        kg.add_csv_folder(folder)
    [problem] = diagnostics(excinfo)
    assert "was already declared complete by" in problem.message and problem.column == "cluster"


def test_duplicate_enterprise_and_assessment_rows(kg, write_folder):
    folder = write_folder({
        "clusters.csv": CLUSTERS_HEADER + "t-a,合成,SYNTHETIC a,,,,\n",
        "enterprises.csv": "id,name,cluster,in_leading_industry,titles\n"
                           "t-e,SYNTHETIC,t-a,true,\nt-e,SYNTHETIC,t-a,false,\n",
        "assessments.csv": "cluster,policy,criterion,result,assessor,date\n"
                           "t-a,miit,innovation,met,,\nt-a,miit,innovation,unmet,,\n",
    })
    with pytest.raises(PolicyKBError) as excinfo:
        kg.add_csv_folder(folder)
    messages = [p.message for p in diagnostics(excinfo)]
    assert messages == [f"enterprise 't-e' is listed twice (also at {folder}/enterprises.csv:2)",
                        f"criterion 'innovation' of 'miit' is assessed twice for 't-a' "
                        f"(also at {folder}/assessments.csv:2)"]


def test_the_error_renders_without_a_traceback(kg):
    with pytest.raises(PolicyKBError) as excinfo:
        kg.add_csv_folder(BAD)
    text = str(excinfo.value)
    assert "Traceback" not in text
    assert len(text.splitlines()) == len(EXPECTED)
