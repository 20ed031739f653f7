"""`check --all`: the verdict of one cluster under every measure in force in the year."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from policykb.cli import main
from policykb.knowledge_base import KnowledgeBase
from policykb.language.versions import period

CLUSTER = "ha-changyuan-cranes"  # 长垣 cranes, MIIT list of 2022


@pytest.fixture(scope="module")
def kb():
    return KnowledgeBase.open()


def run(capsys, *args) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def in_force(kb, year: int) -> set[str]:
    """Measures in force in `year` that apply where the cluster lies (national, or Henan's)."""
    return {pid for pid, p in kb.policies.items() if period(p, kb.policies).covers(dt.date(year, 12, 31))
            and kb.jurisdiction_applies(pid, CLUSTER) is not False}


def test_one_verdict_per_measure_in_force(capsys, kb):
    status, out, _ = run(capsys, "check", CLUSTER, "--all", "--as-of", "2024", "--format", "json")
    assert status == 0
    verdicts = json.loads(out)
    assert [v["policy"] for v in verdicts] == [p for p in kb.policies if p in in_force(kb, 2024)]
    assert {v["policy"] for v in verdicts} == {"miit-2022", "henan-2023"}  # Jiangsu's and Guangdong's apply elsewhere
    for verdict in verdicts:
        assert (verdict["cluster"], verdict["as_of"]) == (CLUSTER, 2024)
        expected = kb.check(CLUSTER, verdict["policy"], 2024)
        assert verdict["status"] == expected.status
        assert [(c["id"], c["status"]) for c in verdict["criteria"]] == [(c.id, c.status) for c in expected.criteria]
    assert [v["policy"] for v in verdicts if "designations" in v] == ["miit-2022"]


def test_text_is_a_compact_table(capsys, kb):
    status, out, _ = run(capsys, "check", CLUSTER, "--all", "--as-of", "2024")
    assert status == 0
    lines = out.splitlines()
    count = len(in_force(kb, 2024))
    assert lines[0] == f"长垣市门桥式起重机械产业集群 ({CLUSTER}), application year 2024: {count} measures in force"
    assert lines[2].split() == ["policy", "status", "met", "unmet", "unknown", "review", "designation", "unmet"]
    rows = {line.split()[0]: line.split() for line in lines[3:] if line and not line.startswith("skipped:")}
    assert set(rows) == in_force(kb, 2024)
    for pid, cells in rows.items():
        verdict = kb.check(CLUSTER, pid, 2024)
        assert cells[1] == verdict.status
        assert cells[2:6] == [str(len(verdict.by_status(s))) for s in ("met", "unmet", "unknown", "review")]
    assert rows["miit-2022"][6:8] == ["2022", "list"]
    assert "原文" not in out and "✔" not in out  # nothing but the table without --explain
    assert "skipped: jiangsu-2023 (applies in CN-JS, not where the cluster lies)" in out
    status, explained, _ = run(capsys, "check", CLUSTER, "--all", "--as-of", "2024", "--explain")
    assert explained.startswith(out) and explained.count("application year 2024: ") == 1 + len(rows)


def test_measures_not_yet_in_force_are_skipped_and_named(capsys):
    status, out, _ = run(capsys, "check", CLUSTER, "--all", "--as-of", "2022")  # Jiangsu and Henan: 2023
    assert status == 0
    assert "skipped: henan-2023 (no version in force in 2022; in force 2023-03-16 –)" in out
    assert "skipped: jiangsu-2023 (no version in force in 2022; in force 2023-03-15 –)" in out
    status, out, _ = run(capsys, "check", CLUSTER, "--all", "--as-of", "2022", "--format", "json")
    policies = {v["policy"] for v in json.loads(out)}
    assert "miit-2022" in policies and not policies & {"henan-2023", "jiangsu-2023"}


def test_a_superseded_version_is_skipped_for_the_one_in_force(capsys, tmp_path):
    versions = (("prov-2018", "2018-05-01", ""), ("prov-2021", "2021-07-01", "  supersedes prov-2018\n"))
    for pid, effective, extra in versions:
        (tmp_path / f"{pid}.policy").write_text(
            f'policy {pid} {{\n  title zh "测"\n  title en "T"\n  document "d"\n  effective {effective}\n{extra}}}\n'
            'criterion output {\n  kind hard\n  article "1"\n'
            '  require total_output >= 30亿元 in each of the last 3 years\n}\n',
            encoding="utf-8")
    status, out, _ = run(capsys, "check", CLUSTER, "--all", "--as-of", "2022", "--policies", str(tmp_path))
    assert status == 0
    assert "skipped: prov-2018 (not in force in 2022; prov-2021 is)" in out
    assert [line.split()[0] for line in out.splitlines() if line.startswith("prov-")] == ["prov-2021"]


@pytest.mark.parametrize("args", [["check", CLUSTER], ["check", CLUSTER, "--all", "--policy", "miit-2022"]])
def test_exactly_one_of_policy_and_all(capsys, args):
    status, out, err = run(capsys, *args)
    assert (status, out) == (1, "")
    assert "give exactly one of --policy ID and --all" in err and "Traceback" not in err


@pytest.mark.parametrize("args, message", [
    (["check", "ha-changyuan-crane", "--all"], "unknown cluster 'ha-changyuan-crane'"),
    # bad input, not a year in which every measure happens to be out of force
    (["check", CLUSTER, "--all", "--as-of", "3000"], "application year 3000 is out of range"),
])
def test_bad_input_exits_1(capsys, args, message):
    status, out, err = run(capsys, *args)
    assert (status, out) == (1, "")
    assert message in err and "Traceback" not in err
