"""Regressions found by tests/fuzz/test_fuzz_turtle.py (its LEFT_OUT entries
turtle-error-at-end, turtle-vocabulary-without-file and turtle-cli-ill-typed-literal):

- a syntax error rdflib finds only at the end of the input (its index -1) is reported at
  the last line of the file, at a column inside it, not at a negative column;
- a vocabulary problem found after add_turtle (or when a kb folder is opened) names the
  Turtle file, and the line, where its term is written;
- an ill-typed literal ("abc"^^xsd:decimal) is a located error, not a logged traceback
  followed by a silently missing value.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from policykb.errors import Diagnostic, PolicyKBError
from policykb.graph.store import KnowledgeGraph
from policykb.graph.turtle import load_turtle
from policykb.resources import kb_dir

from .conftest import diagnostics, snapshot

ROOT = Path(__file__).resolve().parents[2]
PREFIXES = """\
@prefix pkb:  <https://w3id.org/policykb/ns#> .
@prefix ind:  <https://w3id.org/policykb/id/indicator/> .
@prefix unit: <https://w3id.org/policykb/id/unit/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix ex:   <https://example.org/synthetic/> .
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, start: str) -> int:
    """The number of the line of `path` that starts with `start`."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(n for n, line in enumerate(lines, start=1) if line.startswith(start))


def rejected(load) -> list[Diagnostic]:
    with pytest.raises(PolicyKBError) as excinfo:
        load()
    return diagnostics(excinfo)


# -- a syntax error at the end of the input ----------------------------------------------------

END_OF_INPUT = {
    # text, (line, column) just after the last thing written (blank lines after it do not count)
    "blank node not closed": ('@prefix ex: <https://example.org/> .\nex:a ex:b [ ex:c 1 \n\n', (2, 19)),
    "IRI not closed": ("<https://example.org/a> <https://example.org/b> <https://example.org/c", (1, 71)),
    "IRI not closed, blank lines after": ("<https://example.org/a> <https://example.org/b> <c\n\n  \n", (1, 51)),
    "IRI not closed, last line": ('@prefix ex: <https://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e <x\n', (3, 13)),
}


@pytest.mark.parametrize("case", END_OF_INPUT)
def test_a_syntax_error_at_the_end_of_the_input_is_at_the_last_line(tmp_path: Path, case: str):
    text, position = END_OF_INPUT[case]
    with pytest.raises(BadSyntax) as raw:  # what makes this a regression: rdflib says index -1
        Graph().parse(data=text, format="turtle")
    assert raw.value._i < 0
    path = write(tmp_path / "end.ttl", text)
    [problem] = rejected(lambda: load_turtle(path))
    assert (problem.file, (problem.line, problem.column)) == (str(path), position)
    lines = text.split("\n")
    assert 1 <= problem.line <= len(lines) and 1 <= problem.column <= len(lines[problem.line - 1]) + 1
    assert problem.message.startswith("Turtle syntax error at the end of the file: ")
    assert problem.expected and problem.hint


# -- a vocabulary problem names its file -------------------------------------------------------

UNKNOWN_UNIT = PREFIXES + """
# an indicator in a unit no file declares
ex:widgets a pkb:Indicator ; skos:notation "widgets" ;
    pkb:dimension pkb:MoneyDimension ; pkb:perYear true ;
    pkb:unit unit:furlong .
