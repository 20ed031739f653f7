"""Load Turtle files into a fresh graph, with located errors.

A kb folder is every *.ttl below it, in sorted path order (so loading is reproducible).
Each file is parsed on its own, so one broken file is reported with its own line and
column, and every broken file of the folder is reported at once. An ill-typed literal
("abc"^^xsd:decimal) is an error too: rdflib would keep it with no value, and the figure
would silently go missing. Nothing is added to the caller's graph unless all files parse
(the caller merges the returned graph).
"""

from __future__ import annotations

import json
import logging
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from rdflib import Graph, Literal
from rdflib.namespace import XSD
from rdflib.plugins.parsers.notation3 import BadSyntax

from policykb.errors import Diagnostic, PolicyKBError
from policykb.limits import MAX_TURTLE_BYTES, read_at_most

from .namespaces import bind_prefixes
from .turtle_locate import DEFAULT_BASE, Place, TurtleLocator


def turtle_files(path: Path) -> list[Path]:
    """The Turtle files `path` stands for: itself, or every *.ttl below the folder, sorted."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*.ttl") if p.is_file())
    return [path]


# rdflib's non-context-aware in-memory store: policykb uses no named graphs, and it reads
# about twice as fast as the default `Memory` store and adds ~25 % faster (measured on
# 250,000 triples). Any rdflib store name may be passed instead (e.g. "Oxigraph").
DEFAULT_STORE = "SimpleMemory"


def new_graph(store: str = DEFAULT_STORE) -> Graph:
    try:
        graph = Graph(store=store)
    except Exception as exc:  # rdflib's PluginException for an unknown or uninstalled store
        raise PolicyKBError.single(f"cannot create rdflib store '{store}': {exc}",
                                   hint=f"use the default '{DEFAULT_STORE}' or install the store's package") from None
    return bind_prefixes(graph)


def load_turtle(path: Path, *, what: str = "Turtle file or folder", store: str = DEFAULT_STORE) -> Graph:
    """Parse the Turtle file or folder at `path` into a new graph."""
    if not path.exists():
        raise PolicyKBError.single(f"{what} does not exist", file=str(path))
    files = turtle_files(path)
    if not files:
        raise PolicyKBError.single(f"no Turtle file (*.ttl) in {what}", file=str(path),
                                   expected="at least one .ttl file in the folder or below it")
    graph = new_graph(store)
    problems: list[Diagnostic] = []
    for file in files:
        try:
            data = read_at_most(file, MAX_TURTLE_BYTES)
        except OSError as exc:
            problems.append(Diagnostic(f"cannot read file: {exc.strerror or exc}", file=str(file)))
            continue
        if data is None:
            problems.append(Diagnostic(f"the file is larger than {MAX_TURTLE_BYTES:,} bytes, the most a Turtle file "
                                       "may hold", file=str(file)))
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line, column = _position(data, exc.start)
            problems.append(Diagnostic("file is not valid UTF-8", file=str(file), line=line, column=column,
                                       expected="Turtle text in UTF-8"))
            continue
        try:
            # Parsing from text (not the path) keeps the base IRI independent of where the
            # kb folder lies, so the same files always give the same graph.
            with _ill_typed_literals_unlogged():
                graph.parse(data=text, format="turtle", publicID=DEFAULT_BASE)
        except BadSyntax as exc:
            problems.append(_bad_syntax(file, exc))
        except Exception as exc:  # rdflib raises plain exceptions for some bad terms
            problems.append(Diagnostic(f"Turtle does not parse: {exc}", file=str(file)))
    problems += _ill_typed_problems(graph, path)
    if problems:
        raise PolicyKBError(problems)
    return graph


@contextmanager
def _ill_typed_literals_unlogged() -> Iterator[None]:
    """rdflib logs a warning with a traceback for most ill-typed literals it reads (and
    warns about odd booleans); load_turtle reports every one itself, as a located error."""
    logger = logging.getLogger("rdflib.term")
    logger.addFilter(_not_about_a_literal)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Parsing weird boolean", category=UserWarning)
            yield
    finally:
        logger.removeFilter(_not_about_a_literal)


def _not_about_a_literal(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("Failed to convert Literal lexical form")


# Shown in full: more would bury the first ones, which are usually the same mistake.
_MAX_ILL_TYPED_SHOWN = 20


def _ill_typed_problems(graph: Graph, path: Path) -> list[Diagnostic]:
    """An error for each distinct ill-typed literal of `graph` (read from `path`), at the
    file and line where it is first written."""
    # One pass over the triples: a few per cent of the time parsing them took.
    bad = {o for _, _, o in graph if type(o) is Literal and o.ill_typed}
    if not bad:
        return []
    locator = TurtleLocator([path])
    shown = sorted(bad, key=lambda literal: (str(literal.datatype), str(literal)))[:_MAX_ILL_TYPED_SHOWN]
    problems = sorted((_ill_typed(literal, path, locator) for literal in shown),
                      key=lambda d: (d.file or "", d.line or 0, d.column or 0))
    if len(bad) > len(shown):
        problems.append(Diagnostic(f"{len(bad) - len(shown)} more ill-typed literals are not shown", file=str(path),
                                   hint="correct the ones above first; the others are probably the same mistake"))
    return problems


# What a value of each common datatype looks like (others: "a valid xsd:...").
_LEXICAL_FORMS = {
    XSD.decimal: "a decimal number such as 12.5 (digits, an optional sign and '.'; no units, spaces or "
                 "thousands separators)",
    XSD.integer: "a whole number such as 12 (digits and an optional sign; no units, spaces or thousands separators)",
    XSD.nonNegativeInteger: "a whole number of at least 0, such as 12",
    XSD.positiveInteger: "a whole number of at least 1, such as 12",
    XSD.double: "a number such as 12.5 or 1.25E3",
    XSD.float: "a number such as 12.5 or 1.25E3",
    XSD.boolean: "true or false (lower case), or 1 or 0",
    XSD.date: "a date such as 2023-06-30",
    XSD.dateTime: "a date and time such as 2023-06-30T12:00:00",
    XSD.gYear: "a year such as 2023",
}


def _ill_typed(literal: Literal, path: Path, locator: TurtleLocator) -> Diagnostic:
    datatype = _shown_datatype(literal)
    place, lexical = locator.find_literal(literal, _rewritten_to(literal)) or (Place(str(path)), None)
    if lexical is None and not _ill_typed_as(str(literal), literal):
        what = "a value"  # rdflib rewrote it into a valid one ("maybe" -> "false"), and it was not found
    else:
        what = json.dumps(lexical or str(literal), ensure_ascii=False)  # quoted, unprintables escaped
        what = what if len(what) <= 60 else what[:56] + '..."'
    return Diagnostic(f"ill-typed literal: {what} is not a valid {datatype}", **place.where(),
                      expected=_LEXICAL_FORMS.get(literal.datatype, f"a valid {datatype}"),
                      hint="correct the value; if it is not known, leave the statement out: a missing value is "
                           "reported as unknown, never taken as zero")


def _rewritten_to(literal: Literal):
    """Whether a lexical form is one rdflib keeps as the ill-typed `literal` (it rewrites
    some: "maybe"^^xsd:boolean is kept as "false")."""
    return lambda lexical: _ill_typed_as(lexical, literal)


def _ill_typed_as(lexical: str, literal: Literal) -> bool:
    with _ill_typed_literals_unlogged():
        again = Literal(lexical, datatype=literal.datatype)
    return bool(again.ill_typed) and str(again) == str(literal)


def _shown_datatype(literal: Literal) -> str:
    datatype = str(literal.datatype)
    return "xsd:" + datatype[len(str(XSD)):] if datatype.startswith(str(XSD)) else f"<{datatype}>"


def _bad_syntax(file: Path, exc: BadSyntax) -> Diagnostic:
    # rdflib keeps the parsed text UTF-8 encoded in `_str`, but `_i` is a character index
    # into the decoded text.
    data = getattr(exc, "_str", None)
    index = getattr(exc, "_i", None)
    why = getattr(exc, "_why", None) or str(exc)
    line = column = None
    if isinstance(data, (bytes, str)) and isinstance(index, int):
        text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
        if not 0 <= index <= len(text):  # rdflib's -1: it ran out of input
            return _at_end_of_file(file, text, why)
        line = text.count("\n", 0, index) + 1
        column = index - (text.rfind("\n", 0, index) + 1) + 1
    elif isinstance(getattr(exc, "lines", None), int):
        line = exc.lines + 1
    return Diagnostic(f"Turtle syntax error: {why}", file=str(file), line=line, column=column,
                      hint="see https://www.w3.org/TR/turtle/ for the syntax")


def _at_end_of_file(file: Path, text: str, why: str) -> Diagnostic:
    """A syntax error rdflib found only when the input ran out: reported just after the
    last thing written (trailing blank lines and spaces are not where the mistake is)."""
    index = len(text.rstrip())
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return Diagnostic(f"Turtle syntax error at the end of the file: {why}", file=str(file), line=line, column=column,
                      expected="every statement to end with '.', and every '<', '\"', '[' and '(' to be closed",
                      hint="see https://www.w3.org/TR/turtle/ for the syntax")


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and character column of byte `offset` in UTF-8 `data`."""
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column
