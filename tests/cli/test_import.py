"""`policykb import DIR --into KBDIR` writes a kb that `--kb KBDIR` answers from."""

import json
from pathlib import Path

from policykb.cli import main

DATA = Path(__file__).parent / "data"


def test_import_then_check_from_the_written_kb(tmp_path, capsys):
    kb = tmp_path / "my-kb"
    assert main(["import", str(DATA), "--into", str(kb)]) == 0
    assert "kb written to" in capsys.readouterr().out
    assert (kb / "knowledge-graph.ttl").is_file()
    assert main(["check", "syn-good", "--policy", "henan-2023", "--as-of", "2024", "--kb", str(kb),
                 "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "eligible"
    # The shipped real clusters came along, and importing into the kb again is refused as
    # a duplicate rather than silently doubling values.
    assert main(["check", "js-xinwu-mems-sensors", "--policy", "miit-2022", "--kb", str(kb)]) == 0
    capsys.readouterr()
    assert main(["import", str(DATA), "--into", str(kb)]) == 1
    assert "already in the knowledge graph" in capsys.readouterr().err


def test_a_failed_import_writes_nothing(tmp_path, capsys):
    kb = tmp_path / "kb"
    assert main(["import", str(Path(__file__).parent / "bad-data"), "--into", str(kb)]) == 1
    assert "observations.csv:2:value" in capsys.readouterr().err
    assert not (kb / "knowledge-graph.ttl").exists()
