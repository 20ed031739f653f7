"""Fault injection: a write that fails at any step leaves the target exactly as it was.

For each step a write takes (creating the temporary file, writing its bytes, the rdflib
serializer, fsync, the rename ...) and for OSError and KeyboardInterrupt, the operation is
run again and again with a failure at the 1st, 2nd, 3rd ... call of that step, until a run
reaches its end without the failure firing. After every failed run each file of the target
folder must have the same bytes as before and no temporary file may be left.

The only way a run may end in an error with the target changed is an interrupt that
arrives after the commit point (the rename), while the folder is being fsynced: then the
target must be exactly the new version. Any other state is a failure of the test.

Run with `pytest -s` to see how many injection points each test exercised.
"""

from __future__ import annotations

import builtins
import hashlib
import io
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph

from policykb import safe_write
from policykb.cli import main
from policykb.errors import PolicyKBError
from policykb.safe_write import atomic_folder, atomic_path, atomic_write_bytes, atomic_write_text

DATA = Path(__file__).resolve().parents[1] / "cli" / "data"
FAULTS = (OSError(28, "No space left on device (injected)"), KeyboardInterrupt())


class Injected(Exception):
    pass


class _FailingFile(io.FileIO):
    """A raw file whose write() goes through the injector (a failing disk)."""

    injector: "Injector"

    def write(self, data):
        self.injector.call("write")
        return super().write(data)


