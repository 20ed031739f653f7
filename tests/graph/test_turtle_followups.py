"""Follow-ups to test_turtle_regressions.py:

- what rdflib logs (a traceback for every literal it cannot convert) never reaches the
  user: `policykb query` with "abc"^^xsd:decimal is a located error (exit status 1), and
  anything else rdflib says during a command is one line;
- Turtle that rdflib rejects with no position (a string or a collection the file ends
  inside, '^^' with no datatype), nesting too deep for Python's stack, and a file that
  starts with a byte-order mark: located errors, or (the BOM) simply read;
- "INF", "NaN" and "1e400" as xsd:decimal (Python's Decimal reads them, so rdflib does not
  call them ill-typed) are reported like other ill-typed literals, not silently missing.

The seeding of an empty SPARQL server is in tests/server/test_remote_seeding.py.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import XSD

from policykb.errors import Diagnostic, PolicyKBError
from policykb.graph.turtle import load_turtle
from policykb.limits import MAX_NUMBER_DIGITS, MAX_TURTLE_NESTING
from policykb.rdflib_log import forward, rdflib_said

from .conftest import diagnostics, snapshot

ROOT = Path(__file__).resolve().parents[2]
PREFIXES = """\
@prefix ex:  <https://example.org/synthetic/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def rejected(load) -> list[Diagnostic]:
    with pytest.raises(PolicyKBError) as excinfo:
        load()
    return diagnostics(excinfo)


def inside(text: str, problem: Diagnostic) -> bool:
    """Whether the problem's line and column lie within `text` (one past a line's end allowed)."""
    lines = text.split("\n")
    return problem.line is not None and 1 <= problem.line <= len(lines) \
        and problem.column is not None and 1 <= problem.column <= len(lines[problem.line - 1]) + 1


def policykb(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The command line in a process of its own: what rdflib prints goes to the real stderr."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    environment.pop("POLICYKB_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "policykb.cli", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=180)


# -- rdflib's log during a command ---------------------------------------------------------------

