"""Every example in docs/writing-policies.md works as the guide says.

- Each ```policy block (a complete file, first line `# file: NAME.policy`) is written to
  `my-policies/NAME.policy` in a temporary workspace; each must pass `policykb lint` with no
  error and `policykb test` with every example passing, run in-process through
  `policykb.cli.main` with `--policies my-policies` (so `extends` / `uses` between the guide's
  files resolve; the shipped policies are always loaded too).
- Each ```csv block whose info string names a path (```csv my-clusters/clusters.csv) is
  written to that path in the workspace: the synthetic data of the walkthrough.
- Each ```policy-fragment block is wrapped in a minimal policy header (with
  `extends miit-2022` when it overrides or drops criteria; kept as is when it has its own
  `policy` / `library` line; with a placeholder criterion when it has none) and must parse,
  resolve, check and lint without errors. A fragment that shows an example is an excerpt of
  a complete file (where `policykb test` runs it) or self-contained: then its examples must
  pass too.
- Each ```sh line starting with `policykb ` runs in-process (from the workspace when it names
  `my-policies` / `my-clusters`, else from the repository root) and must exit with status 0,
  or with the status its comment states (`# exit status 1`). When a ```text block follows the
  command, it is the command's output: for `check`, the verdict and the criterion statuses it
  shows must be the ones the command gives (read from `--format json`); for other commands,
  every line shown (other than `…`) must appear in the output.
"""

from __future__ import annotations

import contextlib
import copy
import glob
import io
import json
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from policykb.cli import main

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "writing-policies.md"
POLICY_DIR, DATA_DIR = "my-policies", "my-clusters"

FRAGMENT_HEADER = """policy {id}{extends} {{
  title zh "片段"
  title en "Guide fragment"
  document "docs/writing-policies.md"
  effective 2022-01-01
}}
"""
PLACEHOLDER = '\ncriterion placeholder {\n  kind qualitative\n  article "placeholder"\n}\n'


# ---------------------------------------------------------------- reading the guide
@dataclass(frozen=True)
class Block:
    lang: str  # the first word of the info string: policy, policy-fragment, sh, text, csv...
    info: str  # the rest of the info string
    text: str
    line: int  # line of the opening fence in the guide
    follows: "Block | None" = None  # the block just before, when only blank lines separate them

    @property
    def where(self) -> str:
        return f"{GUIDE.name}:{self.line}"


def read_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    lines = text.split("\n")
    i, previous_end = 0, None
    while i < len(lines):
        match = re.match(r"^(\s*)```(\S*)\s*(.*)$", lines[i])
        if not match or not match.group(2):
            i += 1
            continue
        indent, start = match.group(1), i
        i += 1
        body = []
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i].lstrip())
            i += 1
        adjacent = previous_end is not None and all(not line.strip() for line in lines[previous_end + 1:start])
        blocks.append(Block(match.group(2), match.group(3).strip(), "\n".join(body) + "\n", start + 1,
                            blocks[-1] if adjacent and blocks else None))
        previous_end = i
        i += 1
    return blocks


BLOCKS = read_blocks(GUIDE.read_text(encoding="utf-8"))


def of(lang: str) -> list[Block]:
    return [b for b in BLOCKS if b.lang == lang]


def file_name(block: Block) -> str:
    first = block.text.split("\n", 1)[0]
    match = re.fullmatch(r"# file: ([a-z0-9-]+\.policy)\s*", first)
    assert match, f"{block.where}: a ```policy block starts with '# file: NAME.policy', not {first!r}"
    return match.group(1)


@dataclass(frozen=True)
class Command:
    line: str
    argv: tuple[str, ...]
    status: int
    block: Block
    output: Block | None  # the ```text block showing its output

    @property
    def in_workspace(self) -> bool:
        return any(a.startswith((POLICY_DIR, DATA_DIR)) for a in self.argv)


def commands() -> list[Command]:
    found = []
    text_after = {id(b.follows): b for b in of("text") if b.follows is not None and b.follows.lang == "sh"}
    for block in of("sh"):
        lines = [line.strip() for line in block.text.splitlines() if line.strip().startswith("policykb ")]
        output = text_after.get(id(block))
        assert output is None or len(lines) == 1, f"{block.where}: output is shown after a block of several commands"
        for line in lines:
            status = re.search(r"#\s*exit status (\d+)", line)
            argv = tuple(shlex.split(line, comments=True)[1:])
            found.append(Command(line, argv, int(status.group(1)) if status else 0, block, output))
    return found


