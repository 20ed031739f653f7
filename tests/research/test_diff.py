"""`policykb diff`: criteria side by side, and the clusters whose verdicts differ.

Thresholds and windows are those of shared/domain/criteria.md; the synthetic clusters are
worked out by hand for application year 2024 (years 2021-2023)."""

from __future__ import annotations

import json
import shutil

import pytest

from policykb import resources
from policykb.cli import main
from policykb.knowledge_base import KnowledgeBase
from policykb.research.diff import DIFFERENT, IDENTICAL, ONLY_A, ONLY_B, OTHER_NUMBERS, diff, pair_criteria


@pytest.fixture(scope="module")
def kb():
    return KnowledgeBase.open()


def run(capsys, *args) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def by_label(pairs):
    return {p.label: p for p in pairs}


def aspects(pair) -> list[tuple]:
    return [(d.aspect, d.a, d.b, d.looser) for d in pair.differences]


# ------------------------------------------------------------------ criteria
def test_miit_vs_henan_other_numbers(kb):
    pairs = by_label(pair_criteria(kb.policy("miit-2022"), kb.policy("henan-2023")))
    assert pairs["output"].category == OTHER_NUMBERS
    assert aspects(pairs["output"]) == [("threshold", "40亿元", "30亿元", "B")]
    assert pairs["output"].looser == "B"
    # leading-share: both 高于 (>), 70% vs 65%
    leading = pairs["leading-share"]
    assert (leading.category, aspects(leading), leading.looser) == (
        OTHER_NUMBERS, [("threshold", "70%", "65%", "B")], "B")
    assert "> 70%" in leading.a.expression and "> 65%" in leading.b.expression
    sme = pairs["sme-share"]
    assert (sme.category, aspects(sme), sme.looser) == (OTHER_NUMBERS, [("threshold", "70%", "65%", "B")], "B")


def test_miit_vs_henan_identical_different_and_one_sided(kb):
    pairs = by_label(pair_criteria(kb.policy("miit-2022"), kb.policy("henan-2023")))
    assert {label for label, p in pairs.items() if p.category == IDENTICAL} == {"area", "quality-firms", "compliance"}
    # national green is qualitative; Henan's green is three facts
    assert pairs["green"].category == DIFFERENT
    assert aspects(pairs["green"])[0] == ("kind", "qualitative", "hard", None)
    assert {label for label, p in pairs.items() if p.category == ONLY_A} == {"county", "growth", "innovation",
                                                                              "digital"}
    assert "rd-intensity" in {label for label, p in pairs.items() if p.category == ONLY_B}


def test_jiangsu_vs_miit_windows_operators_and_kinds(kb):
    pairs = by_label(pair_criteria(kb.policy("jiangsu-2023"), kb.policy("miit-2022")))
    sme = pairs["sme-share"]  # 70% both; each of the last 3 years vs the latest year
    assert sme.category == DIFFERENT
    assert aspects(sme) == [("window", "in each of the last 3 years", "in the latest year", "B")]
    leading = pairs["leading-share"]  # >= in each year vs > in the latest year: looser each way
    assert aspects(leading) == [("operator", ">=", ">", "A"),
                                ("window", "in each of the last 3 years", "in the latest year", "B")]
    assert leading.looser == "mixed"
    assert aspects(pairs["area"]) == [("kind", "hard", "soft", "B")]  # 不超过 vs 一般不超过
    assert pairs["output"].category == IDENTICAL


def test_criteria_with_other_ids_pair_by_what_they_read(kb, tmp_path):
    (tmp_path / "renamed.policy").write_text(
        'policy renamed-2024 {\n  title zh "测"\n  title en "T"\n  document "d"\n  effective 2024-01-01\n}\n'
        'criterion scale {\n  kind hard\n  article "1"\n'
        '  require total_output >= 50亿元 in each of the last 2 years\n}\n', encoding="utf-8")
    other = KnowledgeBase.open(policies=[tmp_path])
    pairs = by_label(pair_criteria(other.policy("miit-2022"), other.policy("renamed-2024")))
    pair = pairs["output ~ scale"]
    assert pair.paired_by == "indicators"
    assert aspects(pair) == [("threshold", "40亿元", "50亿元", "A"),
                             ("window", "in each of the last 3 years", "in each of the last 2 years", "B")]
    assert pair.looser == "mixed"


