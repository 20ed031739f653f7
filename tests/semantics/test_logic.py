"""Kleene's three-valued and / or / not, flags and recorded attributes."""

import itertools

import pytest

from helpers import Facts, statuses

VALUE = {"met": True, "unmet": False, "unknown": None}  # flag value that yields each status


def _facts(left: str, right: str) -> Facts:
    facts = Facts("a")
    for name, status in (("chain_map", left), ("sharing_mechanism", right)):
        if VALUE[status] is not None:
            facts.obs("a", name, VALUE[status])
    return facts


def kleene_and(x, y):
    if "unmet" in (x, y):
        return "unmet"
    return "met" if x == y == "met" else "unknown"


def kleene_or(x, y):
    if "met" in (x, y):
        return "met"
    return "unmet" if x == y == "unmet" else "unknown"


@pytest.mark.parametrize("left, right", list(itertools.product(VALUE, VALUE)))
def test_and_truth_table(left, right):
    assert statuses("chain_map and sharing_mechanism", _facts(left, right))["a"] == kleene_and(left, right)


@pytest.mark.parametrize("left, right", list(itertools.product(VALUE, VALUE)))
def test_or_truth_table(left, right):
    assert statuses("chain_map or sharing_mechanism", _facts(left, right))["a"] == kleene_or(left, right)


@pytest.mark.parametrize("value, expected", [("met", "unmet"), ("unmet", "met"), ("unknown", "unknown")])
def test_not(value, expected):
    assert statuses("not chain_map", _facts(value, "unknown"))["a"] == expected


def test_precedence_and_binds_tighter_than_or():
    facts = _facts("met", "unmet").obs("a", "key_chain", False)
    # chain_map or (sharing_mechanism and key_chain) = met; (chain_map or sharing) and key_chain = unmet
    assert statuses("chain_map or sharing_mechanism and key_chain", facts)["a"] == "met"
    assert statuses("(chain_map or sharing_mechanism) and key_chain", facts)["a"] == "unmet"


def test_recorded_county():
    facts = Facts("a")
    facts.clusters.append(type(facts.clusters[0])("b", None, None, None, None, None, True, facts.clusters[0].provenance))
    assert statuses("recorded county", facts) == {"a": "met", "b": "unknown"}
