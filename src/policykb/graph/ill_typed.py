"""Literals policykb refuses, reported where they are written (a Turtle file, a query).

An ill-typed literal ("abc"^^xsd:decimal) is kept by rdflib with no value, so the figure
would silently go missing. So would an xsd:decimal with no finite value in range: "INF",
"NaN" and "1e400" are not xsd:decimal lexical forms (it has no exponent and no special
values), but Python's Decimal reads them, so rdflib does not call them ill-typed; and a
decimal of more than MAX_NUMBER_DIGITS digits is refused as in a CSV cell.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterable

from rdflib import Graph, Literal
from rdflib.namespace import XSD

from policykb.errors import Diagnostic
from policykb.limits import MAX_NUMBER_DIGITS
from policykb.rdflib_log import rdflib_said

from .turtle_locate import Place, TurtleLocator
from policykb.limits import number_in_range

DATA_HINT = ("correct the value; if it is not known, leave the statement out: a missing value is reported as "
             "unknown, never taken as zero")

# Shown in full: more would bury the first ones, which are usually the same mistake.
_MAX_SHOWN = 20

# What a value of each common datatype looks like (others: "a valid xsd:...").
_LEXICAL_FORMS = {
    XSD.decimal: "a decimal number such as 12.5 (digits, an optional sign and '.'; no exponent, INF or NaN, no "
                 "units, spaces or thousands separators)",
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
# An xsd:decimal as XSD writes it (leading and trailing spaces are collapsed away).
_XSD_DECIMAL = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*")


def refused(literal: Literal) -> bool:
    """Whether policykb refuses `literal` as read by rdflib (see the module docstring)."""
    if literal.ill_typed:
        return True
    return literal.datatype == XSD.decimal and (literal.value is None or not number_in_range(literal.value))


def refused_in(graph: Graph) -> set[Literal]:
    """Every literal of `graph` policykb refuses, in one pass over its triples (a few per
    cent of the time parsing them took)."""
    return {o for _, _, o in graph if type(o) is Literal and o.datatype is not None and refused(o)}


def problems(bad: Iterable[Literal], where: Path | str, locator: TurtleLocator, hint: str = DATA_HINT
             ) -> list[Diagnostic]:
    """An error for each distinct literal of `bad` (read from `where`), at the place it is
    first written, sorted by place; past the first few, one line says how many more."""
    bad = set(bad)
    shown = sorted(bad, key=lambda literal: (str(literal.datatype), str(literal)))[:_MAX_SHOWN]
    found = sorted((_problem(literal, str(where), locator, hint) for literal in shown),
                   key=lambda d: (d.file or "", d.line or 0, d.column or 0))
    if len(bad) > len(shown):
        found.append(Diagnostic(f"{len(bad) - len(shown)} more ill-typed literals are not shown", file=str(where),
                                hint="correct the ones above first; the others are probably the same mistake"))
    return found


def _problem(literal: Literal, where: str, locator: TurtleLocator, hint: str) -> Diagnostic:
    place, lexical = locator.find_literal(literal, _rewritten_to(literal)) or (Place(where), None)
    if lexical is None and not _refused_as(str(literal), literal):
        what = "a value"  # rdflib rewrote it into a valid one ("maybe" -> "false"), and it was not found
    else:
        what = json.dumps(lexical or str(literal), ensure_ascii=False)  # quoted, unprintables escaped
        what = what if len(what) <= 60 else what[:56] + '..."'
    if literal.datatype == XSD.decimal and not literal.ill_typed and _XSD_DECIMAL.fullmatch(lexical or str(literal)):
        return Diagnostic(f"number out of range: {what} has more than {MAX_NUMBER_DIGITS} digits before or after "
                          "the decimal point", **place.where(),
                          expected=f"at most {MAX_NUMBER_DIGITS} digits before the decimal point and after it",
                          hint=hint)
    datatype = _shown_datatype(literal)
    return Diagnostic(f"ill-typed literal: {what} is not a valid {datatype}", **place.where(),
                      expected=_LEXICAL_FORMS.get(literal.datatype, f"a valid {datatype}"), hint=hint)


def _rewritten_to(literal: Literal):
    """Whether a lexical form is one rdflib keeps as the refused `literal` (it rewrites
    some: "maybe"^^xsd:boolean is kept as "false", "INF"^^xsd:decimal as "Infinity")."""
    return lambda lexical: _refused_as(lexical, literal)


def _refused_as(lexical: str, literal: Literal) -> bool:
    with rdflib_said():  # rdflib logs (with a traceback) the ill-typed form it is given
        again = Literal(lexical, datatype=literal.datatype)
    return refused(again) and str(again) == str(literal)


def _shown_datatype(literal: Literal) -> str:
    datatype = str(literal.datatype)
    return "xsd:" + datatype[len(str(XSD)):] if datatype.startswith(str(XSD)) else f"<{datatype}>"


# -- in a SPARQL query ---------------------------------------------------------------------------

def refused_in_query(algebra: Any) -> set[Literal]:
    """The refused literals written in a query or update, from rdflib's algebra of it."""
    bad: set[Literal] = set()
    for literal in _literals(algebra):
        if literal.datatype is None:
            continue
        # Rebuilt as the Turtle parser builds it: the query parser makes literals from
        # literals, which leaves ill_typed unset.
        with rdflib_said():
            again = Literal(str(literal), datatype=literal.datatype)
        if refused(again):
            bad.add(again)
    return bad


def _literals(algebra: Any) -> Iterable[Literal]:
    """Every Literal in rdflib's algebra (nested dicts, lists, tuples and sets)."""
    seen: set[int] = set()
    pending = [algebra]
    while pending:
        item = pending.pop()
        if isinstance(item, Literal):
            yield item
        elif isinstance(item, (dict, list, tuple, set, frozenset)) and id(item) not in seen:
            seen.add(id(item))
            pending.extend(item.values() if isinstance(item, dict) else item)
