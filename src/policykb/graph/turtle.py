"""Load Turtle files into a fresh graph, with located errors.

A kb folder is every *.ttl below it, in sorted path order (so loading is reproducible).
Each file is parsed on its own, so one broken file is reported with its own line and
column, and every broken file of the folder is reported at once. A literal rdflib keeps
with no value ("abc"^^xsd:decimal, "INF"^^xsd:decimal) is an error too, or the figure would
silently go missing (ill_typed.py). Nothing is added to the caller's graph unless all files
parse (the caller merges the returned graph).

rdflib's parser gives no position for some mistakes, and fails with a RecursionError on
nesting too deep for Python's stack: turtle_scan.py finds those, turtle_errors.py says what
is wrong where. A byte-order mark at the start of a file (which editors on Windows write)
is skipped.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from policykb.errors import Diagnostic, PolicyKBError
from policykb.limits import MAX_TURTLE_BYTES, MAX_TURTLE_NESTING, read_at_most
from policykb.rdflib_log import about_a_literal, forward, rdflib_said

from . import ill_typed
from . import turtle_errors as errors
from .namespaces import bind_prefixes
from .turtle_locate import DEFAULT_BASE, TurtleLocator
from .turtle_scan import too_deep


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
        text = _read_text(file, problems)
        problem = _parse_into(graph, file, text) if text is not None else None
        if problem is not None:
            problems.append(problem)
    bad = ill_typed.refused_in(graph)
    if bad:
        problems += ill_typed.problems(bad, path, TurtleLocator([path]))
    if problems:
        raise PolicyKBError(problems)
    return graph


def _read_text(file: Path, problems: list[Diagnostic]) -> str | None:
    """The text of `file` without a byte-order mark (lines and columns count from after it,
    as turtle_locate does); None, with the problem added to `problems`, if it cannot be read."""
    try:
        data = read_at_most(file, MAX_TURTLE_BYTES)
    except OSError as exc:
        problems.append(Diagnostic(f"cannot read file: {exc.strerror or exc}", file=str(file)))
        return None
    if data is None:
        problems.append(Diagnostic(f"the file is larger than {MAX_TURTLE_BYTES:,} bytes, the most a Turtle file "
                                   "may hold", file=str(file)))
        return None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = errors.utf8_position(data, exc.start)
        problems.append(Diagnostic("file is not valid UTF-8", file=str(file), line=line, column=column,
                                   expected="Turtle text in UTF-8"))
        return None


def _parse_into(graph: Graph, file: Path, text: str) -> Diagnostic | None:
    """Parse `text` (of `file`) into `graph`; the problem, if it does not parse."""
    deep = too_deep(text, MAX_TURTLE_NESTING)
    if deep is not None:
        return errors.too_deep(file, text, deep)
    try:
        with rdflib_said() as said:
            # Parsing from text (not the path) keeps the base IRI independent of where the
            # kb folder lies, so the same files always give the same graph.
            graph.parse(data=text, format="turtle", publicID=DEFAULT_BASE)
    except BadSyntax as exc:
        return errors.bad_syntax(file, text, exc)
    except (IndexError, AssertionError):
        # rdflib reads past the end of its input when the input ends inside a term, or
        # when '^^' is followed by no datatype IRI: an exception with no position.
        return errors.ran_out(file, text)
    except Exception as exc:  # rdflib raises plain exceptions for some bad terms
        return errors.bad_term(file, text, exc)
    # What rdflib says about a literal is reported below, as an ill-typed literal in its place.
    forward(record for record in said if not about_a_literal(record))
    return None
