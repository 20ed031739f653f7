"""Threshold sweeps give the counts the what-if path gives, step exactly, stay monotonic
where the operator demands it, draw their chart, and refuse bad ranges clearly."""

from __future__ import annotations

import csv
import json
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest

from policykb import resources
from policykb.cli import main
from policykb.errors import PolicyKBError
from policykb.knowledge_base import BATCH, REFERENCE, KnowledgeBase
from policykb.research import charts
from policykb.research.scenario import parse_set_threshold
from policykb.research.sweep import sweep, thresholds

POLICY = "henan-2023"
SOURCE = "SYNTHETIC test data (tests/research/test_sweep.py)"


def henan_complete(cid: str, sme_yi: str | None, output_2021_yi: str = "32") -> list[list[str]]:
    """Observation rows of a SYNTHETIC cluster meeting every Henan condition except as the
    arguments say: SME output (亿元, of a 40亿元 total in 2023; None = not published) and
    the 2021 total output (Henan wants 30亿元 in each of the last 3 years)."""
    yearly = {("total_output", 2021): f"{output_2021_yi}", ("total_output", 2022): "36",
              ("total_output", 2023): "40", ("leading_output", 2023): "26.4"}
    if sme_yi is not None:
        yearly[("sme_output", 2023)] = sme_yi
    rows = [[cid, ind, str(year), value, "100M CNY", SOURCE] for (ind, year), value in yearly.items()]
    rows += [[cid, "rd_expenditure", "2023", "6000", "10k CNY", SOURCE],
             [cid, "invention_patents", "2023", "120", "", SOURCE],
             [cid, "employees", "2023", "100000", "", SOURCE],
             [cid, "industrial_internet_penetration", "2023", "0.12", "ratio", SOURCE],
             [cid, "standards", "", "2", "", SOURCE], [cid, "little_giants", "", "1", "", SOURCE]]
    flags = ("pillar_industry", "management_body", "public_service_system", "platform_cooperation",
             "development_plan", "chain_map", "sharing_mechanism", "carbon_monitoring", "green_service",
             "efficiency_benchmark")
    return rows + [[cid, flag, "", "true", "", SOURCE] for flag in flags]


# id -> (SME output in 亿元 of 40, 2021 total output in 亿元, area km2)
CLUSTERS = {
    "syn-share-60": ("24", "32", "80"),
    "syn-share-65": ("26", "32", "80"),        # exactly on Henan's 65%
    "syn-share-70": ("28", "32", "80"),
    "syn-share-75": ("30", "32", "80"),
    "syn-share-80": ("32", "32", "80"),
    "syn-share-unknown": (None, "32", "80"),   # SME output not published: always undetermined
    "syn-fails-output": ("28.8", "29", "80"),  # 29亿元 in 2021: always ineligible
    "syn-area-review": ("28", "32", "120"),    # over 100 km2 (soft): review while the share holds
}


def write_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    tables = {
        "clusters.csv": [["id", "name_zh", "name_en", "province", "county", "leading_industry", "area_km2"]]
        + [[cid, f"合成集群 {cid}", f"SYNTHETIC cluster {cid}", "Henan", "合成县", "bearings", area]
           for cid, (_, _, area) in CLUSTERS.items()],
        "observations.csv": [["cluster", "indicator", "year", "value", "unit", "source"]]
        + [row for cid, (sme, out, _) in CLUSTERS.items() for row in henan_complete(cid, sme, out)],
        "incidents.csv": [["cluster", "year", "kind", "severity", "description"]],  # complete: none
        "assessments.csv": [["cluster", "policy", "criterion", "result", "assessor", "date"]]
        + [[cid, POLICY, "frontier", "met", "SYNTHETIC panel", "2024-04-20"] for cid in CLUSTERS],
    }
    for name, rows in tables.items():
        with (folder / name).open("w", encoding="utf-8", newline="") as out:
            csv.writer(out, lineterminator="\n").writerows(rows)
    return folder


@pytest.fixture(scope="module")
def paths(tmp_path_factory) -> tuple[Path, Path]:
    """(a kb folder with only the shipped ontology and vocabulary, the synthetic CSV folder):
    no real clusters, so every count below is exact."""
    kb_folder = tmp_path_factory.mktemp("kb")
    for name in ("ontology.ttl", "vocabulary.ttl"):
        shutil.copy(resources.kb_dir() / name, kb_folder / name)
    return kb_folder, write_folder(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="module")
