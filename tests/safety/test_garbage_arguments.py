"""Every policykb command, run as `python -m policykb.cli` with garbage arguments, ends
with exit status 1 (bad input) or 2 (malformed command line), a message on stderr, and no
traceback.

Each command gets its own garbage (unknown cluster or policy, missing file, a folder
where a file is expected, a file where a folder is expected ...) and, on top of valid
arguments of its own, the garbage every command shares: a missing --kb, an empty CSV and a
binary policy file (and for a few commands also a file as --kb, a CSV holding only a BOM,
an unreadable CSV and an unreadable policy file).
A command added to policykb.commands.MODULES without an entry in VALID still gets the
shared garbage.

"Unreadable" is chmod 000. Root reads such files anyway, so as root the commands run
without the capabilities that let root ignore file permissions (CAP_DAC_OVERRIDE and
CAP_DAC_READ_SEARCH, dropped from the bounding set with setpriv, or prctl before exec);
test_unreadable_files_are_unreadable_to_the_commands proves that took effect.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from policykb.commands import MODULES

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "cli" / "data"
POLICY = ROOT / "policies" / "henan-2023.policy"

# Arguments with which each command answers (exit 0): the garbage below is what fails.
VALID: dict[str, list[str]] = {
    "policies": [],
    "check": ["syn-good", "--policy", "henan-2023", "--as-of", "2024", "--data", str(DATA)],
    "screen": ["--policy", "henan-2023", "--as-of", "2024", "--data", str(DATA)],
    "gap": ["syn-bad", "--policy", "henan-2023", "--as-of", "2024", "--data", str(DATA)],
    "diff": ["henan-2023", "miit-2022", "--as-of", "2024", "--data", str(DATA)],
    "designations": [],
    "sweep": ["--policy", "henan-2023", "--criterion", "output", "--from", "10亿元", "--to", "20亿元",
              "--step", "10亿元", "--data", str(DATA)],
    "binding": ["--policy", "henan-2023", "--data", str(DATA)],
    "report": ["--policy", "henan-2023", "--data", str(DATA), "--output", "{work}/report.md"],
    "lint": [str(POLICY)],
    "test": [str(POLICY)],
    "program": ["--policy", "henan-2023"],
    "import": [str(DATA), "--into", "{work}/new-kb"],
    "query": ["SELECT ?c WHERE { ?c a pkb:Cluster } LIMIT 1"],
    "validate": ["--data", str(DATA)],
}

# Garbage every command gets, after its valid arguments ...
SHARED = {
    "kb-missing": ["--kb", "{missing}"],
    "empty-csv": ["--data", "{empty_csv}"],
    "binary-policy": ["--policies", "{binary_policy}"],
}
# ... and more of it for a few commands (each case is a process: this keeps the test short).
MORE_SHARED = {
    "kb-is-a-file": ["--kb", "{a_file}"],
    "bom-only-csv": ["--data", "{bom_csv}"],
    "unreadable-csv": ["--data", "{unreadable_csv}"],
    "unreadable-policy": ["--policies", "{unreadable_policy}"],
}
MORE_SHARED_FOR = ("policies", "check", "screen", "query")

# Options a command accepts but does not use, so garbage there is no error (found by this
# test; whether such options should be refused is for the commands' authors).
IGNORED = {
    "lint": {"--policies"},  # lint checks the FILEs it is given
    "test": {"--data", "--policies"},  # examples bring their own data; FILEs given replace --policies
    "import": {"--policies"},  # a kb folder holds data, not policies
}

# Garbage of one command: its whole argument list.
OWN: dict[str, dict[str, list[str]]] = {
    "policies": {"stray-argument": ["henan-2023"]},
    "check": {"unknown-cluster": ["no-such-cluster", "--policy", "henan-2023"],
              "unknown-policy": ["syn-good", "--policy", "no-such-policy", "--data", str(DATA)],
              "year-not-a-number": ["syn-good", "--policy", "henan-2023", "--as-of", "last-year"],
              "bad-what-if": ["syn-good", "--policy", "henan-2023", "--data", str(DATA), "--set", "=="]},
    "screen": {"unknown-policy": ["--policy", "no-such-policy"], "no-policy": []},
    "gap": {"unknown-cluster": ["no-such-cluster", "--policy", "henan-2023"]},
    "diff": {"unknown-policy": ["no-such-policy", "henan-2023"], "one-policy": ["henan-2023"]},
    "designations": {"year-not-a-number": ["--due", "soon"]},
    "sweep": {"unknown-criterion": ["--policy", "henan-2023", "--criterion", "no-such", "--from", "1", "--to", "2",
                                    "--step", "1"],
              "chart-is-a-folder": VALID["sweep"] + ["--chart", "{work}"],
              "from-not-a-number": ["--policy", "henan-2023", "--criterion", "output", "--from", "many", "--to", "2",
                                    "--step", "1"]},
    "binding": {"unknown-policy": ["--policy", "no-such-policy"],
                "chart-is-a-folder": VALID["binding"] + ["--chart", "{work}"],
                "chart-in-missing-folder": VALID["binding"] + ["--chart", "{missing}/chart.png"]},
    "report": {"output-is-a-folder": ["--policy", "henan-2023", "--output", "{work}"],
               "output-in-missing-folder": ["--policy", "henan-2023", "--output", "{missing}/r.html"],
               "unknown-policy": ["--policy", "no-such-policy", "--output", "{work}/r.html"]},
    "lint": {"missing-file": ["{missing}.policy"], "folder-as-file": ["{work}"],
             "binary-file": ["{binary_policy}"], "unreadable-file": ["{unreadable_policy}"],
             "empty-file": ["{empty_policy}"], "no-file": []},
    "test": {"missing-file": ["{missing}.policy"], "binary-file": ["{binary_policy}"],
             "folder-as-file": ["{a_folder}/"]},
    "program": {"unknown-policy": ["--policy", "no-such-policy"]},
    "import": {"empty-csv": ["{empty_csv}", "--into", "{work}/kb-1"],
               "bom-only-csv": ["{bom_csv}", "--into", "{work}/kb-2"],
               "unreadable-csv": ["{unreadable_csv}", "--into", "{work}/kb-3"],
               "missing-folder": ["{missing}", "--into", "{work}/kb-4"],
               "file-as-folder": ["{a_file}", "--into", "{work}/kb-5"],
               "into-is-a-file": [str(DATA), "--into", "{a_file}"],
               "no-target": [str(DATA)]},
    "query": {"not-sparql": ["SELEKT everything"], "update-refused": ["DROP ALL"],
              "unknown-prefix": ["SELECT ?x WHERE { ?x nope:thing ?y }"], "empty": [""],
              "into-without-update": ["SELECT * WHERE { ?s ?p ?o }", "--into", "{work}/kb-6"]},
}


def cases() -> list[tuple[str, str, list[str]]]:
    out = []
    for module in MODULES:
        name = module.NAME
        for case, argv in OWN.get(name, {}).items():
            out.append((name, case, argv))
        shared = {**SHARED, **(MORE_SHARED if name in MORE_SHARED_FOR else {})}
        for case, extra in shared.items():
            if extra[0] not in IGNORED.get(name, ()):
                out.append((name, "shared-" + case, VALID.get(name, []) + extra))
    return out


CASES = cases()


def fill(argument: str, values: dict[str, str]) -> str:
    """`argument` with each {name} of `values` replaced (SPARQL's own braces stay)."""
    for key, value in values.items():
        argument = argument.replace("{" + key + "}", value)
    return argument


def _drop_dac_capabilities() -> None:  # pragma: no cover - runs in the child, before exec
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def command_prefix() -> tuple[list[str], object]:
    """How to start a command so that chmod 000 keeps it out, even as root."""
    if os.name != "posix" or os.geteuid() != 0:
        return [], None
    setpriv = shutil.which("setpriv")
    if setpriv:
        return [setpriv, "--bounding-set=-dac_override,-dac_read_search"], None
    return [], _drop_dac_capabilities


def run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    prefix, preexec = command_prefix()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "100"}
    env.pop("POLICYKB_DEBUG", None)
    return subprocess.run([*prefix, sys.executable, "-m", "policykb.cli", *argv], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, preexec_fn=preexec,
                          stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def garbage(tmp_path_factory):
    """The garbage files, and every case run once (in parallel: each is a fresh process)."""
    root = tmp_path_factory.mktemp("garbage")
    work = root / "work"
    work.mkdir()
    paths = {"work": work, "missing": root / "does-not-exist", "a_file": root / "a-file.txt",
             "empty_csv": root / "empty-csv", "bom_csv": root / "bom-csv", "unreadable_csv": root / "unreadable-csv",
             "binary_policy": root / "binary.policy", "unreadable_policy": root / "unreadable.policy",
             "empty_policy": root / "empty.policy", "a_folder": root / "folder.policy"}
    paths["a_file"].write_text("not a folder\n", encoding="utf-8")
    paths["a_folder"].mkdir()
    for name in ("empty_csv", "bom_csv", "unreadable_csv"):
        paths[name].mkdir()
    (paths["empty_csv"] / "clusters.csv").write_bytes(b"")
    (paths["bom_csv"] / "clusters.csv").write_bytes(b"\xef\xbb\xbf")
    unreadable_csv = paths["unreadable_csv"] / "clusters.csv"
    shutil.copy(DATA / "clusters.csv", unreadable_csv)  # valid: only the permission is wrong
    paths["binary_policy"].write_bytes(bytes(range(256)) * 64 + b"\x00\xff\xfe policy x {")
    shutil.copy(POLICY, paths["unreadable_policy"])  # valid: only the permission is wrong
    paths["empty_policy"].write_bytes(b"")
    unreadable_csv.chmod(0)
    paths["unreadable_policy"].chmod(0)
    def one(case):
        command, name, argv = case
        own = work / f"{command}-{name}"  # each case its own output folder: no case sees another's
        own.mkdir()
        values = {key: str(path) for key, path in paths.items()} | {"work": str(own)}
        return (command, name), run([command, *[fill(a, values) for a in argv]], own)

    with ThreadPoolExecutor(max_workers=(os.cpu_count() or 2) + 1) as pool:
        results = dict(pool.map(one, CASES))
    yield {"paths": paths, "results": results}
    unreadable_csv.chmod(0o644)
    paths["unreadable_policy"].chmod(0o644)


@pytest.mark.parametrize("command, case, argv", CASES, ids=[f"{c}-{n}" for c, n, _ in CASES])
def test_garbage_is_refused_without_a_traceback(garbage, command, case, argv):
    result = garbage["results"][(command, case)]
    shown = (f"`policykb {command} {' '.join(argv)}` exited {result.returncode}\nstdout: {result.stdout[-1000:]}\n"
             f"stderr: {result.stderr[-2000:]}")
    assert "Traceback" not in result.stderr + result.stdout, shown
    assert result.returncode in (1, 2), shown
    assert "error" in result.stderr + result.stdout, shown  # lint reports on stdout, as linters do
    assert "internal error" not in result.stderr, shown


def test_every_command_answers_its_valid_arguments(tmp_path):
    """The garbage cases start from arguments that work, so the garbage is what fails them."""
    work = tmp_path / "work"
    work.mkdir()
    argvs = [[name, *[fill(a, {"work": str(work)}) for a in VALID[name]]] for name in VALID]
    with ThreadPoolExecutor(max_workers=(os.cpu_count() or 2) + 1) as pool:
        results = list(pool.map(lambda argv: run(argv, work), argvs))
    for argv, result in zip(argvs, results):
        assert result.returncode == 0, f"{argv}: {result.returncode}\n{result.stderr[-2000:]}"
    assert {m.NAME for m in MODULES} <= set(VALID), "add the new command to VALID (and its garbage to OWN)"


def test_unreadable_files_are_unreadable_to_the_commands(garbage):
    paths = garbage["paths"]
    for path in (paths["unreadable_policy"], paths["unreadable_csv"] / "clusters.csv"):
        prefix, preexec = command_prefix()
        probe = subprocess.run([*prefix, sys.executable, "-c", f"open({str(path)!r}).read()"],
                               capture_output=True, text=True, preexec_fn=preexec)
        assert probe.returncode != 0 and "PermissionError" in probe.stderr, probe
    results = garbage["results"]
    assert "Permission denied" in results[("lint", "unreadable-file")].stdout
    assert "Permission denied" in results[("check", "shared-unreadable-csv")].stderr
    assert "Permission denied" in results[("import", "unreadable-csv")].stderr
