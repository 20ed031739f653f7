"""Tests of policykb.graph (a package so the tests can share helpers from conftest)."""
