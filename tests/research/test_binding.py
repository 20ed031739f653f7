"""Binding criteria: the counts per criterion are those the statuses give, each column
follows its stated definition, and the command prints, writes JSON and draws."""

from __future__ import annotations

import csv
import json
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from policykb import resources
from policykb.cli import main
from policykb.errors import PolicyKBError
from policykb.graph.synthetic import write_synthetic_folder
from policykb.knowledge_base import KnowledgeBase
from policykb.research import charts
from policykb.research.binding import binding

POLICY = "henan-2023"
SOURCE = "SYNTHETIC test data (tests/research/test_binding.py)"
FLAGS = ("pillar_industry", "management_body", "public_service_system", "platform_cooperation", "development_plan",
         "chain_map", "sharing_mechanism", "carbon_monitoring", "green_service", "efficiency_benchmark")


def observations(cid: str, sme_yi: str | None = "28", output_2021_yi: str = "32", pillar: str = "true") -> list:
    """Rows of a SYNTHETIC cluster meeting every Henan condition unless an argument says
    otherwise (SME output of a 40亿元 total; None = not published)."""
    rows = [[cid, "total_output", "2021", output_2021_yi, "100M CNY", SOURCE],
            [cid, "total_output", "2022", "36", "100M CNY", SOURCE],
            [cid, "total_output", "2023", "40", "100M CNY", SOURCE],
            [cid, "leading_output", "2023", "26.4", "100M CNY", SOURCE],
            [cid, "rd_expenditure", "2023", "6000", "10k CNY", SOURCE],
            [cid, "invention_patents", "2023", "120", "", SOURCE], [cid, "employees", "2023", "100000", "", SOURCE],
            [cid, "industrial_internet_penetration", "2023", "12", "%", SOURCE],
            [cid, "standards", "", "2", "", SOURCE], [cid, "little_giants", "", "1", "", SOURCE]]
    if sme_yi is not None:
        rows.append([cid, "sme_output", "2023", sme_yi, "100M CNY", SOURCE])
    return rows + [[cid, flag, "", pillar if flag == "pillar_industry" else "true", "", SOURCE] for flag in FLAGS]


# id -> (observation arguments, area km2, frontier assessed)
CLUSTERS = {
    "syn-eligible": ({}, "80", True),
    "syn-only-share": ({"sme_yi": "24"}, "80", True),                         # 60% < 65%: alone
    "syn-share-and-output": ({"sme_yi": "24", "output_2021_yi": "29"}, "80", True),  # two unmet: not alone
    "syn-share-unknown": ({"sme_yi": None}, "80", True),                      # unknown alone
    "syn-area-review": ({}, "120", True),                                     # soft over 100 km2: review alone
    "syn-frontier-open": ({}, "80", False),                                   # qualitative, unassessed: review
    "syn-not-pillar": ({"pillar": "false"}, "80", True),                      # unmet alone
    "syn-share-unknown-not-pillar": ({"sme_yi": None, "pillar": "false"}, "80", True),  # neither alone
}


def write_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    tables = {
        "clusters.csv": [["id", "name_zh", "name_en", "province", "county", "leading_industry", "area_km2"]]
        + [[cid, f"合成集群 {cid}", f"SYNTHETIC cluster {cid}", "Henan", "合成县", "bearings", area]
           for cid, (_, area, _) in CLUSTERS.items()],
        "observations.csv": [["cluster", "indicator", "year", "value", "unit", "source"]]
        + [row for cid, (kwargs, _, _) in CLUSTERS.items() for row in observations(cid, **kwargs)],
        "incidents.csv": [["cluster", "year", "kind", "severity", "description"]],  # complete: none
        "assessments.csv": [["cluster", "policy", "criterion", "result", "assessor", "date"]]
        + [[cid, POLICY, "frontier", "met", "SYNTHETIC panel", "2024-04-20"]
           for cid, (_, _, assessed) in CLUSTERS.items() if assessed],
    }
    for name, rows in tables.items():
        with (folder / name).open("w", encoding="utf-8", newline="") as out:
            csv.writer(out, lineterminator="\n").writerows(rows)
    return folder


@pytest.fixture(scope="module")
def paths(tmp_path_factory) -> tuple[Path, Path]:
    """A kb folder with only the shipped ontology and vocabulary (no real clusters, so the
    counts are exact), and the synthetic CSV folder."""
    kb_folder = tmp_path_factory.mktemp("kb")
    for name in ("ontology.ttl", "vocabulary.ttl"):
        shutil.copy(resources.kb_dir() / name, kb_folder / name)
    return kb_folder, write_folder(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="module")
def kb(paths):
    return KnowledgeBase.open(kb=paths[0], data=[paths[1]])


def from_statuses(kb, policy, as_of) -> dict[str, tuple[int, ...]]:
    """The columns counted straight from `kb.statuses`, cluster by cluster."""
    statuses = kb.statuses(policy, as_of)
    criteria = [c.id for c in kb.version(policy, as_of)[0].criteria]
    table = {}
    for cid in criteria:
        unmet = alone = alone_not_met = unknown = review = 0
        for cluster in statuses.values():
            not_met_elsewhere = [k for k in criteria if k != cid and cluster[k] != "met"]
            unmet += cluster[cid] == "unmet"
            unknown += cluster[cid] == "unknown"
            review += cluster[cid] == "review"
            alone += cluster[cid] == "unmet" and not not_met_elsewhere
            alone_not_met += cluster[cid] != "met" and not not_met_elsewhere
        table[cid] = (unmet, alone, alone_not_met, unknown, review)
    return table