def kb(paths):
    return KnowledgeBase.open(kb=paths[0], data=[paths[1]])


def counts(points) -> list[tuple]:
    return [(p.eligible, p.ineligible, p.undetermined) for p in points]


def verdict_counts(statuses) -> tuple[int, int, int]:
    tally = Counter(s["*"] for s in statuses.values())
    return tally["eligible"], tally["ineligible"], tally["undetermined"]


# ------------------------------------------------------------------ real numbers
def test_sme_share_sweep_counts(kb):
    result = sweep(kb, POLICY, "sme-share", "60%", "80%", "5%", 2024)
    assert [p.number for p in result.points] == [60, 65, 70, 75, 80]
    # Worked out by hand from CLUSTERS: a share meets ">= T" when share >= T; the area
    # cluster (70%) is undetermined while its share holds and ineligible after.
    assert counts(result.points) == [(5, 1, 2), (4, 2, 2), (3, 3, 2), (2, 5, 1), (1, 6, 1)]
    assert [p.shipped for p in result.points] == [False, True, False, False, False]
    assert result.clusters == 8 and result.policy == POLICY and result.as_of == 2024


def test_the_shipped_threshold_gives_the_screen_counts(kb):
    result = sweep(kb, POLICY, "sme-share", "50%", "80%", "5%", 2024)
    shipped = next(p for p in result.points if p.shipped)
    assert (shipped.eligible, shipped.ineligible, shipped.undetermined) == verdict_counts(kb.statuses(POLICY, 2024))
    screened = Counter(v.status for v in kb.screen(POLICY, 2024))
    assert (shipped.eligible, shipped.ineligible, shipped.undetermined) == (
        screened["eligible"], screened["ineligible"], screened["undetermined"])


@pytest.mark.parametrize("criterion, start, stop, step", [
    ("sme-share", "55%", "85%", "7.5%"),
    ("output", "28亿元", "33亿元", "0.5亿元"),       # each of the last 3 years
    ("area", "60 km2", "140 km2", "20 km2"),         # soft: review, not unmet
    ("leading-share", "60%", "70%", "2%"),           # strictly above (高于)
])
def test_every_step_equals_the_what_if_path(kb, criterion, start, stop, step):
    """The one-engine evaluation against `--set-threshold` answered the slow, plain way."""
    result = sweep(kb, POLICY, criterion, start, stop, step, 2024)
    for point in result.points:
        changed = kb.with_changes([parse_set_threshold(f"{POLICY}.{criterion}={result.written(point.number)}")])
        assert (point.eligible, point.ineligible, point.undetermined) == verdict_counts(
            changed.statuses(POLICY, 2024)), result.written(point.number)


def test_pydatalog_sweeps_alike(paths):
    """The sweep runs in the engine the kb screens with; pyDatalog, the reference, agrees."""
    reference = KnowledgeBase.open(kb=paths[0], data=[paths[1]])
    reference.engine_choice = {BATCH: REFERENCE}
    for criterion, start, stop, step in (("sme-share", "60%", "80%", "5%"), ("area", "80 km2", "120 km2", "20")):
        assert sweep(reference, POLICY, criterion, start, stop, step, 2024).points == \
            sweep(KnowledgeBase.open(kb=paths[0], data=[paths[1]]), POLICY, criterion, start, stop, step, 2024).points


def test_raising_a_lower_bound_never_adds_eligible_clusters(kb):
    result = sweep(kb, POLICY, "sme-share", "55%", "85%", "0.5%", 2024)
    eligible = [p.eligible for p in result.points]
    ineligible = [p.ineligible for p in result.points]
    assert all(a >= b for a, b in zip(eligible, eligible[1:]))
    assert all(a <= b for a, b in zip(ineligible, ineligible[1:]))
    assert eligible[0] == 5 and eligible[-1] == 0  # it does move over this range


def test_steps_are_exact_and_reach_the_end(kb):
    # In floats 0.1 + 0.1 + 0.1 > 0.3, and the last step would be lost.
    result = sweep(kb, POLICY, "sme-share", "0.1%", "0.3%", "0.1%", 2024)
    assert [p.number for p in result.points] == [Fraction(1, 10), Fraction(2, 10), Fraction(3, 10)]
    # A step that does not divide the range stops before the end.
    assert [p.number for p in sweep(kb, POLICY, "sme-share", "60%", "70%", "3%", 2024).points] == [60, 63, 66, 69]


