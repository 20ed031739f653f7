"""Loading Turtle: every *.ttl of a kb folder, with located errors and no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from policykb.errors import PolicyKBError
from policykb.graph.store import KnowledgeGraph
from policykb.graph.turtle import load_turtle, turtle_files

from .conftest import DATA, diagnostics, snapshot


def test_turtle_syntax_error_is_located_by_file_line_and_column():
    with pytest.raises(PolicyKBError) as excinfo:
        KnowledgeGraph.open(kb=DATA / "bad-turtle")
    [problem] = diagnostics(excinfo)
    assert problem.file.endswith("b-broken.ttl")
    # line 4 is `ex:a ex:label "常熟" ex:d .`: the statement should have ended before ex:d,
    # the 20th character (the Chinese characters count one each).
    assert (problem.line, problem.column) == (4, 20)
    assert "expected '.'" in problem.message
    assert excinfo.value.render().startswith(f"{problem.file}:4:20: error: Turtle syntax error")


def test_every_broken_file_of_a_folder_is_reported(tmp_path: Path):
    (tmp_path / "a.ttl").write_text("@prefix ex: <https://example.org/> .\nex:a ex:b zz:c .\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.ttl").write_text('@prefix ex: <https://example.org/> .\n\nex:a ex:b "open .\n',
                                            encoding="utf-8")
    with pytest.raises(PolicyKBError) as excinfo:
        load_turtle(tmp_path)
    problems = diagnostics(excinfo)
    assert [(Path(p.file).name, p.line) for p in problems] == [("a.ttl", 2), ("b.ttl", 3)]
    assert 'Prefix "zz:" not bound' in problems[0].message


def test_invalid_utf8_is_located(tmp_path: Path):
    (tmp_path / "x.ttl").write_bytes(b'@prefix ex: <https://example.org/> .\nex:a ex:b "\xff" .\n')
    with pytest.raises(PolicyKBError) as excinfo:
        load_turtle(tmp_path)
    [problem] = diagnostics(excinfo)
    assert (problem.line, problem.column, problem.message) == (2, 12, "file is not valid UTF-8")


def test_kb_folder_must_exist(tmp_path: Path):
    with pytest.raises(PolicyKBError) as excinfo:
        KnowledgeGraph.open(kb=tmp_path / "missing")
    assert "kb folder does not exist" in excinfo.value.render()
    (tmp_path / "file.ttl").write_text("", encoding="utf-8")
    with pytest.raises(PolicyKBError, match="kb folder is not a folder"):
        KnowledgeGraph.open(kb=tmp_path / "file.ttl")


def test_a_kb_folder_without_turtle_is_an_error(tmp_path: Path):
    with pytest.raises(PolicyKBError, match=r"no Turtle file \(\*\.ttl\) in kb folder"):
        KnowledgeGraph.open(kb=tmp_path)


def test_files_are_read_in_sorted_order_below_the_folder(tmp_path: Path):
    for name in ("b.ttl", "a.ttl", "sub/c.ttl", "notes.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in turtle_files(tmp_path)] == ["a.ttl", "b.ttl", "sub/c.ttl"]


def test_shipped_kb_loads_every_file():
    kg = KnowledgeGraph.open()
    assert {"ha-changyuan-cranes", "js-xinwu-mems-sensors"} <= set(kg.cluster_ids())
    assert "total_output" in kg.vocabulary().indicators


def test_a_failing_add_turtle_leaves_the_graph_unchanged(kg, tmp_path: Path):
    before = snapshot(kg)
    with pytest.raises(PolicyKBError):
        kg.add_turtle(DATA / "bad-turtle")
    with pytest.raises(PolicyKBError, match="does not exist"):
        kg.add_turtle(tmp_path / "nothing.ttl")
    assert snapshot(kg) == before