COMMANDS = commands()


# ---------------------------------------------------------------- running the tool
@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """The guide's files, as a reader following it would have them."""
    root = tmp_path_factory.mktemp("guide")
    (root / POLICY_DIR).mkdir()
    names = [file_name(b) for b in of("policy")]
    assert len(names) == len(set(names)), f"two ```policy blocks have the same file name: {names}"
    for block, name in zip(of("policy"), names):
        (root / POLICY_DIR / name).write_text(block.text, encoding="utf-8")
    for block in of("csv"):
        if block.info:
            path = root / block.info
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(block.text, encoding="utf-8")
    return root


@pytest.fixture(scope="module", autouse=True)
def parse_once():
    """Speed only: parse each policy file once per path and content (every command re-parses
    the shipped policies). Each caller gets its own copy of the result, so nothing is shared.
    Set GUIDE_TEST_NO_CACHE=1 to run without it."""
    from policykb.language import loader, parser

    cache: dict[tuple[str, bytes], object] = {}
    original = parser.parse_file

    def parse_file(path):
        key = (str(path), Path(path).read_bytes())
        if key not in cache:
            cache[key] = original(path)
        return copy.deepcopy(cache[key])

    patch = pytest.MonkeyPatch()
    if os.environ.get("GUIDE_TEST_NO_CACHE") is None and getattr(loader, "parse_file", None) is original:
        patch.setattr(loader, "parse_file", parse_file)
    yield
    patch.undo()


_RESULTS: dict[tuple[str, tuple[str, ...]], tuple[int, str, str]] = {}


def run(argv, cwd: Path) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `policykb ARGV` run in `cwd`; one run per command."""
    argv = tuple(argv)
    key = (str(cwd), argv)
    if key not in _RESULTS:
        expanded = [hit for a in argv for hit in (sorted(glob.glob(a, root_dir=cwd)) or [a] if "*" in a else [a])]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = main(expanded)
            except SystemExit as exit_:  # argparse refuses the command line
                status = exit_.code
        _RESULTS[key] = (status, out.getvalue(), err.getvalue())
    return _RESULTS[key]


def normalise(line: str) -> str:
    return " ".join(line.split())


# ---------------------------------------------------------------- the guide has what it promises
def test_the_guide_has_examples_of_each_kind():
    assert {"walkthrough-2022.policy", "guide-guangdong-2023.policy"} <= {file_name(b) for b in of("policy")}
    assert len(of("policy-fragment")) >= 20
    assert any(c.argv[0] == "check" and c.output is not None for c in COMMANDS)


@pytest.mark.parametrize("block", of("policy"), ids=file_name)
def test_complete_file_is_named_after_its_id(block):
    ident = re.search(r"^(?:policy|library)\s+([a-z0-9-]+)", block.text, re.MULTILINE)
    assert ident and f"{ident.group(1)}.policy" == file_name(block), \
        f"{block.where}: a file is named after the id of its policy or library"


@pytest.mark.parametrize("block", of("policy"), ids=file_name)
def test_complete_file_lints_without_errors(block, workspace):
    status, out, err = run(["lint", f"{POLICY_DIR}/{file_name(block)}", "--policies", POLICY_DIR], workspace)
    assert status == 0 and " 0 error(s)" in out, f"{block.where}: policykb lint\n{out}{err}"


@pytest.mark.parametrize("block", of("policy"), ids=file_name)
def test_complete_file_examples_pass(block, workspace):
    is_library = re.search(r"^library\s", block.text, re.MULTILINE) is not None
    status, out, err = run(["test", f"{POLICY_DIR}/{file_name(block)}", "--policies", POLICY_DIR], workspace)
    assert status == 0 and " 0 failed" in out, f"{block.where}: policykb test\n{out}{err}"
    if not is_library:
        assert not out.startswith("0 passed"), f"{block.where}: a complete policy in the guide has examples"


# ---------------------------------------------------------------- fragments
@pytest.fixture(scope="module")
def fragment_context(workspace):
    """The shipped policies and the guide's files, parsed; and the kb vocabulary."""
    from policykb import resources
    from policykb.graph.store import KnowledgeGraph
    from policykb.language.loader import parse_files, policy_files

    parsed, errors = parse_files(policy_files([resources.policies_dir(), workspace / POLICY_DIR]))
    assert not errors, errors
    return parsed, KnowledgeGraph.open().vocabulary()


