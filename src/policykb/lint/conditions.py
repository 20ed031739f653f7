"""Conditions that can never hold, or always hold, whatever the data."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from fractions import Fraction

from policykb.lint.base import LintCheck, LintContext
from policykb.operators.base import ConditionNode
from policykb.operators.comparison import Comparison
from policykb.operators.growth import Growth
from policykb.operators.logic import AllOf, AnyOf
from policykb.operators.share import Share
from policykb.vocabulary import PERCENT

INF = None  # an open end


@dataclass(frozen=True)
class Interval:
    low: Fraction | None
    low_closed: bool
    high: Fraction | None
    high_closed: bool

    @classmethod
    def of(cls, op: str, t: Fraction) -> "Interval":
        return {">=": cls(t, True, INF, False), ">": cls(t, False, INF, False), "<=": cls(INF, False, t, True),
                "<": cls(INF, False, t, False), "=": cls(t, True, t, True)}[op]

    def meet(self, other: "Interval") -> "Interval":
        low, low_closed = _tighter(self.low, self.low_closed, other.low, other.low_closed, max)
        high, high_closed = _tighter(self.high, self.high_closed, other.high, other.high_closed, min)
        return Interval(low, low_closed, high, high_closed)

    @property
    def empty(self) -> bool:
        if self.low is None or self.high is None:
            return False
        return self.low > self.high or (self.low == self.high and not (self.low_closed and self.high_closed))

    def covers(self, other: "Interval") -> bool:
        """Does self contain every value of `other`?"""
        low_ok = self.low is None or (other.low is not None and (other.low > self.low or (
            other.low == self.low and (self.low_closed or not other.low_closed))))
        high_ok = self.high is None or (other.high is not None and (other.high < self.high or (
            other.high == self.high and (self.high_closed or not other.high_closed))))
        return low_ok and high_ok


def _tighter(a, a_closed, b, b_closed, pick):
    if a is None:
        return b, b_closed
    if b is None:
        return a, a_closed
    if a == b:
        return a, a_closed and b_closed
    return (a, a_closed) if pick(a, b) == a else (b, b_closed)


def domain(comparison: Comparison, ctx: LintContext) -> Interval:
    """The values the compared quantity can take at all."""
    if isinstance(comparison.measure, Growth):
        return Interval(Fraction(-100), False, INF, False)
    if isinstance(comparison.measure, Share) or comparison.measure.dimension == PERCENT:
        return Interval(Fraction(0), True, Fraction(100), True)
    return Interval(Fraction(0), True, INF, False)


def key(comparison: Comparison) -> tuple:
    return type(comparison.measure).__name__, repr(astuple(comparison.measure)), str(comparison.window)


def _walk(node: ConditionNode):
    yield node
    for child in node.children():
        yield from _walk(child)


def _conditions(ctx: LintContext):
    """(criterion id, node) for every node of every condition."""
    for criterion in ctx.policy.criteria:
        if criterion.condition is not None:
            for node in _walk(criterion.condition):
                yield criterion.id, node


def _same_quantity(parts) -> list[list[Comparison]]:
    """The comparisons among `parts` grouped by the quantity (and window) they compare."""
    groups: dict[tuple, list[Comparison]] = {}
    for part in parts:
        if isinstance(part, Comparison):
            groups.setdefault(key(part), []).append(part)
    return [g for g in groups.values() if len(g) > 1]


class ImpossibleCondition(LintCheck):
    """`x >= 10 and x < 5`; a share over 100%; a count below zero."""

    def run(self, ctx: LintContext) -> None:
        for cid, node in _conditions(ctx):
            if isinstance(node, Comparison) and \
                    Interval.of(node.op, node.threshold_value).meet(domain(node, ctx)).empty:
                ctx.error(f"criterion '{cid}': {node.op} {node.threshold.written} can never hold for this quantity",
                          node.span, hint="check the threshold and its unit")
            if isinstance(node, AllOf):
                for parts in _same_quantity(node.parts):
                    meet = domain(parts[0], ctx)
                    for part in parts:
                        meet = meet.meet(Interval.of(part.op, part.threshold_value))
                    if meet.empty:
                        said = " and ".join(f"{p.op} {p.threshold.written}" for p in parts)
                        ctx.error(f"criterion '{cid}': the condition can never hold ({said} exclude each other)",
                                  node.span, hint="one of the bounds is probably the wrong way round")


class AlwaysTrueCondition(LintCheck):
    """`x >= 0` for a quantity that cannot be negative; `x >= 5 or x < 10`."""

    def run(self, ctx: LintContext) -> None:
        for cid, node in _conditions(ctx):
            if isinstance(node, Comparison) and Interval.of(node.op, node.threshold_value).covers(domain(node, ctx)):
                ctx.warning(f"criterion '{cid}': {node.op} {node.threshold.written} holds for every possible value",
                            node.span, hint="the condition decides nothing")
            if isinstance(node, AnyOf):
                for parts in _same_quantity(node.parts):
                    pair = next(((a, b) for a in parts for b in parts if _complementary(a, b)), None)
                    if pair:
                        a, b = pair
                        ctx.warning(f"criterion '{cid}': {a.op} {a.threshold.written} or {b.op} "
                                    f"{b.threshold.written} holds for every value", node.span,
                                    hint="the condition decides nothing; check the operators")


def _complementary(a: Comparison, b: Comparison) -> bool:
    """Together they cover every value: a lower bound at or below an upper bound."""
    if a.op not in (">=", ">") or b.op not in ("<=", "<"):
        return False
    if a.threshold_value < b.threshold_value:
        return True
    return a.threshold_value == b.threshold_value and (a.op == ">=" or b.op == "<=")
