"""pyDatalog's global state stays inside each engine: two knowledge bases, one process."""

from fractions import Fraction

from policykb.datalog.program import Atom, Compare, Program, Var
from policykb.engine.pydatalog_engine import DatalogEngine

C, V = Var("C"), Var("V")


def program(threshold: int) -> Program:
    built = Program()
    built.add(Atom("big", (C,)), Atom("obs", (C, "x", None, V)), Compare(V, ">=", threshold))
    return built


def test_two_engines_do_not_see_each_other():
    first, second = DatalogEngine(), DatalogEngine()
    first.assert_facts([("cluster", "a"), ("obs", "a", "x", None, Fraction(5))])
    second.assert_facts([("cluster", "b"), ("obs", "b", "x", None, Fraction(50))])
    first.load_program(program(1))
    second.load_program(program(10))
    assert first.clusters_in("big") == {"a"}
    assert second.clusters_in("big") == {"b"}
    assert first.clusters_in("cluster") == {"a"}
    first.close()
    second.close()


def test_a_new_engine_starts_empty():
    engine = DatalogEngine()
    assert engine.clusters_in("cluster") == set()
    assert engine.query("never_defined", C) == set()


def test_large_integers_and_fractions_are_not_rounded():
    # pyDatalog rounds floats to 8 digits by default: 4000000001.0 would equal 4e9.
    engine = DatalogEngine()
    engine.assert_facts([("obs", "a", "x", None, Fraction(4_000_000_001)), ("obs", "b", "x", None, Fraction(7, 10))])
    built = Program()
    built.add(Atom("above", (C,)), Atom("obs", (C, "x", None, V)), Compare(V, ">", 4_000_000_000))
    built.add(Atom("seventy", (C,)), Atom("obs", (C, "x", None, V)), Compare(V, "==", Fraction(7, 10)))
    engine.load_program(built)
    assert engine.clusters_in("above") == {"a"}
    assert engine.clusters_in("seventy") == {"b"}
