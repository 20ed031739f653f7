"""A catalogue of wrong policy files, Catala style: each file in this folder holds ONE kind
of mistake a policy author makes, and the exact output `policykb` must give on it.

    [# Command: test]                       (optional; default `lint`)
    # Mistake: <what the author did wrong>
    # Expected output of `policykb lint` on this file:
    # > tests/errors/NAME.policy:12:11: error: ...
    # > 1 file(s): 1 error(s), 0 warning(s)

The `# > ` lines are the output (stdout, then stderr), with the path as given on the
command line from the repository root. `# Command:` may also carry options placed before
the file, e.g. `# Command: lint --policies tests/errors/extends-cycle-b.policy`. A file that
is not valid UTF-8 keeps these lines in a sibling NAME.expected file instead.

The exit status is not written down: it must be 1 when the output holds an error (or a
failed example) and 0 when it holds only warnings. To accept new output after a
deliberate change, run with POLICYKB_UPDATE_GOLDEN=1 and review the diff. (Files whose
output names lines of another catalogue file, like the extends-cycle pair, may need a
second run: rewriting one file's header moves the lines the other one quotes.)"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from policykb.cli import main

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
FILES = sorted(HERE.glob("*.policy"))

MARK = "# > "
MISTAKE = "# Mistake: "
COMMAND = "# Command: "


@dataclass
class Case:
    path: Path  # the .policy file
    header: Path  # where the `# Mistake:` / `# > ` lines live (the file itself, or NAME.expected)
    mistake: str
    args: list[str]
    expected: str

    @property
    def relative(self) -> str:
        return self.path.relative_to(ROOT).as_posix()


def header_file(path: Path) -> Path:
    sibling = path.with_suffix(".expected")
    return sibling if sibling.exists() else path


def header_lines(text: str) -> list[str]:
    """The comment lines at the top of the file, where the expectations live."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return lines


def parse_case(path: Path) -> Case:
    header = header_file(path)
    lines = header_lines(header.read_text(encoding="utf-8"))
    command = next((line[len(COMMAND):] for line in lines if line.startswith(COMMAND)), "lint")
    mistake = next((line[len(MISTAKE):].strip() for line in lines if line.startswith(MISTAKE)), "")
    expected = "".join(line[len(MARK):] + "\n" for line in lines if line.startswith(MARK) or line == MARK.rstrip())
    relative = path.relative_to(ROOT).as_posix()
    return Case(path, header, mistake, shlex.split(command) + [relative], expected)


def expected_status(output: str) -> int:
    """1 when the output reports an error or a failed example, 0 when only warnings."""
    if re.search(r"(^|: |\s)error: ", output, re.MULTILINE):
        return 1
    if re.search(r"\b[1-9]\d* error\(s\)", output) or re.search(r"\b[1-9]\d* failed\b", output):
        return 1
    return 0


def run(case: Case, capsys) -> tuple[int, str]:
    status = main(case.args)
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def rewrite(case: Case, output: str) -> None:
    """Put `output` as the `# > ` lines of the case's header, where the old ones stood."""
    lines = case.header.read_bytes().decode("utf-8").split("\n")
    new = [MARK + line if line else MARK.rstrip() for line in output.rstrip("\n").split("\n")]
    top = len(header_lines(case.header.read_text(encoding="utf-8")))
    marked = [i for i, line in enumerate(lines[:top]) if line.startswith(MARK) or line == MARK.rstrip()]
    if marked:
        at, drop = marked[0], set(marked)
        lines = [line for i, line in enumerate(lines) if i not in drop]
    else:
        intro = next(i for i, line in enumerate(lines) if line.startswith("# Expected output"))
        at = intro + 1
    lines[at:at] = new
    case.header.write_bytes("\n".join(lines).encode("utf-8"))


@pytest.fixture
def repository(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("POLICYKB_DEBUG", raising=False)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_mistake(path, repository, capsys):
    case = parse_case(path)
    status, output = run(case, capsys)
    if os.environ.get("POLICYKB_UPDATE_GOLDEN"):
        # The expected lines sit above the policy text, so their number moves the lines
        # the output names: rewrite until the output no longer changes.
        for _ in range(5):
            if output == case.expected:
                break
            rewrite(case, output)
            case = parse_case(path)
            status, output = run(case, capsys)
    assert "Traceback" not in output
    assert "internal error" not in output
    assert output == case.expected
    assert status == expected_status(output), f"exit status {status} does not match the output"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_file_is_described(path):
    case = parse_case(path)
    assert case.mistake, f"{path.name} does not say what mistake it holds ('# Mistake: ...')"
    assert case.expected, f"{path.name} holds no expected output ('# > ...')"
    assert case.args[0] in ("lint", "test")


def test_summary_counts_the_findings():
    """The lint summary counts the error and warning lines it printed above it."""
    for path in FILES:
        case = parse_case(path)
        summary = re.search(r"^(\d+) file\(s\): (\d+) error\(s\), (\d+) warning\(s\)$", case.expected, re.MULTILINE)
        if case.args[0] != "lint" or summary is None:
            continue
        errors = len(re.findall(r": error: ", case.expected))
        warnings = len(re.findall(r": warning: ", case.expected))
        assert (errors, warnings) == (int(summary[2]), int(summary[3])), path.name


def test_the_catalogue_holds_many_kinds_of_mistake():
    # extends-cycle-a and extends-cycle-b are one kind of mistake seen from either file
    kinds = {re.sub(r"-[ab]$", "", path.stem) for path in FILES}
    mistakes = {parse_case(path).mistake for path in FILES}
    assert len(kinds) >= 25
    assert len(mistakes) >= 25


def test_each_expectation_file_belongs_to_a_policy_file():
    for expected in HERE.glob("*.expected"):
        assert expected.with_suffix(".policy").exists(), expected.name
