"""The progress bar: silent unless stderr is a terminal (or it is forced), and then it draws
a bar, a count and erases itself at the end."""

from __future__ import annotations

import io

import pytest

from policykb import progress as progress_module
from policykb.progress import Progress, enabled, progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def no_environment(monkeypatch):
    monkeypatch.delenv(progress_module.ENV, raising=False)


def test_silent_when_not_a_terminal():
    stream = io.StringIO()
    with Progress(1000, "screening", stream=stream, interval=0) as bar:
        for _ in range(1000):
            bar.update()
    assert stream.getvalue() == ""
    assert list(progress(range(5), label="rows", stream=stream)) == [0, 1, 2, 3, 4]
    assert stream.getvalue() == ""


def test_silent_in_the_command_line_when_piped(capsys, tmp_path):
    from policykb.cli import main
    from policykb.graph.synthetic import write_synthetic_folder

    data = write_synthetic_folder(tmp_path / "syn", 5, 1).folder
    assert main(["screen", "--policy", "miit-2022", "--as-of", "2024", "--data", str(data)]) == 0
    assert capsys.readouterr().err == ""  # captured stderr is no terminal: no bar


def test_draws_on_a_terminal():
    stream = FakeTerminal()
    assert enabled(stream)
    with Progress(4, "screening", unit="clusters", stream=stream, interval=0) as bar:
        for _ in range(4):
            bar.update()
        drawn = stream.getvalue()
    assert "\r" in drawn and "screening" in drawn
    assert "4/4 clusters" in drawn and "100%" in drawn and "#" * 24 in drawn
    assert stream.getvalue().endswith("\r")  # erased at the end: the output that follows is clean


def test_draws_when_forced():
    stream = io.StringIO()
    items = list(progress(["a", "b", "c"], label="reading observations.csv", unit="rows", stream=stream,
                          force=True))
    assert items == ["a", "b", "c"]
    assert "reading observations.csv" in stream.getvalue()


def test_forced_by_the_environment(monkeypatch):
    monkeypatch.setenv(progress_module.ENV, "1")
    assert enabled(io.StringIO())
    monkeypatch.setenv(progress_module.ENV, "0")
    assert not enabled(FakeTerminal())


def test_an_unknown_total_shows_a_count():
    stream = io.StringIO()
    bar = Progress(None, "rows read", unit="rows", stream=stream, force=True, interval=0)
    bar.update(1500)
    assert "1,500 rows" in stream.getvalue() and "%" not in stream.getvalue()
    bar.close()


def test_redraws_are_throttled():
    stream = FakeTerminal()
    with Progress(100_000, "many", stream=stream, interval=3600) as bar:
        for _ in range(100_000):
            bar.update()
    assert stream.getvalue().count("many") <= 1