class Injector:
    """Wraps functions so that the `target`th call of step `step` raises `fault`."""

    STEPS = ("os.open", "os.close", "os.mkdir", "os.chmod", "os.fsync", "os.replace", "os.rename", "write",
             "Graph.serialize", "exchange")

    def __init__(self, monkeypatch, step: str, target: int, fault: BaseException):
        self.step, self.target, self.fault = step, target, fault
        self.calls: Counter[str] = Counter()
        self.log: list[str] = []  # every call, in order
        self.fired = False
        self.committed = False  # os.replace / os.rename onto the target has happened
        real = {name: getattr(os, name.split(".")[1]) for name in self.STEPS if name.startswith("os.")}
        for name, function in real.items():
            monkeypatch.setattr(os, name.split(".")[1], self._wrap(name, function))
        monkeypatch.setattr(Graph, "serialize", self._wrap("Graph.serialize", Graph.serialize))
        monkeypatch.setattr(safe_write, "_exchange", self._wrap("exchange", safe_write._exchange))
        real_open = builtins.open
        _FailingFile.injector = self

        def open_(file, mode="r", *args, **kwargs):
            if isinstance(file, (str, bytes, os.PathLike)) and any(c in mode for c in "wax+") and "b" in mode \
                    and not args and not kwargs:
                return io.BufferedWriter(_FailingFile(file, mode.replace("b", "")))
            if isinstance(file, (str, bytes, os.PathLike)) and any(c in mode for c in "wax+"):
                raise AssertionError(f"unexpected text-mode write open: {file} {mode} {args} {kwargs}")
            return real_open(file, mode, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", open_)

    def _wrap(self, name, function):
        def wrapper(*args, **kwargs):
            self.call(name)
            result = function(*args, **kwargs)
            if name in ("os.replace", "os.rename") and not str(args[0]).endswith(".old") \
                    and not Path(args[1]).name.startswith(".") or name == "exchange" and result:
                self.committed = True
            return result
        return wrapper

    def call(self, name: str) -> None:
        self.log.append(name)
        self.calls[name] += 1
        if name == self.step and self.calls[name] == self.target:
            self.fired = True
            raise self.fault


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below `folder` (hidden ones too) -> sha256 of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(*folders: Path) -> list[str]:
    return sorted(str(p) for folder in folders for p in folder.rglob("*") if safe_write.TEMP_SUFFIX in p.name
                  or p.name.endswith(".old"))


def inject_everywhere(monkeypatch, operation, folder: Path, label: str, restore=None) -> Counter:
    """Run `operation()` with a failure at every call of every step; return the number of
    injection points per step. `folder` is the target folder whose bytes are checked;
    `restore()` puts the starting state back after a run that changed it."""
    before = snapshot(folder)
    with monkeypatch.context() as patch:  # once without failures: the new version
        clean = Injector(patch, "none", 0, OSError())
        operation()
    after_success = snapshot(folder)
    # The first rename (os.replace, the folder exchange, or moving the old folder aside).
    commit = next(i for i, name in enumerate(clean.log) if name in ("os.replace", "os.rename", "exchange"))
    assert "os.fsync" in clean.log[:commit], f"{label}: nothing is fsynced before the commit: {clean.log}"
    assert "write" in clean.log[:commit], f"{label}: nothing is written before the commit: {clean.log}"
    assert after_success != before, f"{label}: the successful write changed nothing"
    restore()
    assert snapshot(folder) == before
    exercised: Counter[str] = Counter()
    absorbed: Counter[str] = Counter()
    after_commit: Counter[str] = Counter()
    for step in Injector.STEPS:
        for fault in FAULTS:
            n = 0
            while True:
                n += 1
                with monkeypatch.context() as patch:
                    injector = Injector(patch, step, n, fault)
                    try:
                        outcome = operation()
                    except (OSError, PolicyKBError, KeyboardInterrupt) as error:
                        outcome = error
                now = snapshot(folder)
                where = f"{label}: {type(fault).__name__} at call {n} of {step}"
                assert not leftovers(folder, folder.parent), f"{where} left {leftovers(folder, folder.parent)}"
                if not injector.fired:
                    assert not isinstance(outcome, BaseException), f"{where}: failed without injection: {outcome}"
                    assert now == after_success, f"{where}: two successful runs wrote different bytes"
                    restore()
                    break
                exercised[step] += 1
                failed = isinstance(outcome, BaseException) or outcome not in (0, None)
                if not failed:
                    # The failure was absorbed (e.g. mkdir of a folder that exists): then the
                    # result must be the complete new version.
                    assert now == after_success, f"{where}: succeeded with a different result"
                    absorbed[step] += 1
                    restore()
                elif injector.committed:
                    # Only the durability fsync of the folder (and deleting a replaced folder)
                    # follow the commit point.
                    assert step in ("os.fsync", "os.open", "os.close"), f"{where}: failed after the commit"
                    assert now == after_success, f"{where}: not the new version"
                    after_commit[step] += 1
                    restore()
                else:
                    assert now == before, f"{where}: the target changed: {set(now.items()) ^ set(before.items())}"
                assert n < 500, f"{where}: no end in sight"
    total = sum(exercised.values())
    print(f"\n{label}: {total} injection points exercised: {dict(exercised)}; of these, failures absorbed "
          f"without harm: {dict(absorbed)}, interrupts after the commit (new version in place): {dict(after_commit)}")
    return exercised


@pytest.fixture
def existing_kb(tmp_path, capsys):
    """A kb folder written by a first import (the folder a second import updates)."""
    kb = tmp_path / "kb"
    assert main(["import", str(DATA), "--into", str(kb)]) == 0
    # A second data folder, with a cluster the kb does not hold yet.
    more = tmp_path / "more"
    more.mkdir()
    (more / "clusters.csv").write_text(
        "id,name_zh,name_en,province,county,leading_industry,area_km2\n"
        "syn-new,合成集群新,SYNTHETIC new cluster,Henan,合成县,bearings,12\n", encoding="utf-8")
    (more / "observations.csv").write_text(
        "cluster,indicator,year,value,unit,source\n"
        "syn-new,total_output,2023,41,100M CNY,synthetic test data\n", encoding="utf-8")
    (kb / "README.txt").write_text("a file of the user's that must survive\n", encoding="utf-8")
    os.chmod(kb / "knowledge-graph.ttl", 0o640)
    capsys.readouterr()
    return kb, more


def test_import_into_an_existing_kb_survives_a_failure_at_every_step(existing_kb, monkeypatch, capsys, tmp_path):
    kb, more = existing_kb
    pristine = tmp_path / "pristine"
    shutil.copytree(kb, pristine)

    def restore():
        shutil.rmtree(kb)
        shutil.copytree(pristine, kb)

    def operation():
        status = main(["import", str(more), "--into", str(kb)])
        err = capsys.readouterr().err
        assert "Traceback" not in err and "internal error" not in err, err
        if status != 0:
            assert status in (1, 130), (status, err)
            assert status == 130 or f"{kb}" in err and "error: cannot" in err, err
        return status

    exercised = inject_everywhere(monkeypatch, operation, kb, "import --into KBDIR", restore)
    # Every step of a file write was reached (a writer that skips the helper fails here).
    for step in ("os.open", "os.close", "os.chmod", "os.fsync", "os.replace", "write", "Graph.serialize"):
        assert exercised[step] > 0, (step, exercised)
    # The successful run: the new cluster is in, the user's file and the mode are kept.
    assert main(["import", str(more), "--into", str(kb)]) == 0
    # Every buffered write of the new file failed once (for each of the two faults).
    size = (kb / "knowledge-graph.ttl").stat().st_size
    assert exercised["write"] >= 2 * (size // io.DEFAULT_BUFFER_SIZE) > 0, (size, exercised)
    assert "syn-new" in (kb / "knowledge-graph.ttl").read_text(encoding="utf-8")
    assert (kb / "README.txt").is_file()
    assert oct((kb / "knowledge-graph.ttl").stat().st_mode & 0o777) == oct(0o640)


@pytest.mark.parametrize("how", ["bytes", "text", "path"])
def test_atomic_write_survives_a_failure_at_every_step(tmp_path, monkeypatch, how):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "result.txt"
    target.write_bytes(b"old contents\n")
    (folder / "other.txt").write_bytes(b"untouched\n")
    new = "新的内容 new contents\n" * 2000  # several buffered writes

    def operation():
        if how == "bytes":
            atomic_write_bytes(target, new.encode("utf-8"))
        elif how == "text":
            atomic_write_text(target, new)
        else:
            with atomic_path(target) as temp:
                with open(temp, "wb") as out:
                    for line in new.splitlines(keepends=True)[:5]:
                        out.write(line.encode("utf-8"))
                        out.flush()

    def restore():
        target.write_bytes(b"old contents\n")

    exercised = inject_everywhere(monkeypatch, operation, folder, f"atomic_write ({how})", restore)
    for step in ("os.open", "os.close", "os.fsync", "os.replace", "write"):
        assert exercised[step] > 0, (step, exercised)


def test_atomic_write_to_a_new_file_leaves_no_file_on_failure(tmp_path, monkeypatch):
    folder = tmp_path / "out"
    folder.mkdir()

    def operation():
        atomic_write_text(folder / "new.txt", "x" * 50_000)

    exercised = inject_everywhere(monkeypatch, operation, folder, "atomic_write (new file)",
                                  lambda: (folder / "new.txt").unlink())
    assert exercised["os.replace"] > 0 and exercised["write"] > 0


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2-exchange", "two-renames"])
def test_atomic_folder_is_old_or_new(tmp_path, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(safe_write, "_exchange", lambda a, b: False)
    elif safe_write._renameat2() is None:
        # No renameat2 here: the exchange path is the two-renames path, tested by the other id.
        exchange = False
    parent = tmp_path / "reports"
    parent.mkdir()
    report = parent / "report"
    report.mkdir()
    (report / "index.html").write_text("old index", encoding="utf-8")
    (report / "old-only.svg").write_text("<svg/>", encoding="utf-8")

    def operation():
        with atomic_folder(report) as temp:
            with open(temp / "index.html", "wb") as out:
                out.write(b"new index " * 3000)
            (temp / "charts").mkdir()
            with open(temp / "charts" / "a.svg", "wb") as out:
                out.write(b"<svg>a</svg>")

    def restore():
        shutil.rmtree(report)
        report.mkdir()
        (report / "index.html").write_text("old index", encoding="utf-8")
        (report / "old-only.svg").write_text("<svg/>", encoding="utf-8")

    exercised = inject_everywhere(monkeypatch, operation, parent, f"atomic_folder ({'exchange' if exchange else 'renames'})",
                                  restore)
    assert exercised["os.fsync"] > 0 and exercised["os.mkdir"] > 0 and exercised["write"] > 0
    if not exchange:
        assert exercised["os.rename"] >= 2  # moving the old folder aside, and the new one in
    operation()
    assert sorted(p.name for p in report.rglob("*")) == ["a.svg", "charts", "index.html"]
    assert not leftovers(parent)


def test_atomic_folder_creates_a_new_folder(tmp_path):
    with atomic_folder(tmp_path / "fresh") as temp:
        (temp / "a.txt").write_text("a", encoding="utf-8")
    assert (tmp_path / "fresh" / "a.txt").read_text(encoding="utf-8") == "a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh"]


def test_an_exception_in_the_block_is_not_swallowed_and_nothing_is_written(tmp_path):
    target = tmp_path / "t.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(ValueError):
        with atomic_path(target) as temp:
            temp.write_text("half", encoding="utf-8")
            raise ValueError("the writer failed")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.txt"]


def test_unwritable_targets_are_located_errors(tmp_path):
    (tmp_path / "a-folder").mkdir()
    with pytest.raises(PolicyKBError, match="a-folder: error: cannot write: it is a folder"):
        atomic_write_text(tmp_path / "a-folder", "x")
    with pytest.raises(PolicyKBError, match=r"missing/x.txt: error: cannot write: No such file or directory"):
        atomic_write_text(tmp_path / "missing" / "x.txt", "x")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(PolicyKBError, match="a file of that name exists"):
        with atomic_folder(tmp_path / "file"):
            pass
    # Also an OSError, with the errno of the failure, for code that catches those.
    with pytest.raises(OSError) as excinfo:
        atomic_write_text(tmp_path / "missing" / "x.txt", "x")
    assert excinfo.value.errno == 2 and isinstance(excinfo.value, PolicyKBError)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-folder", "file"]


def test_new_files_get_the_usual_mode_not_mkstemps_private_one(tmp_path):
    mask = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "new.txt", "x")
    finally:
        os.umask(mask)
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o644