def test_a_measure_against_itself_is_identical(kb):
    result = diff(kb, "henan-2023", "henan-2023", 2024)
    assert {p.category for p in result.pairs} == {IDENTICAL}
    assert result.differing == [] and result.clusters == 25


# ------------------------------------------------------------------ verdicts over data
CLUSTERS = """id,name_zh,name_en,province,county,leading_industry,area_km2
syn-mid,合成甲,SYNTHETIC output between the two thresholds,Henan,合成县,bearings,
syn-rd,合成乙,SYNTHETIC R&D intensity too low for Henan,Henan,合成县,bearings,
syn-low,合成丙,SYNTHETIC output below both thresholds,Henan,合成县,bearings,
syn-empty,合成丁,SYNTHETIC nothing known,Henan,合成县,bearings,
"""
OBSERVATIONS = """cluster,indicator,year,value,unit,source
syn-mid,total_output,2021,30,100M CNY,synthetic
syn-mid,total_output,2022,35,100M CNY,synthetic
syn-mid,total_output,2023,39,100M CNY,synthetic
syn-rd,total_output,2021,50,100M CNY,synthetic
syn-rd,total_output,2022,55,100M CNY,synthetic
syn-rd,total_output,2023,62,100M CNY,synthetic
syn-rd,rd_expenditure,2023,0.5,100M CNY,synthetic
syn-low,total_output,2021,20,100M CNY,synthetic
syn-low,total_output,2022,20,100M CNY,synthetic
syn-low,total_output,2023,20,100M CNY,synthetic
"""
# syn-mid: below 40亿 in every year (MIIT output unmet -> ineligible), at least 30亿 (Henan met);
#          growth 39/30 = 1.3 > 1.21, so output is MIIT's only unmet criterion.
# syn-rd:  R&D 0.5 / 62 = 0.8% < 1.5% (Henan ineligible); MIIT output and growth met (undetermined).
# syn-low: unmet under both; syn-empty: undetermined under both.
EXPECTED = {
    "syn-mid": ("ineligible", "undetermined", [("output", "output", "unmet", "met")]),
    "syn-rd": ("undetermined", "ineligible", [(None, "rd-intensity", None, "unmet")]),
}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root = tmp_path_factory.mktemp("diff")
    kb_folder, data = root / "kb", root / "data"
    kb_folder.mkdir()
    data.mkdir()
    for name in ("ontology.ttl", "vocabulary.ttl"):  # no real clusters: only the synthetic ones
        shutil.copy(resources.kb_dir() / name, kb_folder / name)
    (data / "clusters.csv").write_text(CLUSTERS, encoding="utf-8")
    (data / "observations.csv").write_text(OBSERVATIONS, encoding="utf-8")
    return kb_folder, data


def test_clusters_whose_verdicts_differ_and_why(capsys, synthetic):
    kb_folder, data = synthetic
    status, out, _ = run(capsys, "diff", "miit-2022", "henan-2023", "--as-of", "2024", "--kb", str(kb_folder),
                         "--data", str(data), "--format", "json")
    assert status == 0
    verdicts = json.loads(out)["verdicts"]
    assert verdicts["clusters"] == 4
    found = {d["cluster"]: (d["a"], d["b"], [(c["a"], c["b"], c["a_status"], c["b_status"]) for c in d["causes"]])
             for d in verdicts["differ"]}
    assert found == EXPECTED


