"""Nothing in a policy file or a CSV file is ever evaluated: Python, shell and spreadsheet
formulas in them are plain text (stored and shown exactly as written) or refused as bad
input. Every payload would create the marker file if anything ran it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from helpers import HEADER
from policykb.cli import main

DATA = Path(__file__).resolve().parents[1] / "cli" / "data"


@pytest.fixture
def marker(tmp_path):
    path = tmp_path / "pwned"
    yield path
    assert not path.exists(), "a payload was executed"
    assert not Path("/tmp/pwned").exists()


def payloads(marker: Path) -> list[str]:
    return [f"__import__('os').system('touch {marker}')",
            f"exec(\"open('{marker}', 'w')\")",
            f"$(touch {marker})", f"`touch {marker}`", f"{{{{7*7}}}} ${{7*7}} %(x)s {{0.__class__}}",
            f"=cmd|' /C touch {marker}'!A0", f"@SUM(1+1)*cmd|' /C touch {marker}'!A0", "+1+1", "-1+1",
            f"=HYPERLINK(\"file://{marker}\";\"x\")"]


def policy_text(text: str) -> str:
    """A policy whose every free-text field is `text`, quoted for the policy language."""
    quoted = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return (HEADER.replace('title en "Test"', f"title en {quoted}").replace('document "test"', f"document {quoted}")
            + f'clause {quoted}\n'
            + f'criterion c {{\n  kind hard\n  article {quoted}\n  text {quoted}\n  summary {quoted}\n'
            + f'  note {quoted}\n  require pillar_industry\n}}\n')


def test_policy_strings_are_text(tmp_path, capsys, marker):
    for n, text in enumerate(payloads(marker)):
        file = tmp_path / f"p{n}.policy"
        file.write_text(policy_text(text), encoding="utf-8")
        assert main(["lint", str(file)]) in (0, 1)  # warnings or errors about content, never a run
        capsys.readouterr()
        assert main(["policies", "--policies", str(file), "--format", "json"]) == 0, capsys.readouterr().err
        listed = {p["id"]: p for p in json.loads(capsys.readouterr().out)}
        assert listed["test-policy"]["title_en"] == text
        assert listed["test-policy"]["document"] == text
        assert main(["check", "syn-good", "--policy", "test-policy", "--as-of", "2024", "--format", "json",
                     "--policies", str(file), "--data", str(DATA)]) == 0, capsys.readouterr().err
        verdict = json.loads(capsys.readouterr().out)
        assert verdict["criteria"][0]["source_text"] == text
        assert verdict["criteria"][0]["citation"].startswith(text)


@pytest.mark.parametrize("where", ["policy id", "criterion id", "condition", "indicator", "define"])
def test_python_in_identifiers_is_a_syntax_error(tmp_path, capsys, marker, where):
    payload = f"__import__('os').system('touch {marker}')"
    text = HEADER + 'criterion c {\n  kind hard\n  article "1"\n  require pillar_industry\n}\n'
    text = {"policy id": text.replace("policy test-policy", f"policy {payload}"),
            "criterion id": text.replace("criterion c", f"criterion {payload}"),
            "condition": text.replace("require pillar_industry", f"require {payload}"),
            "indicator": text.replace("require pillar_industry", f"require {payload} >= 1 in the latest year"),
            "define": text + f"define x = {payload}\n"}[where]
    file = tmp_path / "bad.policy"
    file.write_text(text, encoding="utf-8")
    assert main(["lint", str(file)]) == 1
    out = capsys.readouterr().out
    assert f"{file}:" in out and "error: unexpected" in out


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def test_csv_text_cells_are_stored_literally(tmp_path, capsys, marker):
    texts = payloads(marker)
    folder = tmp_path / "data"
    folder.mkdir()
    _write_csv(folder / "clusters.csv", [["id", "name_zh", "name_en", "province", "county", "leading_industry",
                                          "area_km2"]]
               + [[f"syn-eval-{n}", text, text, "Henan", "某县", "bearings", "80"] for n, text in enumerate(texts)])
    _write_csv(folder / "observations.csv", [["cluster", "indicator", "year", "value", "unit", "source"]]
               + [[f"syn-eval-{n}", "total_output", "2023", "41", "100M CNY", text] for n, text in enumerate(texts)])
    kb = tmp_path / "kb"
    assert main(["import", str(folder), "--into", str(kb)]) == 0, capsys.readouterr().err
    capsys.readouterr()
    assert main(["query", "--kb", str(kb), "--format", "json",
                 'SELECT ?id ?name WHERE { ?c a pkb:Cluster ; dcterms:identifier ?id ; rdfs:label ?name . '
                 'FILTER(STRSTARTS(?id, "syn-eval-")) }']) == 0, capsys.readouterr().err
    rows = json.loads(capsys.readouterr().out)["results"]["bindings"]
    names = {(r["id"]["value"], r["name"]["value"]) for r in rows}
    for n, text in enumerate(texts):
        assert (f"syn-eval-{n}", text) in names
    assert main(["check", "syn-eval-0", "--policy", "henan-2023", "--as-of", "2024", "--kb", str(kb),
                 "--format", "json"]) == 0, capsys.readouterr().err
    sources = [i["source"] for c in json.loads(capsys.readouterr().out)["criteria"] for i in c["inputs"]]
    assert any(s.startswith(texts[0]) for s in sources), sources


@pytest.mark.parametrize("column, value, message", [
    ("id", "__import__('os').system('touch {marker}')", "is not a valid id"),
    ("id", "=cmd|' /C touch {marker}'!A0", "is not a valid id"),
    ("value", "=1+1", "is not a number"),
    ("value", "__import__('os').getpid()", "is not a number"),
    ("value", "1_000", "is not a number"),
    ("year", "=2020+3", "is not a year"),
    ("unit", "__import__('os')", "unit"),
])
def test_formulas_and_code_in_typed_cells_are_refused(tmp_path, capsys, marker, column, value, message):
    value = value.replace("{marker}", str(marker))
    folder = tmp_path / "data"
    folder.mkdir()
    cluster = value if column == "id" else "syn-a"
    _write_csv(folder / "clusters.csv", [["id", "name_zh", "name_en", "province", "county", "leading_industry",
                                          "area_km2"], [cluster, "名", "A", "Henan", "某县", "bearings", "80"]])
    observation = {"cluster": "syn-a", "indicator": "total_output", "year": "2023", "value": "41",
                   "unit": "100M CNY", "source": "test"}
    if column != "id":
        observation[column] = value
    _write_csv(folder / "observations.csv", [list(observation), list(observation.values())])
    kb = tmp_path / "kb"
    assert main(["import", str(folder), "--into", str(kb)]) == 1
    err = capsys.readouterr().err
    assert message in err and (f"clusters.csv:2:{column}" in err or f"observations.csv:2:{column}" in err), err
    assert not kb.exists() or not any(kb.iterdir())