def wrap(block: Block) -> str:
    text = block.text
    code = re.sub(r"#[^\n]*", "", re.sub(r'"""(.|\n)*?"""|"(?:[^"\\\n]|\\.)*"', '""', text))
    has_header = re.search(r"^\s*(policy|library)\s", code, re.MULTILINE) is not None
    changes = re.search(r"^\s*(override|drop)\s+criterion\b", code, re.MULTILINE) is not None
    if not has_header:
        extends = " extends miit-2022" if changes else ""
        text = FRAGMENT_HEADER.format(id=f"guide-fragment-{block.line}", extends=extends) + text
    is_library = re.search(r"^\s*library\s", code, re.MULTILINE) is not None
    if not is_library and not changes and re.search(r"^\s*criterion\s", code, re.MULTILINE) is None:
        text += PLACEHOLDER
    return text


def needed(policy, parsed: dict) -> set[str]:
    """The ids `policy` needs to resolve: what it extends, uses or supersedes, transitively."""
    found, todo = set(), [policy]
    while todo:
        current = todo.pop()
        for target in [current.extends, current.supersedes, *current.uses]:
            if target and target not in found and target in parsed:
                found.add(target)
                todo.append(parsed[target])
    return found


@pytest.mark.parametrize("block", of("policy-fragment"), ids=lambda b: f"line{b.line}")
def test_fragment_parses_and_checks(block, fragment_context):
    from policykb.errors import PolicyKBError
    from policykb.language.loader import check_all
    from policykb.language.parser import parse_text
    from policykb.lint import lint_policy

    context, vocabulary = fragment_context
    try:
        fragment = parse_text(wrap(block), f"{GUIDE.name}@{block.line}")
    except PolicyKBError as error:
        pytest.fail(f"{block.where}: the fragment does not parse:\n{error.render()}")
    parsed = {k: context[k] for k in needed(fragment, context) if k != fragment.id}
    parsed[fragment.id] = fragment
    errors: list = []
    loaded = check_all(parsed, vocabulary, errors, only={fragment.id})
    assert not errors, f"{block.where}:\n" + "\n".join(e.render() for e in errors)
    policy = loaded.policies.get(fragment.id) or loaded.libraries[fragment.id]
    others = check_all(parsed, vocabulary, [])
    report = lint_policy(policy, {**others.policies, policy.id: policy}, vocabulary)
    found = [d.render() for d in report.findings if d.severity == "error"]
    assert not found, f"{block.where}: lint errors:\n" + "\n".join(found)


@pytest.mark.parametrize("block", [b for b in of("policy-fragment") if re.search(r"^\s*example\s", b.text, re.M)],
                         ids=lambda b: f"line{b.line}")
def test_fragment_examples_run(block, workspace):
    """A fragment showing an example is an excerpt of a complete file (where the example
    runs), or defines the criteria its example needs: then its examples run here."""
    if any(normalise(block.text) in normalise(b.text) for b in of("policy")):
        return
    folder = workspace / "fragments"
    folder.mkdir(exist_ok=True)
    path = folder / f"guide-fragment-{block.line}.policy"
    path.write_text(wrap(block), encoding="utf-8")
    status, out, err = run(["test", str(path.relative_to(workspace)), "--policies", POLICY_DIR], workspace)
    assert status == 0 and " 0 failed" in out and not out.startswith("0 passed"), \
        f"{block.where}: the fragment's examples do not pass\n{out}{err}"


