"""The one object that owns pyDatalog's state.

pyDatalog keeps its knowledge base in thread-local globals. Switching between knowledge
bases with `Logic(handle)` installs a *copy* of the handle (later changes are lost, and
the copy can lose predicates), so instead each `DatalogEngine` owns one worker thread and
runs every pyDatalog call there: two knowledge bases live side by side in one process and
tests never see each other's facts.

The engine translates the typed `Program` into pyDatalog terms directly: no program
text is ever handed to pyDatalog's `load` (which would run it through Python's compiler).
"""

from __future__ import annotations

import gc
import weakref
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from typing import Callable, Iterable, TypeVar

from pyDatalog import Logic, pyDatalog, pyEngine
from pyDatalog.pyParser import Term

from policykb.datalog import schema
from policykb.datalog.program import Atom, Compare, CountOf, Not, Program, Rule, Scaled, Sum, Var

# Floats are never handed to the engine (numbers are Fractions), but if one slipped in,
# pyDatalog's default rounding to 8 digits would silently move it across a threshold.
pyEngine.Float_Precision = None

T = TypeVar("T")


class DatalogEngine:
    def __init__(self) -> None:
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="policykb-datalog")
        weakref.finalize(self, self._worker.shutdown, wait=False)
        self._aggregates: set[str] = set()
        self._defined: set[str] = set()
        self._run(self._start)

    def _run(self, work: Callable[..., T], *args) -> T:
        """Run `work` on this engine's thread, where its pyDatalog knowledge base lives."""
        return self._worker.submit(work, *args).result()

    def close(self) -> None:
        self._worker.shutdown(wait=True)

    def _start(self) -> None:
        Logic()  # a fresh knowledge base for this thread
        # pyDatalog raises on negating a predicate that never had a fact (a cluster with no
        # incident record at all is normal): define each base predicate by asserting and
        # retracting a placeholder.
        for pred, arity in schema.BASE_ARITY.items():
            placeholder = ("__defined__",) * arity
            pyDatalog.assert_fact(pred, *placeholder)
            pyDatalog.retract_fact(pred, *placeholder)
            self._defined.add(pred)

    # ------------------------------------------------------------ facts
    def assert_facts(self, facts: Iterable[tuple]) -> int:
        """Assert (predicate, *args) tuples; the garbage collector is held off meanwhile
        because it dominates bulk loading time."""
        return self._run(self._assert_all, list(facts))

    def _assert_all(self, facts: list[tuple]) -> int:
        enabled = gc.isenabled()
        gc.disable()
        try:
            for pred, *args in facts:
                pyDatalog.assert_fact(pred, *args)
                self._defined.add(pred)
        finally:
            if enabled:
                gc.enable()
        return len(facts)

    # ------------------------------------------------------------ rules
    def load_program(self, program: Program) -> None:
        self._run(lambda: [self._add_rule(rule) for rule in program.rules])

    def _add_rule(self, rule: Rule) -> None:
        body = [self._literal(lit) for lit in rule.body]
        combined = body[0]
        for literal in body[1:]:
            combined = combined & literal
        self._atom(rule.head) <= combined
        self._defined.add(rule.head.pred)

    def _literal(self, literal):
        if isinstance(literal, Atom):
            return self._atom(literal)
        if isinstance(literal, Not):
            return ~self._atom(literal.atom)
        if isinstance(literal, Compare):
            return _compare(_operand(literal.left), literal.op, _operand(literal.right))
        if isinstance(literal, CountOf):
            self._define_count(literal)
            return Term(literal.function)[_operand(literal.key)] == _operand(literal.result)
        raise TypeError(f"unknown literal {literal!r}")  # pragma: no cover

    def _define_count(self, count: CountOf) -> None:
        if count.function in self._aggregates:
            return
        key, counted = _operand(count.key), _operand(count.counted)
        (Term(count.function)[key] == Term("len_")(counted)) <= Term(count.source)(key, counted)
        self._aggregates.add(count.function)

    def _atom(self, atom: Atom):
        return Term(atom.pred)(*(_operand(a) for a in atom.args))

    # ------------------------------------------------------------ queries
    def query(self, pred: str, *args) -> set[tuple]:
        """All answers of `pred(*args)`; `Var`s in args are free. Unknown predicate: empty."""
        if pred not in self._defined:
            return set()
        answers = self._run(lambda: Term(pred)(*(_operand(a) for a in args)).ask())
        return set(answers or ())

    def holds(self, pred: str, *args) -> bool:
        return bool(self.query(pred, *args))

    def clusters_in(self, pred: str) -> set[str]:
        return {row[0] for row in self.query(pred, Var("C"))}


def _operand(value):
    if isinstance(value, Var):
        return Term(value.name)
    if isinstance(value, Scaled):
        return Term(value.var.name) * value.factor
    if isinstance(value, Sum):
        total = Term(value.terms[0].name)
        for term in value.terms[1:]:
            total = total + Term(term.name)
        return total
    if isinstance(value, float):  # pragma: no cover - guarded upstream
        return Fraction(value)
    return value


def _compare(left, op: str, right):
    if op == ">=":
        return left >= right
    if op == ">":
        return left > right
    if op == "<=":
        return left <= right
    if op == "<":
        return left < right
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    raise ValueError(op)  # pragma: no cover
