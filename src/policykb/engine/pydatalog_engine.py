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

import weakref
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from typing import Callable, Iterable, TypeVar

from pyDatalog import Logic, pyDatalog, pyEngine
from pyDatalog import pyParser
from pyDatalog.pyParser import Body, Term

from policykb.datalog import schema
from policykb.memory import collector_paused
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
        self._defined: set[str] = set()  # base predicates (facts)
        self._results: dict[str, set[tuple]] = {}  # derived predicates, materialised
        self._generation = 0
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
        because it dominates bulk loading time. Programs already evaluated would not see
        new facts, so facts come first."""
        if self._generation:
            raise RuntimeError("facts must be asserted before any program is loaded")
        return self._run(self._assert_all, list(facts))

    def _assert_all(self, facts: list[tuple]) -> int:
        with collector_paused():
            for pred, *args in facts:
                _assert_fact(pred, args)
                self._defined.add(pred)
        return len(facts)

    # ------------------------------------------------------------ rules
    def load_program(self, program: Program) -> None:
        """Evaluate `program` bottom-up, one stratum at a time, materialising each stratum.

        pyDatalog resolves top-down: a rule such as `unknown(C) :- cluster(C), not met(C)`
        would re-derive `met` for every cluster separately. Instead the rules of each stratum
        are given to pyDatalog with the lower strata already stored as facts, so every
        predicate is computed once, set at a time. Facts must all be asserted before."""
        self._generation += 1
        strata = stratify(program)
        self._run(self._evaluate, strata, self._generation)

    def _evaluate(self, strata: list[list[Rule]], generation: int) -> None:
        with collector_paused():
            self._evaluate_strata(strata, generation)

    def _evaluate_strata(self, strata: list[list[Rule]], generation: int) -> None:
        rename = {}
        for layer in strata:
            heads = {rule.head.pred: len(rule.head.args) for rule in layer}
            for pred in heads:
                rename.setdefault(pred, (f"g{generation}_rule_{pred}", f"g{generation}_{pred}"))
            for rule in layer:
                self._add_rule(rule, rename)
            for pred, arity in heads.items():
                rule_name, fact_name = rename[pred]
                answers = Term(rule_name)(*(Term(f"X{i}") for i in range(arity))).ask() or ()
                self._store(pred, fact_name, arity, answers)

    def _store(self, pred: str, fact_name: str, arity: int, answers) -> None:
        found = {tuple(row) for row in answers}
        self._results.setdefault(pred, set()).update(found)
        for row in found:
            _assert_fact(fact_name, row)
        if not found:  # defined but empty, so later strata may negate it
            placeholder = ("__defined__",) * arity
            pyDatalog.assert_fact(fact_name, *placeholder)
            pyDatalog.retract_fact(fact_name, *placeholder)

    def _add_rule(self, rule: Rule, rename: dict[str, tuple[str, str]]) -> None:
        head = Atom(rename[rule.head.pred][0], rule.head.args)
        body = [self._literal(lit, rename) for lit in rule.body]
        _add_clause(self._atom(head, rename), body)

    def _literal(self, literal, rename):
        if isinstance(literal, Atom):
            return self._atom(literal, rename)
        if isinstance(literal, Not):
            return ~self._atom(literal.atom, rename)
        if isinstance(literal, Compare):
            return _compare(_operand(literal.left), literal.op, _operand(literal.right))
        if isinstance(literal, CountOf):
            function = self._define_count(literal, rename)
            return Term(function)[_operand(literal.key)] == _operand(literal.result)
        raise TypeError(f"unknown literal {literal!r}")  # pragma: no cover

    def _define_count(self, count: CountOf, rename) -> str:
        source = rename.get(count.source, (None, count.source))[1]
        function = f"{source}__{count.function}"
        if function not in self._aggregates:
            key, counted = _operand(count.key), _operand(count.counted)
            (Term(function)[key] == Term("len_")(counted)) <= Term(source)(key, counted)
            self._aggregates.add(function)
        return function

    @staticmethod
    def _atom(atom: Atom, rename):
        # Head names are already renamed; a body atom of a lower stratum reads its facts.
        name = rename[atom.pred][1] if atom.pred in rename else atom.pred
        return Term(name)(*(_operand(a) for a in atom.args))

    # ------------------------------------------------------------ queries
    def query(self, pred: str, *args) -> set[tuple]:
        """Answers of `pred(*args)`: `Var`s are free, other values must match."""
        if pred in self._results:
            rows = self._results[pred]
            bound = [(i, a) for i, a in enumerate(args) if not isinstance(a, Var)]
            return {row for row in rows if all(row[i] == a for i, a in bound)} if bound else set(rows)
        if pred not in self._defined:
            return set()
        answers = self._run(lambda: Term(pred)(*(_operand(a) for a in args)).ask())
        return set(answers or ())

    def holds(self, pred: str, *args) -> bool:
        return bool(self.query(pred, *args))

    def clusters_in(self, pred: str) -> set[str]:
        return {row[0] for row in self.query(pred, Var("C"))}


def stratify(program: Program) -> list[list[Rule]]:
    """Group rules into layers so each rule only reads predicates of lower layers (or
    facts). The compiler emits no recursion; a cycle is a compiler bug and is refused."""
    rules_of: dict[str, list[Rule]] = {}
    for rule in program.rules:
        rules_of.setdefault(rule.head.pred, []).append(rule)
    depth: dict[str, int] = {}

    def layer(pred: str, path: tuple[str, ...] = ()) -> int:
        if pred in depth:
            return depth[pred]
        if pred in path:
            raise ValueError(f"recursive predicates are not supported: {' -> '.join(path + (pred,))}")
        below = [layer(p, path + (pred,)) for rule in rules_of[pred] for p in _reads(rule) if p in rules_of]
        depth[pred] = 1 + max(below, default=-1)
        return depth[pred]

    for pred in rules_of:
        layer(pred)
    layers: list[list[Rule]] = [[] for _ in range(1 + max(depth.values(), default=-1))]
    for pred, rules in rules_of.items():
        layers[depth[pred]].extend(rules)
    return layers


def _reads(rule: Rule) -> list[str]:
    reads = []
    for literal in rule.body:
        if isinstance(literal, Atom):
            reads.append(literal.pred)
        elif isinstance(literal, Not):
            reads.append(literal.atom.pred)
        elif isinstance(literal, CountOf):
            reads.append(literal.source)
    return reads


def _add_clause(head, body: list) -> None:
    """`head <= body[0] & body[1] & ...` in time linear in the body. pyDatalog's `&` and
    `<=` build a new Body per literal, each listing the variables of all literals so far:
    quadratic, and an `or` of n alternatives compiles to a rule of n literals (2,000 took
    over 10 s). This is what `<=` ends in, with the body built once."""
    pyParser.clear()  # as `<=` does: the variables seen so far belong to this clause only
    pyParser.add_clause(head, Body(*body))


def _assert_fact(pred: str, args) -> None:
    """`pyDatalog.assert_fact` without its parser round trip (about 5x faster): the same
    engine calls that `+ pred(args)` ends in. Values are never floats (see above)."""
    pyEngine.assert_(pyEngine.Clause(pyEngine.Literal(pred, [pyEngine.Term_of(a) for a in args]), []))


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
