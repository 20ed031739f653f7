"""Exact numbers: CSV text -> Fraction -> xsd:decimal literal -> Fraction, never a float."""

from __future__ import annotations

from fractions import Fraction

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from policykb.graph.values import decimal_lexical, decimal_literal, literal_bool, literal_number, parse_number


@pytest.mark.parametrize("text, value", [
    ("250.41", Fraction(25041, 100)),
    ("4e9", Fraction(4_000_000_000)),
    ("0.3", Fraction(3, 10)),
    ("-3", Fraction(-3)),
    (".5", Fraction(1, 2)),
    ("1.", Fraction(1)),
    ("0.1", Fraction(1, 10)),  # a float would give 3602879701896397/36028797018963968
])
def test_parse_number_is_exact(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1,200", "nan", "inf", "1e", ".", "40亿", "1 000", "0x10"])
def test_parse_number_refuses_what_is_not_a_decimal_numeral(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("value, lexical", [
    (Fraction(25041000000), "25041000000.0"),
    (Fraction(3, 10), "0.3"),
    (Fraction(-1, 4), "-0.25"),
    (Fraction(0), "0.0"),
    (Fraction(30), "30.0"),
    (Fraction(123456789, 1000), "123456.789"),
])
def test_decimal_lexical_is_canonical(value, lexical):
    assert decimal_lexical(value) == lexical


def test_decimal_lexical_refuses_a_value_without_finite_decimal():
    with pytest.raises(ValueError):
        decimal_lexical(Fraction(1, 3))


def test_unit_conversion_is_exact_for_the_published_figure():
    assert parse_number("250.41") * 100_000_000 == 25_041_000_000
    assert parse_number("0.3") * 100 == 30


@pytest.mark.parametrize("value", [Fraction(25041000000), Fraction(3, 10), Fraction(-7, 8), Fraction(121, 100)])
def test_decimal_literal_survives_a_turtle_round_trip(value):
    subject, predicate = URIRef("https://example.org/s"), URIRef("https://example.org/p")
    graph = Graph()
    graph.add((subject, predicate, decimal_literal(value)))
    again = Graph().parse(data=graph.serialize(format="turtle"), format="turtle")
    assert set(again) == set(graph)
    assert literal_number(again.value(subject, predicate)) == value


def test_literal_number_refuses_floats_and_strings():
    assert literal_number(Literal("0.7", datatype=XSD.double)) is None
    assert literal_number(Literal("0.7")) is None
    assert literal_number(Literal("abc", datatype=XSD.decimal)) is None
    assert literal_number(Literal(18)) == 18
    assert literal_number(None) is None


def test_literal_bool():
    assert literal_bool(Literal(True)) is True
    assert literal_bool(Literal(False)) is False
    assert literal_bool(Literal("true")) is None
