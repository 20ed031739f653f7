"""What is wrong, and where, when rdflib does not read a Turtle file (see turtle.py).

Each function returns one Diagnostic: the file, the line and column in it, what was
expected and a suggestion. rdflib's BadSyntax carries a position; for its other failures
(an IndexError or AssertionError when the input ends inside a term, a plain exception for
a term it cannot build) the place is found in the text, with turtle_scan.py.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib.plugins.parsers.notation3 import BadSyntax

from policykb.errors import Diagnostic
from policykb.limits import MAX_NUMBER_DIGITS, MAX_TURTLE_NESTING

from .ill_typed import DATA_HINT
from .turtle_scan import Token, first_variable, left_open, missing_datatype

SYNTAX_HINT = "see https://www.w3.org/TR/turtle/ for the syntax"


def too_deep(file: Path, text: str, index: int) -> Diagnostic:
    """Blank nodes and collections nest past the limit at `index`."""
    line, column = _line_column(text, index)
    return Diagnostic(f"Turtle nesting too deep: blank nodes and collections nest more than {MAX_TURTLE_NESTING} "
                      "deep here", file=str(file), line=line, column=column,
                      expected=f"at most {MAX_TURTLE_NESTING} '[' and '(' open at once",
                      hint="give the inner nodes names (ex:part1, or _:b1) and describe each in statements of its own")


def bad_syntax(file: Path, text: str, exc: BadSyntax) -> Diagnostic:
    """rdflib's own syntax error, at its place (or at the end, when it ran out of input)."""
    # `_i` is a character index into the text parsed; rdflib's -1: it ran out of input (and
    # past the last thing written it points at nothing).
    index = getattr(exc, "_i", None)
    why = getattr(exc, "_why", None) or str(exc)
    line = column = None
    if isinstance(index, int):
        if not 0 <= index < len(text.rstrip()):
            return _at_end_of_file(file, text, why)
        line, column = _line_column(text, index)
    elif isinstance(getattr(exc, "lines", None), int):
        line = exc.lines + 1
    return Diagnostic(f"Turtle syntax error: {why}", file=str(file), line=line, column=column, hint=SYNTAX_HINT)


def bad_term(file: Path, text: str, exc: Exception) -> Diagnostic:
    """One of rdflib's plain exceptions for a term it cannot build, which is then found in
    the text: a language tag it refuses, a whole number too long for Python to read, or a
    variable (?x), which Turtle has not."""
    found = _bad_language_tag(text, str(exc)) or _huge_number(text, str(exc)) or _variable(text, str(exc))
    if found is None:
        return Diagnostic(f"Turtle does not parse: {exc}", file=str(file), hint=SYNTAX_HINT)
    index, message, expected, hint = found
    line, column = _line_column(text, index)
    return Diagnostic(message, file=str(file), line=line, column=column, expected=expected, hint=hint)


_BAD_LANGUAGE = re.compile(r"'(.*)' is not a valid language tag")
_HUGE_NUMBER = re.compile(r"Exceeds the limit \((\d+) digits\) for integer string conversion")


def _bad_language_tag(text: str, error: str) -> tuple[int, str, str, str] | None:
    tag = _BAD_LANGUAGE.match(error)
    written = re.search(rf"[\"']@({re.escape(tag.group(1))})(?![\w-])", text) if tag else None
    if written is None:
        return None
    return (written.start(1) - 1, f"Turtle syntax error: '@{written.group(1)}' is not a valid language tag",
            "a language tag such as @zh, @en or @zh-Hans (it starts with letters)", "correct the tag, or leave it out")


def _huge_number(text: str, error: str) -> tuple[int, str, str, str] | None:
    limit = _HUGE_NUMBER.match(error)
    written = re.search(rf"\d{{{int(limit.group(1)) + 1},}}", text) if limit else None
    if written is None:
        return None
    return (written.start(), f"number out of range: a number of {len(written.group()):,} digits",
            f"at most {MAX_NUMBER_DIGITS} digits before the decimal point and after it", DATA_HINT)


def _variable(text: str, error: str) -> tuple[int, str, str, str] | None:
    variable = first_variable(text) if "newUniversal" in error else None
    if variable is None:
        return None
    return (variable.index, f"Turtle syntax error: '{variable.text}' is a variable, which Turtle does not have",
            "an IRI, a prefixed name, a blank node or a literal",
            "write a SPARQL query inside a string (\"\"\"...\"\"\")")


def ran_out(file: Path, text: str) -> Diagnostic:
    """rdflib failed with no position: after a '^^' with no datatype IRI, or at the end."""
    index = missing_datatype(text)
    if index is None:
        return _at_end_of_file(file, text, None)
    line, column = _line_column(text, index)
    return Diagnostic("Turtle syntax error: no datatype IRI after '^^'", file=str(file), line=line,
                      column=column, expected="a datatype after '^^', such as xsd:decimal or "
                                              "<http://www.w3.org/2001/XMLSchema#decimal>",
                      hint="write the datatype, or leave out '^^' to write a plain string")


def _at_end_of_file(file: Path, text: str, why: str | None) -> Diagnostic:
    """A syntax error found only when the input ran out: reported just after the last thing
    written (trailing blank lines and spaces are not where the mistake is), naming what is
    still open there and where it was opened."""
    line, column = _line_column(text, len(text.rstrip()))
    unclosed = left_open(text)
    said = [why.rstrip(". ") if why else None, _still_open(text, unclosed) if unclosed else None]
    message = "; ".join(part for part in said if part) or "the file ends in the middle of a statement"
    return Diagnostic(f"Turtle syntax error at the end of the file: {message}", file=str(file), line=line,
                      column=column, expected="every statement to end with '.', and every '<', '\"', '[' and '(' "
                                              "to be closed", hint=SYNTAX_HINT)


_OPENED = {"[": "the blank node '[' opened", "(": "the collection '(' opened", "<": "the IRI '<' opened"}


def _still_open(text: str, unclosed: list[Token]) -> str:
    """Where the innermost few of `unclosed` were opened (the outer ones close after them)."""
    places = []
    for token in reversed(unclosed[-3:]):
        line, column = _line_column(text, token.index)
        opened = _OPENED.get(token.text, f"the string opened with {token.text}")
        places.append(f"{opened} at line {line}, column {column}")
    return ", ".join(places) + (" is" if len(places) == 1 else " are") + " not closed"


def _line_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and character column of `index` in `text`."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def utf8_position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and character column of byte `offset` in UTF-8 `data`."""
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column
