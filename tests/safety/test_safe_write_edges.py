"""Atomic writes at their edges: a temporary name that is taken, a link inside a folder being
written, a system without renameat2 or whose exchange fails, a temporary that is gone or
cannot be removed, and a write inside a write. Faults are injected at the system call, as in
test_safe_writes.py; the target must be the old version or the new one, never a mix."""

from __future__ import annotations

import ctypes
import os

import pytest

from policykb import safe_write
from policykb.errors import PolicyKBError
from policykb.safe_write import atomic_folder, atomic_path, atomic_write_text


def names(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def tokens(monkeypatch):
    """The temporary-name tokens: "taken" first, then "fresh"."""
    queue = ["taken", "fresh"]
    monkeypatch.setattr(safe_write.secrets, "token_hex", lambda n: queue.pop(0))
    return queue


def test_a_temporary_file_name_in_use_is_left_alone(tmp_path, tokens):
    other = tmp_path / ".out.txt.taken.tmp"  # another writer's temporary
    other.write_text("theirs", encoding="utf-8")
    atomic_write_text(tmp_path / "out.txt", "ours")
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "ours"
    assert other.read_text(encoding="utf-8") == "theirs"
    assert names(tmp_path) == [".out.txt.taken.tmp", "out.txt"] and tokens == []


def test_a_temporary_folder_name_in_use_is_left_alone(tmp_path, tokens):
    other = tmp_path / ".report.taken.tmp"
    other.mkdir()
    (other / "index.html").write_text("theirs", encoding="utf-8")
    with atomic_folder(tmp_path / "report") as temp:
        assert temp.name == ".report.fresh.tmp"
        (temp / "index.html").write_text("ours", encoding="utf-8")
    assert (tmp_path / "report" / "index.html").read_text(encoding="utf-8") == "ours"
    assert (other / "index.html").read_text(encoding="utf-8") == "theirs"
    assert names(tmp_path) == [".report.taken.tmp", "report"]


def test_a_link_in_a_folder_is_kept_and_not_followed(tmp_path):
    with atomic_folder(tmp_path / "report") as temp:
        (temp / "index.html").write_text("ours", encoding="utf-8")
        os.symlink("no-such-file", temp / "latest")  # dangling: opening it to fsync would fail
    link = tmp_path / "report" / "latest"
    assert link.is_symlink() and os.readlink(link) == "no-such-file"
    assert names(tmp_path / "report") == ["index.html", "latest"] and names(tmp_path) == ["report"]


@pytest.fixture
def report(tmp_path):
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "index.html").write_text("old", encoding="utf-8")
    return folder


def write_new(folder) -> None:
    with atomic_folder(folder) as temp:
        (temp / "index.html").write_text("new", encoding="utf-8")


@pytest.mark.parametrize("missing", [AttributeError("no renameat2 in this C library"), OSError("no C library")])
def test_without_renameat2_a_folder_is_replaced_by_two_renames(report, monkeypatch, missing):
    class Library:  # a C library without renameat2 (glibc before 2.28, musl, macOS)
        def __getattr__(self, name):
            raise missing

    def load(*args, **kwargs):
        if isinstance(missing, OSError):  # no C library to load at all
            raise missing
        return Library()

    monkeypatch.setattr(safe_write, "_RENAMEAT2", [])  # not looked up yet
    monkeypatch.setattr(ctypes, "CDLL", load)
    assert safe_write._renameat2() is None
    write_new(report)
    assert (report / "index.html").read_text(encoding="utf-8") == "new"
    assert names(report.parent) == ["report"]  # the old folder set aside is deleted


def failing_exchange(errno: int):
    def renameat2(*args) -> int:
        ctypes.set_errno(errno)
        return -1
    return renameat2


@pytest.mark.parametrize("errno", [22, 38, 95])  # EINVAL, ENOSYS, EOPNOTSUPP: cannot exchange there
def test_where_the_exchange_is_not_supported_two_renames_replace_the_folder(report, monkeypatch, errno):
    monkeypatch.setattr(safe_write, "_RENAMEAT2", [failing_exchange(errno)])
    write_new(report)
    assert (report / "index.html").read_text(encoding="utf-8") == "new"
    assert names(report.parent) == ["report"]


def test_an_exchange_that_fails_leaves_the_old_folder(report, monkeypatch):
    monkeypatch.setattr(safe_write, "_RENAMEAT2", [failing_exchange(13)])  # EACCES
    with pytest.raises(PolicyKBError) as raised:
        write_new(report)
    assert raised.value.render() == f"{report}: error: cannot write: Permission denied. " \
                                    "The old version was left as it was."
    assert isinstance(raised.value, OSError) and raised.value.errno == 13
    assert (report / "index.html").read_text(encoding="utf-8") == "old"
    assert names(report.parent) == ["report"]


def test_a_temporary_file_taken_away_by_the_writer_is_a_located_error(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(PolicyKBError) as raised:
        with atomic_path(target) as temp:
            temp.unlink()  # e.g. a library that writes elsewhere and removes the file it was given
    assert raised.value.render() == f"{target}: error: cannot write: No such file or directory. " \
                                    "The old version was left as it was."
    assert target.read_text(encoding="utf-8") == "old" and names(tmp_path) == ["out.txt"]


def test_a_temporary_that_cannot_be_removed_does_not_hide_the_writers_error(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    real_unlink = os.unlink

    def refuse(path, *args, **kwargs):
        raise PermissionError(1, "Operation not permitted (injected)", str(path))

    monkeypatch.setattr(os, "unlink", refuse)
    with pytest.raises(ValueError, match="the writer failed"):
        with atomic_path(target) as temp:
            temp.write_text("half", encoding="utf-8")
            raise ValueError("the writer failed")
    monkeypatch.setattr(os, "unlink", real_unlink)
    assert target.read_text(encoding="utf-8") == "old"
    [left] = [p for p in tmp_path.iterdir() if p != target]  # what could not be removed stays, named as such
    assert left.name.startswith(".out.txt.") and left.name.endswith(safe_write.TEMP_SUFFIX)


def test_a_failed_write_inside_a_write_names_its_own_file(tmp_path):
    outer, inner = tmp_path / "outer.txt", tmp_path / "missing" / "inner.txt"
    outer.write_text("old", encoding="utf-8")
    with pytest.raises(PolicyKBError) as raised:
        with atomic_path(outer) as temp:
            temp.write_text("new", encoding="utf-8")
            atomic_write_text(inner, "x")
    assert raised.value.render() == f"{inner}: error: cannot write: No such file or directory."
    assert raised.value.filename == str(inner)
    assert outer.read_text(encoding="utf-8") == "old" and names(tmp_path) == ["outer.txt"]