# ---------------------------------------------------------------- commands
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: f"line{c.block.line}:{' '.join(c.argv[:2])}")
def test_command_runs_as_the_guide_says(command, workspace):
    cwd = workspace if command.in_workspace else ROOT
    status, out, err = run(command.argv, cwd)
    assert status == command.status, \
        f"{command.block.where}: `{command.line}` exited with {status}, not {command.status}\n{out}{err}"
    if command.output is None or command.argv[0] == "check":
        return
    lines = {normalise(line) for line in out.splitlines()}
    for shown in command.output.text.splitlines():
        if shown.strip() and shown.strip() != "…":
            assert normalise(shown) in lines, \
                f"{command.output.where}: the guide shows a line the command does not print:\n{shown}\n---\n{out}{err}"


CRITERION_LINE = re.compile(r"^(✔|✘|\?|!)\s+(met|unmet|unknown|review)\s+(\S+)")
HEADER_LINE = re.compile(r"^under (\S+) .*application year (\d+): ([A-Z]+)$")


@pytest.mark.parametrize("command", [c for c in COMMANDS if c.argv[0] == "check" and c.output is not None],
                         ids=lambda c: f"line{c.block.line}:{c.argv[1]}")
def test_check_gives_the_verdict_the_guide_shows(command, workspace):
    cwd = workspace if command.in_workspace else ROOT
    status, out, err = run([*command.argv, "--format", "json"], cwd)
    assert status == 0, f"{command.block.where}: {out}{err}"
    verdict = json.loads(out)
    shown = command.output.text.splitlines()
    headers = [HEADER_LINE.match(line) for line in shown if HEADER_LINE.match(line)]
    assert len(headers) == 1, f"{command.output.where}: the shown output has one 'under POLICY … YEAR: VERDICT' line"
    policy, year, status_word = headers[0].groups()
    assert (verdict["policy"], verdict["as_of"], verdict["status"]) == (policy, int(year), status_word.lower()), \
        f"{command.output.where}: the guide shows {policy} {year} {status_word}"
    statuses = {c["id"]: c["status"] for c in verdict["criteria"]}
    listed = [CRITERION_LINE.match(line).groups() for line in shown if CRITERION_LINE.match(line)]
    assert listed, f"{command.output.where}: no criterion lines shown"
    for _, status_shown, criterion in listed:
        assert statuses.get(criterion) == status_shown, \
            f"{command.output.where}: the guide shows {criterion} {status_shown}, the command gives {statuses.get(criterion)}"
    assert {c for _, _, c in listed} == set(statuses), f"{command.output.where}: every criterion is shown"
    for line in shown:
        if line.strip().startswith("note:"):
            assert line.strip()[len("note: "):] in verdict.get("notes", []), f"{command.output.where}: {line}"


def test_walkthrough_measure_end_to_end(workspace):
    """Followed literally, the walkthrough gives a working measure with the verdicts the prose states."""
    guide = normalise(GUIDE.read_text(encoding="utf-8"))
    common = ["--policy", "walkthrough-2022", "--as-of", "2024", "--data", DATA_DIR, "--policies", POLICY_DIR]
    for cluster, expected in (("syn-bearings", "eligible"), ("syn-textiles", "ineligible")):
        assert f"`{cluster}` is **{expected}**" in guide
        status, out, err = run(["check", cluster, *common, "--format", "json"], workspace)
        assert status == 0, out + err
        assert json.loads(out)["status"] == expected
    status, out, err = run(["screen", "--policy", "walkthrough-2022", "--as-of", "2024", "--data", DATA_DIR,
                            "--policies", POLICY_DIR, "--format", "json"], workspace)
    assert status == 0, out + err
    by_cluster = {v["cluster"]: v["status"] for v in json.loads(out)}
    assert (by_cluster["syn-bearings"], by_cluster["syn-textiles"]) == ("eligible", "ineligible")


def test_the_limits_the_guide_states_are_the_limits_enforced():
    from policykb import limits

    text = " ".join(GUIDE.read_text(encoding="utf-8").split("### Limits", 1)[1].split("###", 1)[0].split())
    assert f"at most {limits.MAX_POLICY_BYTES:,} bytes" in text
    assert f"at most {limits.MAX_NESTING} deep" in text
    assert f"joins at most {limits.MAX_CONDITION_PARTS} conditions" in text
    assert f"at most {limits.MAX_WINDOW_YEARS} years" in text
    assert f"at most {limits.MAX_NUMBER_DIGITS} digits" in text
