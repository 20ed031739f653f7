"""Exact numbers in and out of the graph.

Thresholds are decided exactly on the boundary (4e9 CNY, 70 %, growth ratio 1.21), so a
value never passes through a float: CSV text -> Fraction -> canonical xsd:decimal literal
-> Fraction again. The canonical lexical form always has a '.' ("25041000000.0"), because
that is what rdflib's Turtle writer emits for a decimal; any other form would come back from
a Turtle round trip as a different literal.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

from rdflib import Literal
from rdflib.namespace import XSD

from policykb.limits import number_in_range

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def parse_number(text: str) -> Fraction | None:
    """The exact value of a decimal numeral ("250.41", "4e9", "-3"); None if it is not one,
    or if it has more than MAX_NUMBER_DIGITS digits before or after the point (see limits.number_in_range)."""
    if not _NUMBER.fullmatch(text):
        return None
    value = Decimal(text)
    return Fraction(value) if number_in_range(value) else None


def is_numeral(text: str) -> bool:
    """Whether `text` is written as a decimal numeral (whether or not it is in range)."""
    return _NUMBER.fullmatch(text) is not None


def decimal_lexical(value: Fraction) -> str:
    """Canonical xsd:decimal text of `value`; ValueError if it has no finite decimal form."""
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        raise ValueError(f"{value} has no finite decimal representation")
    digits = max(twos, fives)
    scaled = abs(value.numerator) * 10**digits // value.denominator
    whole, frac = divmod(scaled, 10**digits) if digits else (scaled, 0)
    frac_text = str(frac).rjust(digits, "0").rstrip("0") if digits else ""
    sign = "-" if value < 0 else ""
    return f"{sign}{whole}.{frac_text or '0'}"


def decimal_literal(value: Fraction) -> Literal:
    return Literal(decimal_lexical(value), datatype=XSD.decimal)


def literal_number(literal: object) -> Fraction | None:
    """The exact value of an xsd:decimal or xsd:integer literal; None for anything else.

    Floats and doubles are refused on purpose: they cannot decide a boundary exactly.
    """
    if not isinstance(literal, Literal) or literal.datatype not in (XSD.decimal, XSD.integer):
        return None
    value = literal.toPython()
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return None  # ill-typed lexical form, e.g. "abc"^^xsd:decimal
    if isinstance(value, Decimal) and not number_in_range(value):
        return None  # as ill-typed: out of range
    return Fraction(value)


def literal_bool(literal: object) -> bool | None:
    if isinstance(literal, Literal) and literal.datatype == XSD.boolean:
        value = literal.toPython()
        if isinstance(value, bool):
            return value
    return None
