"""A fast batch back end: the same Datalog program, evaluated bottom-up over Python sets.

pyDatalog defines the semantics and answers questions about single clusters; screening
thousands of clusters needs a faster evaluator. This one runs the very `Program` the
compiler produced (no per-measure code), stratum by stratum, with hash joins on the bound
arguments of each atom. Numbers stay `Fraction`s, so boundaries are decided exactly as in
pyDatalog; tests/engine/test_equivalence.py checks both give the same statuses."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from typing import Iterable

from policykb.datalog.program import Atom, Compare, CountOf, Not, Program, Rule, Scaled, Sum, Var
from policykb.engine.pydatalog_engine import stratify

COMPARE = {">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
           "<": lambda a, b: a < b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}


class SetEngine:
    """Same interface as DatalogEngine: assert_facts, load_program, query, holds."""

    def __init__(self) -> None:
        self._relations: dict[str, set[tuple]] = defaultdict(set)
        self._indexes: dict[tuple[str, tuple[int, ...]], dict[tuple, list[tuple]]] = {}
        self._derived: set[str] = set()

    def assert_facts(self, facts: Iterable[tuple]) -> int:
        count = 0
        for pred, *args in facts:
            self._relations[pred].add(tuple(args))
            count += 1
        self._indexes.clear()
        return count

    def load_program(self, program: Program) -> None:
        for layer in stratify(program):
            new: dict[str, set[tuple]] = defaultdict(set)
            for rule in layer:
                new[rule.head.pred] |= self._evaluate(rule)
            for pred, rows in new.items():
                self._relations[pred] |= rows
                self._derived.add(pred)
            self._indexes = {k: v for k, v in self._indexes.items() if k[0] not in new}

    def close(self) -> None:
        """Nothing to release (same interface as DatalogEngine)."""

    # ------------------------------------------------------------ evaluation
    def _evaluate(self, rule: Rule) -> set[tuple]:
        bindings: list[dict] = [{}]
        for literal in rule.body:
            if not bindings:
                return set()
            bindings = self._apply(literal, bindings)
        head = rule.head.args
        return {tuple(b[a.name] if isinstance(a, Var) else a for a in head) for b in bindings}

    def _apply(self, literal, bindings: list[dict]) -> list[dict]:
        if isinstance(literal, Atom):
            return self._join(literal, bindings)
        if isinstance(literal, Not):
            rows = self._relations.get(literal.atom.pred, set())
            return [b for b in bindings if _ground(literal.atom, b) not in rows]
        if isinstance(literal, Compare):
            test = COMPARE[literal.op]
            return [b for b in bindings if test(_value(literal.left, b), _value(literal.right, b))]
        if isinstance(literal, CountOf):
            counts = self._counts(literal.source)
            out = []
            for b in bindings:
                n = counts.get(b[literal.key.name])
                if n is not None:  # as in pyDatalog: an empty group gives no count at all
                    out.append({**b, literal.result.name: n})
            return out
        raise TypeError(f"unknown literal {literal!r}")  # pragma: no cover

    def _join(self, atom: Atom, bindings: list[dict]) -> list[dict]:
        rows = self._relations.get(atom.pred, set())
        if not rows:
            return []
        first = bindings[0]
        bound = tuple(i for i, a in enumerate(atom.args) if not isinstance(a, Var) or a.name in first)
        index = self._index(atom.pred, bound)
        out = []
        for b in bindings:
            key = tuple(b[a.name] if isinstance(a, Var) else a for a in (atom.args[i] for i in bound))
            for row in index.get(key, ()):
                extended = dict(b)
                if _unify(atom.args, row, extended):
                    out.append(extended)
        return out

    def _index(self, pred: str, positions: tuple[int, ...]) -> dict[tuple, list[tuple]]:
        key = (pred, positions)
        if key not in self._indexes:
            index: dict[tuple, list[tuple]] = defaultdict(list)
            for row in self._relations.get(pred, ()):
                index[tuple(row[i] for i in positions)].append(row)
            self._indexes[key] = index
        return self._indexes[key]

    def _counts(self, source: str) -> dict:
        distinct: dict = defaultdict(set)
        for key, counted in self._relations.get(source, ()):
            distinct[key].add(counted)
        return {k: len(v) for k, v in distinct.items()}

    # ------------------------------------------------------------ queries
    def query(self, pred: str, *args) -> set[tuple]:
        bound = tuple(i for i, a in enumerate(args) if not isinstance(a, Var))
        if not bound:
            return set(self._relations.get(pred, ()))
        # Through the same hash index the joins use (kept until the relation changes):
        # reading one measure's results back then touches only that measure's rows, not
        # the rows of every measure loaded.
        return set(self._index(pred, bound).get(tuple(args[i] for i in bound), ()))

    def holds(self, pred: str, *args) -> bool:
        return bool(self.query(pred, *args))

    def clusters_in(self, pred: str) -> set[str]:
        return {row[0] for row in self._relations.get(pred, ())}


def _unify(args, row: tuple, binding: dict) -> bool:
    """Bind the free variables of `args` to `row`; False if a repeated variable disagrees."""
    for arg, value in zip(args, row):
        if isinstance(arg, Var):
            seen = binding.get(arg.name, _UNBOUND)
            if seen is _UNBOUND:
                binding[arg.name] = value
            elif seen != value or type(seen) is bool and type(value) is not bool:
                return False
        elif arg != value or (type(arg) is bool) != (type(value) is bool):
            return False
    return True


_UNBOUND = object()


def _ground(atom: Atom, binding: dict) -> tuple:
    return tuple(binding[a.name] if isinstance(a, Var) else a for a in atom.args)


def _value(operand, binding: dict):
    if isinstance(operand, Var):
        return binding[operand.name]
    if isinstance(operand, Scaled):
        return binding[operand.var.name] * operand.factor
    if isinstance(operand, Sum):
        return sum((binding[t.name] for t in operand.terms), Fraction(0))
    return operand