"""


def test_an_unknown_unit_is_reported_at_the_indicator(kg, tmp_path: Path):
    path = write(tmp_path / "units.ttl", UNKNOWN_UNIT)
    before = snapshot(kg)
    [problem] = rejected(lambda: kg.add_turtle(path))
    assert (problem.file, problem.line, problem.column) == (str(path), line_of(path, "ex:widgets"), 1)
    assert "pkb:unit <https://w3id.org/policykb/id/unit/furlong> is not a declared pkb:Unit" in problem.message
    assert "'CNY'" in problem.expected
    assert snapshot(kg) == before


def test_a_conflicting_definition_of_a_shipped_term_is_reported_where_it_is_written(kg, tmp_path: Path):
    path = write(tmp_path / "conflict.ttl", PREFIXES + "\nind:total_output pkb:perYear false .\n")
    problems = rejected(lambda: kg.add_turtle(path))
    assert any("2 different values" in p.message for p in problems)
    assert {(p.file, p.line) for p in problems} == {(str(path), line_of(path, "ind:total_output"))}


def test_a_second_declaration_is_reported_in_the_file_that_adds_it(kg, tmp_path: Path):
    # ex:c sorts before the shipped ind:total_output, so the shipped term is the one named
    # "declared twice"; the added file is still where the problem is.
    path = write(tmp_path / "twice.ttl", PREFIXES + '\nex:c a pkb:Indicator ; skos:notation "total_output" ;\n'
                                                    "    pkb:dimension pkb:MoneyDimension ; pkb:perYear true .\n")
    [problem] = rejected(lambda: kg.add_turtle(path))
    assert "'total_output' is declared twice" in problem.message
    assert (problem.file, problem.line) == (str(path), line_of(path, "ex:c"))


def test_a_blank_node_term_is_named_by_its_notation_and_found_by_it(kg, tmp_path: Path):
    path = write(tmp_path / "blank.ttl", PREFIXES + '\n[] a pkb:Indicator ;\n    skos:notation "blank_widgets" ;\n'
                                                    "    pkb:dimension ex:nowhere ; pkb:perYear true .\n")
    [problem] = rejected(lambda: kg.add_turtle(path))
    assert problem.message.startswith("vocabulary term [] (a blank node with skos:notation 'blank_widgets'): ")
    assert (problem.file, problem.line, problem.column) == (str(path), line_of(path, '    skos:notation'), 5)


def test_in_a_folder_the_problem_is_at_the_file_that_declares_the_term(kg, tmp_path: Path):
    write(tmp_path / "data" / "a-fine.ttl", PREFIXES + '\nex:note skos:notation "not a vocabulary term" .\n')
    broken = write(tmp_path / "data" / "b-units.ttl", UNKNOWN_UNIT)
    [problem] = rejected(lambda: kg.add_turtle(tmp_path / "data"))
    assert (problem.file, problem.line) == (str(broken), line_of(broken, "ex:widgets"))


def test_a_broken_vocabulary_in_a_kb_folder_is_reported_at_its_file(tmp_path: Path):
    kb = tmp_path / "kb"
    shutil.copytree(kb_dir(), kb)
    vocabulary = kb / "vocabulary.ttl"
    with vocabulary.open("a", encoding="utf-8") as handle:
        handle.write('\nunit:furlong-per-year a pkb:Unit ; skos:notation "furlong" ; pkb:dimension pkb:AreaDimension .\n')
    problems = rejected(lambda: KnowledgeGraph.open(kb=kb))
    assert [(p.file, p.line) for p in problems] == [(str(vocabulary), line_of(vocabulary, "unit:furlong-per-year"))]
    assert "positive pkb:factor" in problems[0].message


# -- an ill-typed literal is a located error ---------------------------------------------------

ILL_TYPED = PREFIXES + """
ex:d ex:fine "12.5"^^xsd:decimal , "false"^^xsd:boolean , 3 .
ex:a ex:amount "abc"^^xsd:decimal .
ex:b ex:flag "maybe"^^xsd:boolean .
ex:c ex:count "12.5"^^<http://www.w3.org/2001/XMLSchema#integer> .
"""


def test_ill_typed_literals_are_errors_at_their_lines(tmp_path: Path, caplog):
    path = write(tmp_path / "typed.ttl", ILL_TYPED)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # rdflib's "Parsing weird boolean" must not reach the user either
        problems = rejected(lambda: load_turtle(path))
    # rdflib keeps "maybe"^^xsd:boolean as "false": the error still shows (and is at) "maybe",
    # not the valid "false" on the line before
    assert [(p.file, p.line, p.column, p.message) for p in problems] == [
        (str(path), line_of(path, "ex:a"), 16, 'ill-typed literal: "abc" is not a valid xsd:decimal'),
        (str(path), line_of(path, "ex:b"), 14, 'ill-typed literal: "maybe" is not a valid xsd:boolean'),
        (str(path), line_of(path, "ex:c"), 15, 'ill-typed literal: "12.5" is not a valid xsd:integer')]
    assert problems[0].expected.startswith("a decimal number such as 12.5")
    assert "never taken as zero" in problems[0].hint
    assert not [r for r in caplog.records if r.name.startswith("rdflib")]  # no logged traceback


def test_many_ill_typed_literals_are_summed_up(tmp_path: Path):
    path = write(tmp_path / "many.ttl", PREFIXES + "".join(f'ex:s{i} ex:v "x{i}"^^xsd:decimal .\n' for i in range(25)))
    problems = rejected(lambda: load_turtle(path))
    assert len(problems) == 21 and all(p.file == str(path) for p in problems)
    assert all(p.line is not None for p in problems[:20])
    assert problems[20].message == "5 more ill-typed literals are not shown"


def test_an_ill_typed_data_file_is_bad_input_on_the_command_line(tmp_path: Path):
    path = write(tmp_path / "typed.ttl", PREFIXES + '\nex:a ex:amount "abc"^^xsd:decimal .\n')
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-m", "policykb.cli", "screen", "--policy", "miit-2022", "--as-of", "2024",
                             "--data", str(path)], cwd=tmp_path, env=environment, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.startswith(f'{path}:{line_of(path, "ex:a")}:16: error: ill-typed literal: "abc" is not a '
                                    "valid xsd:decimal. Expected a decimal number")
    assert result.stdout == ""
