"""Threshold sweeps: how many clusters would be eligible if one criterion's threshold were
A, A+S, ..., up to B.

Every step is the what-if `kb.with_changes([SetThreshold(...)])`, evaluated exactly (the
thresholds are Fractions in the criterion's canonical unit; nothing accumulates in floats).
A step only changes the swept criterion, so instead of re-evaluating the whole measure over
a fresh engine per step (the graph's facts read from RDF and asserted again each time: 3-6 s
a step for 1,000 clusters), the facts are asserted once into one engine, the whole measure is
evaluated there once, and each step evaluates the swept criterion alone; the verdicts then
follow from the statuses by the measure's verdict rule."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from fractions import Fraction
from math import floor

from policykb.datalog import schema
from policykb.datalog.compiler import (ELIGIBLE, INELIGIBLE, MET, UNDETERMINED, UNMET, CompiledPolicy,
                                       compile_policy)
from policykb.datalog.program import Atom, Compare, CountOf, Not, Program, Rule, Var
from policykb.engine.facts import base_facts
from policykb.errors import PolicyKBError
from policykb.progress import progress
from policykb.explain import format as fmt
from policykb.knowledge_base import BATCH, ENGINES, KnowledgeBase
from policykb.language.ast import Criterion, Policy, Threshold
from policykb.memory import collector_paused
from policykb.language.units import resolve_threshold
from policykb.operators.comparison import Comparison, comparisons
from policykb.research.scenario import SetThreshold
from policykb.research.scenario import parse_quantity as parse_number_unit  # the --set-threshold syntax
from policykb.suggest import did_you_mean

MAX_THRESHOLDS = 500
VERDICTS = (ELIGIBLE, INELIGIBLE, UNDETERMINED)


@dataclass(frozen=True)
class SweepPoint:
    number: Fraction  # the threshold in the sweep's display unit (that of --from)
    value: Fraction   # the same in the criterion's canonical unit
    eligible: int
    ineligible: int
    undetermined: int
    shipped: bool     # the threshold the policy file gives


@dataclass(frozen=True)
class Sweep:
    policy: str            # the version that answers (see `note`)
    criterion: str
    kind: str
    expression: str | None
    op: str
    as_of: int
    unit: str              # display unit as written in --from ("" for a bare number)
    unit_name: str         # its vocabulary name ("100M CNY" for 亿元), for ASCII-only output
    shipped: Threshold     # the policy's threshold; `value` canonical
    shipped_number: Fraction
    clusters: int
    points: tuple[SweepPoint, ...]
    note: str | None = None

    def written(self, number: Fraction) -> str:
        return written(number, self.unit)


def sweep(kb: KnowledgeBase, policy_id: str, criterion_id: str, start: str, stop: str, step: str,
          as_of: int | None = None) -> Sweep:
    """Eligible / ineligible / undetermined counts for each threshold `start`, `start+step`,
    ..., up to `stop` (inclusive when a whole number of steps reaches it)."""
    base = kb.compiled(policy_id, as_of)  # the version in force, its shipped thresholds
    criterion, comparison = swept_comparison(base.policy, criterion_id)
    vocabulary = kb.graph.vocabulary()
    grid, unit = thresholds(start, stop, step, comparison.measure.dimension, vocabulary)
    factor = vocabulary.unit(unit).factor if unit else Fraction(1)
    evaluator = Evaluator(kb)
    # Python's cyclic collector, set off by the per-step policy copies, walks the whole
    # (large) RDF graph each time: most of a step's time if left on (as in the engine).
    try:
        with collector_paused():
            statuses = evaluator.statuses(base)
            points = []
            for value in progress(grid, label=f"sweeping {criterion.id}", unit="thresholds"):
                number = value / factor
                written_as = Threshold(written(number, unit), number, unit or None, comparison.threshold.span)
                change = SetThreshold(base.policy.id, criterion.id, written_as)
                changed = kb.with_changes([change]).policy(base.policy.id)
                alone = replace(changed, criteria=[changed.criterion(criterion.id)])
                swept = evaluator.statuses(compile_policy(alone, vocabulary, base.as_of))
                counts = Counter(verdict({**statuses[c], criterion.id: swept[c][criterion.id]}.values()) for c in statuses)
                points.append(SweepPoint(number, value, counts[ELIGIBLE], counts[INELIGIBLE], counts[UNDETERMINED],
                                         value == comparison.threshold_value))
    finally:
        evaluator.close()
    return Sweep(base.policy.id, criterion.id, criterion.kind, criterion.expression, comparison.op, base.as_of,
                 unit, vocabulary.unit(unit).name if unit else "", comparison.threshold,
                 comparison.threshold_value / factor, len(statuses), tuple(points), base.note)


# ------------------------------------------------------------------ the swept criterion
def swept_comparison(policy: Policy, criterion_id: str) -> tuple[Criterion, Comparison]:
    criterion = policy.criterion(criterion_id)
    if criterion is None:
        ids = [c.id for c in policy.criteria]
        raise PolicyKBError.single(f"'{policy.id}' has no criterion '{criterion_id}'",
                                   file=f"--criterion {criterion_id}", expected="one of " + ", ".join(ids),
                                   hint=did_you_mean(criterion_id, ids))
    found = list(comparisons(criterion.condition)) if criterion.condition is not None else []
    if len(found) != 1:
        which = "no comparison" if not found else f"{len(found)} comparisons"
        raise PolicyKBError.single(
            f"criterion '{criterion_id}' of {policy.id} has {which}; a sweep needs exactly one threshold",
            file=f"--criterion {criterion_id}", hint="sweep a criterion of the form `measure >= threshold`")
    return criterion, found[0]


def thresholds(start: str, stop: str, step: str, dimension: str, vocabulary) -> tuple[list[Fraction], str]:
    """The canonical threshold values of the sweep, and the display unit (that of `start`).
    A step written without a unit is in `start`'s unit."""
    first = _resolved(parse_number_unit(start, f"--from {start}"), dimension, vocabulary)
    last = _resolved(parse_number_unit(stop, f"--to {stop}"), dimension, vocabulary)
    raw_step = parse_number_unit(step, f"--step {step}")
    if raw_step.unit_text is None and first.unit_text is not None:
        raw_step = replace(raw_step, unit_text=first.unit_text)
    by = _resolved(raw_step, dimension, vocabulary)
    if by.value <= 0:
        raise PolicyKBError.single(f"the step must be positive, not {step}", file=f"--step {step}",
                                   expected="a number above 0, e.g. 5%")
    if first.value > last.value:
        raise PolicyKBError.single(f"the sweep starts above where it ends ({start} > {stop})",
                                   file=f"--from {start}", expected=f"--from at most --to ({stop})")
    count = floor((last.value - first.value) / by.value) + 1
    if count > MAX_THRESHOLDS:
        raise PolicyKBError.single(f"{start} to {stop} by {step} is {count} thresholds, more than {MAX_THRESHOLDS}",
                                   file=f"--step {step}",
                                   expected=f"at most {MAX_THRESHOLDS} thresholds: a larger step")
    return [first.value + k * by.value for k in range(count)], first.unit_text or ""