def columns(result) -> dict[str, tuple[int, ...]]:
    return {r.criterion: (r.unmet, r.alone, r.alone_not_met, r.unknown, r.review) for r in result.rows}


def test_counts_worked_out_by_hand(kb):
    result = binding(kb, POLICY, 2024)
    table = columns(result)
    #                          unmet alone alone_not_met unknown review
    assert table["sme-share"] == (2, 1, 2, 2, 0)
    assert table["output"] == (1, 0, 0, 0, 0)
    assert table["pillar"] == (2, 1, 1, 0, 0)
    assert table["area"] == (0, 0, 1, 0, 1)
    assert table["frontier"] == (0, 0, 1, 0, 1)
    assert table["governance"] == (0, 0, 0, 0, 0)
    assert result.clusters == 8
    assert result.verdicts == {"eligible": 1, "ineligible": 4, "undetermined": 3}


def test_rows_follow_policy_order_and_kinds(kb):
    result = binding(kb, POLICY, 2024)
    policy = kb.policy(POLICY)
    assert [(r.criterion, r.kind) for r in result.rows] == [(c.id, c.kind) for c in policy.criteria]


def test_counts_equal_those_derived_from_statuses(kb):
    assert columns(binding(kb, POLICY, 2024)) == from_statuses(kb, POLICY, 2024)


@pytest.mark.parametrize("policy", ["miit-2022", "jiangsu-2023", "henan-2023"])
def test_generated_synthetic_clusters_agree_with_statuses(tmp_path_factory, policy):
    folder = tmp_path_factory.mktemp("generated")
    write_synthetic_folder(folder, 60, seed=3)
    generated = KnowledgeBase.open(data=[folder])
    result = binding(generated, policy, 2024)
    assert columns(result) == from_statuses(generated, policy, 2024)
    assert sum(result.verdicts.values()) == result.clusters == len(generated.statuses(policy, 2024))


def test_an_unknown_policy_is_a_clear_error(kb):
    with pytest.raises(PolicyKBError, match="no policy with id 'henan-2032'.*Did you mean 'henan-2023'"):
        binding(kb, "henan-2032", 2024)


def test_command_text_json_and_chart(paths, capsys, tmp_path):
    kb_folder, data = paths
    args = ["binding", "--policy", POLICY, "--as-of", "2024", "--kb", str(kb_folder), "--data", str(data)]
    assert main(args + ["--chart", str(tmp_path / "binding.png")]) == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert lines[0] == "henan-2023, application year 2024: 8 clusters (1 eligible, 4 ineligible, 3 undetermined)"
    # The header says which definition each column uses.
    assert "  alone         unmet here and met on every other criterion" in text
    assert "  alone_not_met not met here (unmet, unknown or review) and met on every other criterion" in text
    header = next(i for i, line in enumerate(lines) if line.startswith("criterion"))
    assert lines[header].split() == ["criterion", "kind", "unmet", "alone", "alone_not_met", "unknown", "review"]
    assert lines[header + 1].split() == ["governance", "hard", "0", "0", "0", "0", "0"]
    share = next(line for line in lines if line.startswith("sme-share "))
    assert share.split() == ["sme-share", "hard", "2", "1", "2", "2", "0"]
    # aligned: numbers are right-aligned, so every row ends where the header ends
    assert {len(line) for line in lines[header:header + 16]} == {len(lines[header])}
    assert (tmp_path / "binding.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    assert main(args + ["--format", "json", "--chart", str(tmp_path / "binding.svg")]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["verdicts"] == {"eligible": 1, "ineligible": 4, "undetermined": 3}
    assert set(payload["definitions"]) == {"unmet", "alone", "alone_not_met", "unknown", "review"}
    assert payload["criteria"][6] == {"criterion": "sme-share", "kind": "hard", "unmet": 2, "alone": 1,
                                      "alone_not_met": 2, "unknown": 2, "review": 0}
    assert ET.parse(tmp_path / "binding.svg").getroot().tag == "{http://www.w3.org/2000/svg}svg"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["binding.png", "binding.svg"]


def test_chart_functions(kb, tmp_path):
    rows = binding(kb, POLICY, 2024).rows
    path = charts.binding_chart(rows, "binding", tmp_path / "b.svg")
    assert path == tmp_path / "b.svg" and path.stat().st_size > 1000
    assert ET.parse(path).getroot().tag.endswith("svg")
    assert ET.fromstring(charts.binding_svg(rows, "binding")).tag.endswith("svg")
    with pytest.raises(PolicyKBError, match="the chart's folder does not exist"):
        charts.binding_chart(rows, "binding", tmp_path / "missing" / "b.png")


def test_the_command_exits_1_without_traceback(capsys):
    assert main(["binding", "--policy", "nope", "--as-of", "2024"]) == 1
    err = capsys.readouterr().err
    assert "error: no policy with id 'nope'" in err and "Traceback" not in err


def test_binding_on_the_shipped_kb(capsys):
    """Real clusters: mostly unknown; the command's numbers are those of the statuses."""
    assert main(["binding", "--policy", POLICY, "--as-of", "2024", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    shipped = KnowledgeBase.open()
    derived = from_statuses(shipped, POLICY, 2024)
    assert {r["criterion"]: (r["unmet"], r["alone"], r["alone_not_met"], r["unknown"], r["review"])
            for r in payload["criteria"]} == derived
    verdicts = Counter(s["*"] for s in shipped.statuses(POLICY, 2024).values())
    assert payload["verdicts"]["undetermined"] == verdicts["undetermined"] > 0
