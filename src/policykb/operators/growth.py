"""`average annual growth of X over the last N years`: the compound rate between the
first and the last year of the window, (X[Y-1] / X[Y-N]) ** (1/(N-1)) - 1.

Decided exactly without roots: growth >= r is X[Y-1] * q^k >= X[Y-N] * (q+p)^k for
r = p/q and k = N-1 intervals. A missing end year, or X[Y-N] <= 0, leaves it unknown."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from policykb.datalog.program import Compare, Scaled, Var
from policykb.explain import format as fmt
from policykb.operators.base import CheckContext, CompileContext, ExplainContext, NodeExplanation
from policykb.operators.comparison import check_years, datalog_op, negated
from policykb.operators.measure import WholeMeasure, observed, set_value
from policykb.operators.repair import BASIS, Plan, least
from policykb.vocabulary import COUNT, MONEY, PERCENT, PERSONS

FIRST, LAST = Var("F"), Var("L")


@dataclass
class Growth(WholeMeasure):
    indicator: str
    years: int
    dimension: str = PERCENT

    def indicators(self):
        return (self.indicator,)

    def check(self, ctx: CheckContext, node) -> str | None:
        found = ctx.indicator(self.indicator, node.span, (MONEY, COUNT, PERSONS))
        if found is not None and not found.per_year:
            ctx.error(f"'{self.indicator}' is not recorded per year, so it has no growth rate", node.span)
        if self.years < 2:
            ctx.error("growth needs a window of at least 2 years", node.span,
                      expected="average annual growth of ... over the last N years, N >= 2")
        else:
            check_years(ctx, self.years, node.span, least=2)
        if node.window is not None:
            ctx.error("a growth rate carries its own window", node.span, hint=f"remove '{node.window}'")
        return PERCENT

    def window(self, as_of: int) -> tuple[int, int]:
        return as_of - self.years, as_of - 1

    def factor(self, threshold: Fraction) -> Fraction:
        """(1 + r) ** intervals: the ratio last/first that the threshold rate amounts to."""
        return (1 + threshold / 100) ** (self.years - 1)

    def describe(self, ctx: ExplainContext) -> str:
        return f"the average annual growth of {ctx.label(self.indicator)}"

    def compile(self, ctx: CompileContext, node, met: str, unmet: str) -> None:
        first, last = self.window(ctx.as_of)
        g = self.factor(node.threshold_value)
        body = (ctx.observation(self.indicator, first, FIRST), ctx.observation(self.indicator, last, LAST),
                Compare(FIRST, ">", 0))
        left, right = Scaled(LAST, g.denominator), Scaled(FIRST, g.numerator)
        ctx.add(met, *body, Compare(left, datalog_op(node.op), right))
        ctx.add(unmet, *body, Compare(left, negated(node.op), right))

    def repair(self, ctx: ExplainContext, node) -> Plan:
        """Raise the last year's value so the compound rate from the first year reaches the
        threshold; publish the end years that are missing."""
        first_year, last_year = self.window(ctx.as_of)
        first, _, _ = observed(ctx, self.indicator, first_year)
        last, _, _ = observed(ctx, self.indicator, last_year)
        unit = ctx.vocabulary.indicators[self.indicator].dimension
        factor, steps = self.factor(node.threshold_value), []
        if first is None or first <= 0:
            first = least(">=", last / factor, unit) if last else BASIS[unit]
            first = max(first, Fraction(1))
            steps.append(set_value(ctx, self.indicator, first_year, first, f"{ctx.label(self.indicator)} in "
                                   f"{first_year} must be published (above zero)", illustrative=True))
        needed = least(node.op, first * factor, unit)
        wanted = fmt.comparison(node.op, node.threshold_value, PERCENT)
        why = (f"{self.describe(ctx)} {first_year}-{last_year} must be {wanted}: {ctx.label(self.indicator)} in "
               f"{last_year} at least {fmt.quantity(needed, unit)} from {fmt.quantity(first, unit)} in {first_year}")
        steps.append(set_value(ctx, self.indicator, last_year, needed, why, illustrative=last is None))
        return Plan(steps)

    def explain(self, ctx: ExplainContext, node, status: str) -> NodeExplanation:
        first_year, last_year = self.window(ctx.as_of)
        first, inputs, missing = observed(ctx, self.indicator, first_year)
        last, more_inputs, more_missing = observed(ctx, self.indicator, last_year)
        inputs, missing = inputs + more_inputs, missing + more_missing
        unit = ctx.vocabulary.indicators[self.indicator].dimension
        target = fmt.comparison(node.op, node.threshold_value, PERCENT)
        head = f"{self.describe(ctx)} {first_year}-{last_year} must be {target}"
        if first is None or last is None:
            return NodeExplanation(status, f"{head}: unknown, {' and '.join(missing)} not on record", inputs, missing)
        if first <= 0:
            return NodeExplanation(status, f"{head}: unknown, no growth rate from {fmt.quantity(first, unit)}",
                                   inputs, [f"{self.indicator} {first_year} above zero"])
        ratio = last / first
        rate = (float(ratio) ** (1 / (self.years - 1)) - 1) * 100
        needed = self.factor(node.threshold_value)
        text = (f"{head}: {fmt.quantity(first, unit)} → {fmt.quantity(last, unit)}, ratio {fmt.decimal(ratio, 4)} "
                f"against {fmt.decimal(needed, 4)} needed, about {rate:.2f}% a year")
        return NodeExplanation(status, text, inputs, missing)


def build_growth(children, span):
    return Growth(str(children[0]), int(children[1]))


BUILDERS = {"growth": build_growth}
