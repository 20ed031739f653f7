"""Golden command-line cases, Catala style: each file in cases/ holds the command, its exit
status and the exact output it must print (stdout, then stderr).

    args: check syn-good --policy henan-2023 --as-of 2024 --data tests/cli/data --kb {kb}
    exit: 0
    <blank line>
    <expected output>

`{kb}` stands for a kb folder holding only the shipped ontology and vocabulary (no real
clusters), so the cases do not change when the shipped data grows. To accept new output
after a deliberate change, run with POLICYKB_UPDATE_GOLDEN=1 and review the diff."""

from __future__ import annotations

import os
import shlex
import shutil
from pathlib import Path

import pytest

from policykb import resources
from policykb.cli import main

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted((Path(__file__).parent / "cases").glob("*.case"))


@pytest.fixture(scope="module")
def vocabulary_only_kb(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("kb")
    for name in ("ontology.ttl", "vocabulary.ttl"):
        shutil.copy(resources.kb_dir() / name, folder / name)
    return folder


def parse_case(path: Path) -> tuple[list[str], int, str]:
    header, _, expected = path.read_text(encoding="utf-8").partition("\n\n")
    fields = dict(line.split(": ", 1) for line in header.splitlines())
    return shlex.split(fields["args"]), int(fields["exit"]), expected


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path, vocabulary_only_kb, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "100")
    args, expected_exit, expected = parse_case(path)
    args = [a.replace("{kb}", str(vocabulary_only_kb)) for a in args]
    status = main(args)
    captured = capsys.readouterr()
    output = (captured.out + captured.err).replace(str(vocabulary_only_kb), "{kb}")
    if os.environ.get("POLICYKB_UPDATE_GOLDEN"):
        header = path.read_text(encoding="utf-8").partition("\n\n")[0].splitlines()
        header = [line for line in header if not line.startswith("exit: ")] + [f"exit: {status}"]
        path.write_text("\n".join(header) + "\n\n" + output, encoding="utf-8")
        return
    assert (status, output) == (expected_exit, expected)


def test_there_are_cases():
    assert len(CASES) >= 10
