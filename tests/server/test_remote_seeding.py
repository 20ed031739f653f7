"""Seeding an empty SPARQL server from a kb folder (`policykb import --endpoint URL --kb DIR`):
the kb is checked as in process (every file's syntax, ill-typed literals, the vocabulary)
before the first triple is sent, so a kb that is refused leaves the server empty."""

from __future__ import annotations

import shutil
from pathlib import Path

from policykb.cli import main
from policykb.graph.remote import HttpBackend
from policykb.resources import kb_dir


def run(args: list[str], capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def broken_kb(tmp_path: Path, addition: str) -> tuple[Path, Path]:
    """A copy of the shipped kb with `addition` appended to its vocabulary; (kb, vocabulary file)."""
    kb = tmp_path / "kb"
    shutil.copytree(kb_dir(), kb)
    vocabulary = kb / "vocabulary.ttl"
    with vocabulary.open("a", encoding="utf-8") as handle:
        handle.write("\n" + addition + "\n")
    return kb, vocabulary


def last_line(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").rstrip("\n").split("\n"))


def test_a_kb_with_a_broken_vocabulary_sends_nothing(empty_server, tmp_path: Path, capsys):
    # It parses, so it used to be sent whole before its vocabulary was read back and refused.
    kb, vocabulary = broken_kb(tmp_path, 'unit:furlong-per-year a pkb:Unit ; skos:notation "furlong" ; '
                                         "pkb:dimension pkb:AreaDimension .")
    status, out, err = run(["import", "--endpoint", empty_server, "--kb", str(kb)], capsys)
    assert status == 1 and out == ""
    assert err.startswith(f"{vocabulary}:{last_line(vocabulary)}:1: error: ") and "positive pkb:factor" in err
    assert HttpBackend(empty_server).is_empty()
    # Nothing was left behind: the server is still empty, and a good kb goes in as usual.
    status, out, err = run(["import", "--endpoint", empty_server], capsys)
    assert status == 0 and "kb, policies and data loaded" in out


def test_a_kb_with_an_ill_typed_literal_sends_nothing(empty_server, tmp_path: Path, capsys):
    kb, vocabulary = broken_kb(tmp_path, 'ind:total_output pkb:note "INF"^^xsd:decimal .')
    status, out, err = run(["import", "--endpoint", empty_server, "--kb", str(kb)], capsys)
    assert status == 1 and out == ""
    assert err.startswith(f'{vocabulary}:{last_line(vocabulary)}:27: error: ill-typed literal: "INF" is not a valid '
                          "xsd:decimal")
    assert HttpBackend(empty_server).is_empty()