def test_units_mix_and_show_in_the_unit_of_from(kb):
    in_ratio = sweep(kb, POLICY, "sme-share", "0.6 ratio", "80%", "5%", 2024)
    in_percent = sweep(kb, POLICY, "sme-share", "60%", "0.8 ratio", "5", 2024)  # bare step: --from's unit
    assert counts(in_ratio.points) == counts(in_percent.points)
    assert [in_ratio.written(p.number) for p in in_ratio.points][:2] == ["0.6 ratio", "0.65 ratio"]
    assert [p.value for p in in_ratio.points] == [p.value for p in in_percent.points]
    money = sweep(kb, POLICY, "output", "2900000000 CNY", "31亿元", "1亿元", 2024)
    assert [p.shipped for p in money.points] == [False, True, False]  # 30亿元 = 3,000,000,000 CNY


def test_the_version_in_force_is_swept(paths, tmp_path):
    """Asked about a superseded version, the sweep changes (and marks) the threshold of the
    version that answers, and says so."""
    def version(pid, effective, threshold, extra=""):
        return (f'policy {pid} {{\n  title zh "测"\n  title en "T"\n  document "d"\n  effective {effective}\n'
                f'{extra}}}\ncriterion output {{\n  article "1"\n'
                f'  require total_output >= {threshold} in each of the last 3 years\n}}\n')
    (tmp_path / "old.policy").write_text(version("prov-2018", "2018-05-01", "20亿元"), encoding="utf-8")
    (tmp_path / "new.policy").write_text(version("prov-2024", "2024-03-01", "40亿元", "  supersedes prov-2018\n"),
                                         encoding="utf-8")
    versions = KnowledgeBase.open(kb=paths[0], data=[paths[1]], policies=[tmp_path], shipped_policies=False)
    result = sweep(versions, "prov-2018", "output", "20亿元", "40亿元", "10亿元", 2024)
    assert result.policy == "prov-2024" and result.note.startswith("prov-2018 is not in force in 2024")
    # 2021-2023 totals are 32/36/40亿元 (one cluster 29亿元 in 2021).
    assert counts(result.points) == [(8, 0, 0), (7, 1, 0), (0, 8, 0)]
    assert [p.shipped for p in result.points] == [False, False, True]


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("criterion, start, stop, step, message", [
    ("governance", "1", "2", "1", "criterion 'governance' of henan-2023 has no comparison; a sweep needs exactly one"),
    ("quality-firms", "1", "2", "1", "criterion 'quality-firms' of henan-2023 has 2 comparisons"),
    ("frontier", "1", "2", "1", "criterion 'frontier' of henan-2023 has no comparison"),
    ("sme-shar", "60%", "70%", "5%", "'henan-2023' has no criterion 'sme-shar'.*Did you mean 'sme-share'"),
    ("sme-share", "30亿元", "70%", "5%", "unit mismatch: 30亿元 is money, but this quantity is percent"),
    ("sme-share", "60%", "70%", "1亿元", "unit mismatch: 1亿元 is money"),
    ("sme-share", "60%", "70%", "0%", "the step must be positive, not 0%"),
    ("sme-share", "60%", "70%", "-5%", "the step must be positive, not -5%"),
    ("sme-share", "70%", "60%", "5%", r"the sweep starts above where it ends \(70% > 60%\)"),
    ("sme-share", "0%", "100%", "0.1%", "0% to 100% by 0.1% is 1001 thresholds, more than 500"),
    ("sme-share", "sixty", "70%", "5%", "'sixty' is not a number with an optional unit"),
])
def test_bad_input_is_a_clear_error(kb, criterion, start, stop, step, message):
    with pytest.raises(PolicyKBError, match=message):
        sweep(kb, POLICY, criterion, start, stop, step, 2024)


def test_500_thresholds_are_allowed(kb):
    grid, unit = thresholds("0.2%", "100%", "0.2%", "percent", kb.graph.vocabulary())
    assert len(grid) == 500 and grid[-1] == 100 and unit == "%"
    with pytest.raises(PolicyKBError, match="is 501 thresholds, more than 500"):
        thresholds("0%", "100%", "0.2%", "percent", kb.graph.vocabulary())