def test_an_ill_typed_literal_in_a_query_is_a_located_error_not_a_traceback(tmp_path: Path):
    result = policykb("query", 'SELECT ?s WHERE { ?s ?p "abc"^^xsd:decimal }', cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith('<query>:1:25: error: ill-typed literal: "abc" is not a valid xsd:decimal. '
                                    "Expected a decimal number such as 12.5")
    assert len(result.stderr.strip().split("\n")) == 1


def test_what_rdflib_logs_while_a_query_runs_is_one_line(tmp_path: Path):
    # The literal is made while the query runs (STRDT), so no place in the query names it.
    result = policykb("query", 'SELECT ?x WHERE { BIND(STRDT("abc", xsd:decimal) AS ?x) }', cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 0 and result.stdout == "x\nabc\n(1 row)\n"
    [line] = result.stderr.splitlines()
    assert line.startswith("warning: rdflib: Failed to convert Literal lexical form to value. "
                           "Datatype=http://www.w3.org/2001/XMLSchema#decimal")


QUERY_LITERALS = {
    # query, (line, column) of the literal, its lexical form, datatype
    "decimal INF": ('SELECT ?s WHERE {\n  ?s ?p "INF"^^xsd:decimal }', (2, 9), "INF", "xsd:decimal"),
    "decimal 1e400, full IRI": ('ASK { ?s ?p "1e400"^^<http://www.w3.org/2001/XMLSchema#decimal> }', (1, 13), "1e400",
                                "xsd:decimal"),
    "boolean": ("PREFIX ex: <https://example.org/>\nASK { ?s ex:p 'maybe'^^xsd:boolean }", (2, 15), "maybe",
                "xsd:boolean"),
    "in a filter": ('SELECT ?s WHERE { ?s ?p ?o FILTER(?o > "12,5"^^xsd:decimal) }', (1, 40), "12,5", "xsd:decimal"),
}


@pytest.mark.parametrize("case", QUERY_LITERALS)
def test_a_refused_literal_in_a_query_is_reported_where_it_is_written(kg, case: str):
    query, place, lexical, datatype = QUERY_LITERALS[case]
    [problem] = rejected(lambda: kg.query(query))
    assert (problem.file, (problem.line, problem.column)) == ("<query>", place)
    assert problem.message == f'ill-typed literal: "{lexical}" is not a valid {datatype}'
    assert problem.expected and "could never match" in problem.hint


def test_an_update_that_writes_an_ill_typed_literal_is_refused_and_changes_nothing(kg):
    before = snapshot(kg)
    [problem] = rejected(lambda: kg.update('INSERT DATA { <https://example.org/a> <https://example.org/b> '
                                           '"NaN"^^xsd:decimal }'))
    assert (problem.file, problem.line, problem.column) == ("<update>", 1, 63)
    assert problem.message == 'ill-typed literal: "NaN" is not a valid xsd:decimal'
    assert snapshot(kg) == before


def test_rdflib_records_go_to_the_innermost_block_and_forward_to_the_next(caplog):
    logger = logging.getLogger("rdflib.term")
    with rdflib_said() as outer:
        with rdflib_said() as inner:
            logger.warning("first")
        assert [r.getMessage() for r in inner] == ["first"] and outer == []
        forward(inner)
        assert [r.getMessage() for r in outer] == ["first"]
    assert logging.getLogger("rdflib").propagate  # as it was: outside every block logging works as usual
    with caplog.at_level(logging.WARNING):
        logger.warning("after")
    assert [r.getMessage() for r in caplog.records] == ["after"]


def test_rdflib_warnings_are_collected_and_other_warnings_still_shown():
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        with rdflib_said() as said:
            Literal("maybe", datatype=XSD.boolean).toPython()  # rdflib warns: "Parsing weird boolean"
            warnings.warn("not rdflib's", UserWarning)
    assert [r.getMessage() for r in said] == ["Parsing weird boolean, 'maybe' does not map to True or False"]
    assert [str(w.message) for w in shown] == ["not rdflib's"]


# -- Turtle that rdflib rejects with no position ------------------------------------------------

AT_THE_END = {
    # text; what rdflib raises (no position); (line, column) of the opener the message names
    "string": (PREFIXES + 'ex:a ex:b "abc', AssertionError, (3, 11)),
    "long string": (PREFIXES + 'ex:a ex:b """abc', AssertionError, (3, 11)),
    "single-quoted string": (PREFIXES + "ex:a ex:b 'abc", AssertionError, (3, 11)),
    "string ending in a backslash": (PREFIXES + 'ex:a ex:b "ab\\', IndexError, (3, 11)),
    "collection": (PREFIXES + "ex:a ex:b ( 1 2", IndexError, (3, 11)),
    "blank node": (PREFIXES + "ex:a ex:b [ ex:c", IndexError, (3, 11)),
    "statement": (PREFIXES + 'ex:a ex:b "x"@zh , "y"', IndexError, None),
}


@pytest.mark.parametrize("case", AT_THE_END)
def test_input_that_ends_inside_a_term_is_a_located_error(tmp_path: Path, case: str):
    text, raised, opened = AT_THE_END[case]
    with pytest.raises(raised), warnings.catch_warnings():  # what makes this a regression: no position
        warnings.simplefilter("ignore")
        Graph().parse(data=text, format="turtle")
    path = write(tmp_path / "end.ttl", text)
    [problem] = rejected(lambda: load_turtle(path))
    assert problem.file == str(path) and inside(text, problem)
    assert problem.line == len(text.rstrip().split("\n"))  # at the end, where the file stops short
    assert problem.message.startswith("Turtle syntax error at the end of the file: ")
    if opened:
        assert f"at line {opened[0]}, column {opened[1]} is not closed" in problem.message
    else:
        assert problem.message.endswith("the file ends in the middle of a statement")
    assert problem.expected and problem.hint


def test_a_long_string_not_closed_is_reported_at_the_end_where_rdflib_says_so(tmp_path: Path):
    # rdflib places this one itself, but past the last thing written: on a blank line.
    text = PREFIXES + 'ex:a ex:b """abc\n\n'
    path = write(tmp_path / "end.ttl", text)
    [problem] = rejected(lambda: load_turtle(path))
    assert (problem.line, problem.column) == (3, 17)
    assert problem.message == ("Turtle syntax error at the end of the file: unterminated string literal; the string "
                               'opened with """ at line 3, column 11 is not closed')


def test_a_string_not_closed_is_named_with_its_quote(tmp_path: Path):
    path = write(tmp_path / "end.ttl", PREFIXES + 'ex:a ex:b "abc')
    [problem] = rejected(lambda: load_turtle(path))
    assert (problem.line, problem.column) == (3, 15)
    assert problem.message == ('Turtle syntax error at the end of the file: the string opened with " at line 3, '
                               "column 11 is not closed")


def test_nested_openers_left_open_are_named_innermost_first(tmp_path: Path):
    path = write(tmp_path / "end.ttl", PREFIXES + "ex:a ex:b [ ex:c ( 1 [ ex:d 2 ] ( 3 ")
    [problem] = rejected(lambda: load_turtle(path))
    assert problem.message.endswith("the collection '(' opened at line 3, column 33, the collection '(' opened at "
                                    "line 3, column 18, the blank node '[' opened at line 3, column 11 are not closed")


def test_brackets_in_strings_comments_and_iris_are_not_taken_as_open(tmp_path: Path):
    text = PREFIXES + '# a comment ( [\nex:a ex:b "( [" , """[\n(""" , <https://example.org/(x> ; ex:c ex:d'
    path = write(tmp_path / "end.ttl", text)
    [problem] = rejected(lambda: load_turtle(path))
    assert "not closed" not in problem.message and inside(text, problem)


def test_a_datatype_missing_after_the_carets_is_located_in_the_middle_of_the_file(tmp_path: Path):
    text = PREFIXES + 'ex:a ex:b "x"^^ .\nex:c ex:d ex:e .\n'
    with pytest.raises(IndexError):
        Graph().parse(data=text, format="turtle")
    path = write(tmp_path / "carets.ttl", text)
    [problem] = rejected(lambda: load_turtle(path))
    assert (problem.file, problem.line, problem.column) == (str(path), 3, 17)  # at the '.' found instead
    assert problem.message == "Turtle syntax error: no datatype IRI after '^^'"
    assert "xsd:decimal" in problem.expected and problem.hint


UNPLACED_TERMS = {
    # text after the prefixes: rdflib raises a plain exception; (column, message) expected
    "language tag": ('ex:a ex:b "x"@zh , "y"@123 .\n', 23, "Turtle syntax error: '@123' is not a valid language tag"),
    "huge whole number": (f"ex:a ex:b {'9' * 5000} .\n", 11, "number out of range: a number of 5,000 digits"),
    "variable": ('ex:a ex:b "?x" , ?x .\n', 18, "Turtle syntax error: '?x' is a variable, which Turtle does not have"),
}


@pytest.mark.parametrize("case", UNPLACED_TERMS)
def test_a_term_rdflib_cannot_build_is_located(tmp_path: Path, case: str):
    text, column, message = UNPLACED_TERMS[case]
    with pytest.raises((ValueError, AttributeError)):  # what makes this a regression: no position
        Graph().parse(data=PREFIXES + text, format="turtle")
    path = write(tmp_path / "term.ttl", PREFIXES + text)
    [problem] = rejected(lambda: load_turtle(path))
    assert (problem.file, problem.line, problem.column, problem.message) == (str(path), 3, column, message)
    assert problem.expected and problem.hint


def test_a_file_that_does_not_parse_gets_its_error_and_no_log_of_rdflib(tmp_path: Path, caplog):
    # rdflib logs the odd IRI it reads before the end of the broken file: the error says it all.
    path = write(tmp_path / "end.ttl", PREFIXES + "ex:a ex:b <https://example.org/a b> .\nex:c ex:d")
    with caplog.at_level(logging.WARNING):
        [problem] = rejected(lambda: load_turtle(path))
    assert problem.line == 4 and problem.message.startswith("Turtle syntax error at the end of the file")
    assert not caplog.records


def test_what_rdflib_logs_about_a_file_that_parses_goes_on_to_logging(tmp_path: Path, caplog):
    path = write(tmp_path / "odd.ttl", PREFIXES + "ex:a ex:b <https://example.org/a b> .\n")
    with caplog.at_level(logging.WARNING):
        assert len(load_turtle(path)) == 1
    assert [r.getMessage() for r in caplog.records] == [
        "https://example.org/a b does not look like a valid URI, trying to serialize this will break."]


# -- a byte-order mark ---------------------------------------------------------------------------

BOM = "\ufeff"


def test_a_file_that_starts_with_a_byte_order_mark_is_read(tmp_path: Path):
    text = PREFIXES + 'ex:a ex:b "12.5"^^xsd:decimal .\n'
    with_bom, without = write(tmp_path / "bom.ttl", BOM + text), write(tmp_path / "plain.ttl", text)
    assert set(load_turtle(with_bom)) == set(load_turtle(without)) != set()


def test_after_a_byte_order_mark_columns_count_from_the_first_character(tmp_path: Path):
    syntax = write(tmp_path / "syntax.ttl", BOM + "ex:a ex:b ex:c .\n")  # ex: is not declared
    [problem] = rejected(lambda: load_turtle(syntax))
    assert (problem.line, problem.column) == (1, 1)
    invalid = tmp_path / "invalid.ttl"
    invalid.write_bytes(BOM.encode("utf-8") + b"ex:a \xff")
    [problem] = rejected(lambda: load_turtle(invalid))
    assert (problem.message, problem.line, problem.column) == ("file is not valid UTF-8", 1, 6)


def test_a_byte_order_mark_in_a_kb_folder_is_read(tmp_path: Path):
    from policykb.graph.store import KnowledgeGraph
    from policykb.resources import kb_dir

    kb = tmp_path / "kb"
    for source in kb_dir().rglob("*.ttl"):
        target = kb / source.relative_to(kb_dir())
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"\xef\xbb\xbf" + source.read_bytes())
    assert set(KnowledgeGraph.open(kb=kb).graph) == set(KnowledgeGraph.open().graph)


# -- nesting -------------------------------------------------------------------------------------

def nested(depth: int, opener: str = "[ ex:p ", closer: str = " ]") -> str:
    return PREFIXES + "ex:a ex:b " + opener * depth + "1" + closer * depth + " .\n"


def test_nesting_up_to_the_limit_is_read(tmp_path: Path):
    path = write(tmp_path / "deep.ttl", nested(MAX_TURTLE_NESTING))
    assert len(load_turtle(path)) == MAX_TURTLE_NESTING + 1


def test_nesting_up_to_the_limit_is_read_from_a_deep_call_stack(tmp_path: Path):
    # The limit keeps rdflib's recursion well inside Python's: a caller 300 frames deep is fine.
    path = write(tmp_path / "deep.ttl", nested(MAX_TURTLE_NESTING))

    def deeper(frames: int) -> Graph:
        return load_turtle(path) if frames == 0 else deeper(frames - 1)

    assert len(deeper(300)) == MAX_TURTLE_NESTING + 1


@pytest.mark.parametrize("opener, closer", [("[ ex:p ", " ]"), ("( ", " )"), ("( [ ex:p ", " ] )")])
@pytest.mark.parametrize("depth", [MAX_TURTLE_NESTING + 1, 5000])
def test_nesting_past_the_limit_is_a_located_error(tmp_path: Path, opener: str, closer: str, depth: int):
    text = nested(depth, opener, closer)
    path = write(tmp_path / "deep.ttl", text)
    [problem] = rejected(lambda: load_turtle(path))
    brackets = [i for i, c in enumerate(text) if c in "[("]
    column = brackets[MAX_TURTLE_NESTING] - text.rindex("\n", 0, brackets[MAX_TURTLE_NESTING])
    assert (problem.file, problem.line, problem.column) == (str(path), 3, column)
    assert problem.message == (f"Turtle nesting too deep: blank nodes and collections nest more than "
                               f"{MAX_TURTLE_NESTING} deep here")
    assert problem.expected == f"at most {MAX_TURTLE_NESTING} '[' and '(' open at once" and problem.hint


def test_brackets_in_strings_comments_and_iris_do_not_count_as_nesting(tmp_path: Path):
    many = "[(" * 100
    text = PREFIXES + f'# {many}\nex:a ex:b "{many}" , """{many}\n{many}""" , <https://example.org/{many}> .\n'
    assert len(load_turtle(write(tmp_path / "flat.ttl", text))) == 3


def test_nesting_too_deep_is_bad_input_on_the_command_line(tmp_path: Path):
    path = write(tmp_path / "deep.ttl", nested(5000))
    result = policykb("screen", "--policy", "miit-2022", "--as-of", "2024", "--data", str(path), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{path}:3:")
    assert "Turtle nesting too deep" in result.stderr and "RecursionError" not in result.stderr


# -- decimals with no finite value ---------------------------------------------------------------

NOT_DECIMALS = ["INF", "-INF", "+INF", "NaN", "1e400", "-1E400", "Infinity"]


@pytest.mark.parametrize("lexical", NOT_DECIMALS)
def test_a_decimal_with_no_finite_value_is_an_ill_typed_literal(tmp_path: Path, lexical: str):
    assert not Literal(lexical, datatype=XSD.decimal).ill_typed  # what makes this a regression
    text = PREFIXES + f'ex:fine ex:v "2.5"^^xsd:decimal .\nex:a ex:v "{lexical}"^^xsd:decimal .\n'
    path = write(tmp_path / "values.ttl", text)
    [problem] = rejected(lambda: load_turtle(path))
    assert (problem.file, problem.line, problem.column) == (str(path), 4, 11)
    assert problem.message == f'ill-typed literal: "{lexical}" is not a valid xsd:decimal'
    assert "no exponent, INF or NaN" in problem.expected and "never taken as zero" in problem.hint


def test_a_decimal_with_too_many_digits_is_out_of_range(tmp_path: Path):
    digits = "1" * (MAX_NUMBER_DIGITS + 1)
    path = write(tmp_path / "values.ttl", PREFIXES + f'ex:a ex:v "{digits}.5"^^xsd:decimal .\n')
    [problem] = rejected(lambda: load_turtle(path))
    assert (problem.line, problem.column) == (3, 11)
    assert problem.message.startswith('number out of range: "1111') and \
        problem.message.endswith(f"has more than {MAX_NUMBER_DIGITS} digits before or after the decimal point")
    assert problem.expected == f"at most {MAX_NUMBER_DIGITS} digits before the decimal point and after it"


def test_a_bare_decimal_with_too_many_digits_is_found_where_it_is_written(tmp_path: Path):
    digits = "0." + "0" * MAX_NUMBER_DIGITS + "5"
    path = write(tmp_path / "values.ttl", PREFIXES + f"ex:a ex:v 1.5 , {digits} .\n")
    [problem] = rejected(lambda: load_turtle(path))
    assert (problem.line, problem.column) == (3, 17)
    assert problem.message.startswith('number out of range: "0.000')


def test_a_decimal_with_no_finite_value_leaves_the_graph_unchanged(kg, tmp_path: Path):
    path = write(tmp_path / "values.ttl", PREFIXES + '@prefix ind: <https://w3id.org/policykb/id/indicator/> .\n'
                 'ex:o ind:total_output "INF"^^xsd:decimal .\n')
    before = snapshot(kg)
    [problem] = rejected(lambda: kg.add_turtle(path))
    assert problem.message == 'ill-typed literal: "INF" is not a valid xsd:decimal'
    assert snapshot(kg) == before


def test_decimals_policykb_reads_are_still_read(tmp_path: Path):
    text = PREFIXES + 'ex:a ex:v "12.5"^^xsd:decimal , "-3"^^xsd:decimal , ".5"^^xsd:decimal , "1e2"^^xsd:decimal .\n'
    assert len(load_turtle(write(tmp_path / "values.ttl", text))) == 4