def _resolved(threshold: Threshold, dimension: str, vocabulary) -> Threshold:
    resolved, problem = resolve_threshold(threshold, dimension, vocabulary)
    if problem:
        raise PolicyKBError.single(problem.message, file=threshold.span.file, expected=problem.expected,
                                   hint=problem.hint)
    return resolved


# ------------------------------------------------------------------ evaluation
def verdict(statuses) -> str:
    """A cluster's verdict from its criteria's statuses: the rule the compiler writes in
    Datalog (datalog/compiler.py, _verdict_rules), needed here because a step evaluates one
    criterion and takes the others from the shipped evaluation."""
    statuses = list(statuses)
    if UNMET in statuses:
        return INELIGIBLE
    return ELIGIBLE if all(s == MET for s in statuses) else UNDETERMINED


class Evaluator:
    """One engine holding the knowledge base's facts (asserted once) in which any number of
    compiled programs are evaluated, each under names of its own. It is the engine the
    knowledge base screens with (the batch engine unless `kb.engine_choice` says otherwise)."""

    def __init__(self, kb: KnowledgeBase):
        self._engine = ENGINES[kb.engine_choice.get(BATCH, BATCH)]()
        self._engine.assert_facts(base_facts(kb.facts(), kb.graph.vocabulary()))
        self._loaded = 0

    def statuses(self, compiled: CompiledPolicy) -> dict[str, dict[str, str]]:
        """Per cluster, the status of each criterion of `compiled`."""
        self._loaded += 1
        program = namespaced(compiled.program, f"s{self._loaded}")
        self._engine.load_program(program)
        found: dict[str, dict[str, str]] = {}
        pred = f"{schema.CRITERION_STATUS}__s{self._loaded}"
        for cluster, _, criterion, status in self._engine.query(pred, Var("C"), compiled.key, Var("K"), Var("S")):
            known = found.setdefault(cluster, {}).setdefault(criterion, status)
            if known != status:  # as engine/results.py: conflicting facts reached the engine
                raise RuntimeError(f"criterion {criterion} of {cluster} derived as both {known} and {status}")
        return found

    def close(self) -> None:
        self._engine.close()


def namespaced(program: Program, tag: str) -> Program:
    """`program` with every predicate it derives renamed `<name>__<tag>`: the engine keeps
    each derived predicate's answers under its name, so two programs of one policy (same
    key, same node names) would otherwise mix their answers in one engine."""
    derived = {rule.head.pred for rule in program.rules}

    def atom(a: Atom) -> Atom:
        return Atom(f"{a.pred}__{tag}", a.args) if a.pred in derived else a

    def literal(lit):
        if isinstance(lit, Atom):
            return atom(lit)
        if isinstance(lit, Not):
            return Not(atom(lit.atom))
        if isinstance(lit, CountOf):
            source = f"{lit.source}__{tag}" if lit.source in derived else lit.source
            return replace(lit, function=f"{lit.function}__{tag}", source=source)
        if isinstance(lit, Compare):
            return lit
        raise TypeError(f"namespaced() does not know the literal {lit!r}")  # a new kind: extend this

    return Program([Rule(atom(r.head), tuple(literal(x) for x in r.body)) for r in program.rules])


def written(number: Fraction, unit: str) -> str:
    """As policy files write thresholds: "65%", "30亿元", but "100 km2", "0.6 ratio"."""
    space = " " if unit[:1].isascii() and unit[:1].isalpha() else ""
    return f"{plain(number)}{space}{unit}"


def plain(number: Fraction) -> str:
    """A threshold as a user writes it: exact decimals ("62.5"), p/q when not decimal."""
    number = Fraction(number)
    rest = number.denominator
    for prime in (2, 5):
        while rest % prime == 0:
            rest //= prime
    return fmt.exact(number) if rest == 1 else f"{number.numerator}/{number.denominator}"