def test_the_command_exits_1_without_traceback(paths, capsys):
    kb_folder, data = paths
    status = main(["sweep", "--policy", POLICY, "--criterion", "sme-share", "--from", "70%", "--to", "60%",
                   "--step", "5%", "--as-of", "2024", "--kb", str(kb_folder), "--data", str(data)])
    captured = capsys.readouterr()
    assert status == 1 and captured.out == ""
    assert "--from 70%: error: the sweep starts above where it ends" in captured.err
    assert "Traceback" not in captured.err


def test_a_bad_chart_name_fails_before_any_work(paths, capsys, tmp_path):
    kb_folder, data = paths
    status = main(["sweep", "--policy", POLICY, "--criterion", "sme-share", "--from", "60%", "--to", "70%",
                   "--step", "5%", "--kb", str(kb_folder), "--data", str(data), "--chart", str(tmp_path / "s.pdf")])
    assert status == 1 and "a chart is written as PNG or SVG" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ the command and its chart
def test_command_text_json_and_chart(paths, capsys, tmp_path):
    kb_folder, data = paths
    args = ["sweep", "--policy", POLICY, "--criterion", "sme-share", "--from", "60%", "--to", "80%", "--step", "5%",
            "--as-of", "2024", "--kb", str(kb_folder), "--data", str(data)]
    assert main(args + ["--chart", str(tmp_path / "sweep.png")]) == 0
    text = capsys.readouterr().out.splitlines()
    assert text[0] == "henan-2023 · sme-share (hard): share of sme_output in total_output >= 65% in the latest year"
    assert text[1] == "application year 2024 · 8 clusters · shipped threshold >= 65%"
    assert text[3].split() == ["threshold", "eligible", "ineligible", "undetermined"]
    assert text[5].split() == ["65%", "4", "2", "2", "←", "shipped"]
    assert text[-1] == f"chart: {tmp_path / 'sweep.png'}"
    assert (tmp_path / "sweep.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert list(tmp_path.iterdir()) == [tmp_path / "sweep.png"]  # no temporary file left

    assert main(args + ["--format", "json", "--chart", str(tmp_path / "sweep.svg")]) == 0
    points = json.loads(capsys.readouterr().out)
    assert points[1] == {"threshold": "65%", "number": "65", "unit": "%", "eligible": 4, "ineligible": 2,
                         "undetermined": 2, "shipped": True}
    assert ET.parse(tmp_path / "sweep.svg").getroot().tag == "{http://www.w3.org/2000/svg}svg"


def test_chart_functions_write_png_svg_and_svg_text(kb, tmp_path):
    points = sweep(kb, POLICY, "sme-share", "60%", "80%", "5%", 2024).points
    png = charts.sweep_chart(points, 65, "sweep", tmp_path / "a.png", unit="%")
    assert png == tmp_path / "a.png" and png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 1000
    svg = charts.sweep_chart(points, 65, "sweep", tmp_path / "a.svg", unit="%")
    assert ET.parse(svg).getroot().tag.endswith("svg")
    text = charts.sweep_svg(points, 65, "sweep", unit="%")
    assert ET.fromstring(text).tag.endswith("svg")
    assert text == charts.sweep_svg(points, 65, "sweep", unit="%")  # same chart, same bytes
    with pytest.raises(PolicyKBError, match="a chart is written as PNG or SVG"):
        charts.sweep_chart(points, 65, "sweep", tmp_path / "a.jpg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png", "a.svg"]


def test_chinese_labels_only_with_a_font():
    assert charts.label("%", "percent") == "%"  # nothing to draw in a CJK font
    expected = "亿元" if charts.cjk_font() else "100M CNY"
    assert charts.label("亿元", "100M CNY") == expected


# ------------------------------------------------------------------ the shipped kb
def test_sweep_on_the_shipped_kb(capsys):
    """Real clusters, mostly undetermined: the shipped threshold's counts are those of the kb."""
    assert main(["sweep", "--policy", POLICY, "--criterion", "output", "--from", "20亿元", "--to", "40亿元",
                 "--step", "5亿元", "--as-of", "2024", "--format", "json"]) == 0
    points = json.loads(capsys.readouterr().out)
    assert [p["threshold"] for p in points] == ["20亿元", "25亿元", "30亿元", "35亿元", "40亿元"]
    shipped = next(p for p in points if p["shipped"])
    shipped_kb = KnowledgeBase.open()
    expected = verdict_counts(shipped_kb.statuses(POLICY, 2024))
    assert (shipped["eligible"], shipped["ineligible"], shipped["undetermined"]) == expected
    assert expected[2] > 0 and sum(expected) == len(shipped_kb.graph.facts().clusters)