def test_differing_verdicts_agree_with_the_statuses_of_both_measures(capsys, synthetic):
    kb_folder, data = synthetic
    kb = KnowledgeBase.open(kb=kb_folder, data=[data])
    a, b = kb.statuses("miit-2022", 2024), kb.statuses("henan-2023", 2024)
    assert {c for c in a if a[c]["*"] != b[c]["*"]} == set(EXPECTED)
    result = diff(kb, "miit-2022", "henan-2023", 2024)
    for found in result.differing:
        assert (found.a_status, found.b_status) == (a[found.cluster]["*"], b[found.cluster]["*"])
        for cause in found.causes:
            assert cause.a_status == (a[found.cluster][cause.a] if cause.a else None)
            assert cause.b_status == (b[found.cluster][cause.b] if cause.b else None)


def test_text_lists_the_differing_clusters_aligned(capsys, synthetic):
    kb_folder, data = synthetic
    status, out, _ = run(capsys, "diff", "miit-2022", "henan-2023", "--as-of", "2024", "--kb", str(kb_folder),
                         "--data", str(data))
    assert status == 0
    assert "output               other numbers  threshold 40亿元 vs 30亿元: B is looser" in out
    assert "Verdicts, application year 2024: 2 of 4 clusters differ" in out
    rows = [line for line in out.splitlines() if line.startswith(("cluster ", "syn-"))]
    assert [r.split()[0] for r in rows] == ["cluster", "syn-mid", "syn-rd"]
    assert "output: unmet vs met" in rows[1] and "rd-intensity: — vs unmet" in rows[2]
    assert len({r.index(r.split()[1]) for r in rows}) == 1  # the status column is aligned


def small_policy(pid: str, *requires: str) -> str:
    head = f'policy {pid} {{\n  title zh "测"\n  title en "T"\n  document "d"\n  effective 2020-01-01\n}}\n'
    return head + "".join(f'criterion {cid} {{\n  kind hard\n  article "1"\n  require {text}\n}}\n'
                          for cid, text in requires)


def test_eligible_against_undetermined_blames_what_is_unknown(synthetic, tmp_path):
    # Two small measures, B = A + an R&D criterion. syn-mid (30, 35, 39亿) is eligible under A
    # and undetermined under B, which it lacks the R&D figure for; a criterion absent from A
    # cannot hold A back, so the added one is the cause. syn-low (20亿) fails both.
    kb_folder, data = synthetic
    output = ("output", "total_output >= 30亿元 in each of the last 3 years")
    rd = ("rd", "share of rd_expenditure in total_output >= 1.5% in the latest year")
    (tmp_path / "a.policy").write_text(small_policy("small-a", output), encoding="utf-8")
    (tmp_path / "b.policy").write_text(small_policy("small-b", output, rd), encoding="utf-8")
    kb = KnowledgeBase.open(kb=kb_folder, data=[data], policies=[tmp_path], shipped_policies=False)
    found = {d.cluster: (d.a_status, d.b_status, [(c.a, c.b, c.a_status, c.b_status) for c in d.causes])
             for d in diff(kb, "small-a", "small-b", 2024).differing}
    assert found == {"syn-mid": ("eligible", "undetermined", [(None, "rd", None, "unknown")]),
                     "syn-rd": ("eligible", "ineligible", [(None, "rd", None, "unmet")])}  # 0.8% < 1.5%


def test_verdicts_are_not_compared_when_a_measure_is_not_in_force(kb):
    result = diff(kb, "miit-2022", "henan-2023", 2022)  # Henan takes effect on 2023-03-16
    assert result.clusters == 0 and result.differing == []
    assert result.notes and "henan-2023" in result.notes[0]
    assert by_label(result.pairs)["output"].category == OTHER_NUMBERS


@pytest.mark.parametrize("args, message", [
    (["diff", "miit-2022", "nope-2023"], "no policy with id 'nope-2023'"),
    (["diff", "miit-2022", "henan-2023", "--format", "ttl"], "cannot write --format ttl"),
    (["diff", "miit-2022", "henan-2023", "--as-of", "3000"], "application year 3000 is out of range"),
])
def test_errors_exit_1_without_traceback(capsys, args, message):
    status, out, err = run(capsys, *args)
    assert (status, out) == (1, "")
    assert message in err and "Traceback" not in err
