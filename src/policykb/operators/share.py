"""`share of PART in WHOLE`: PART / WHOLE of the same year, in percent.

Compared exactly by cross-multiplying (PART*100*q >= WHOLE*p for a p/q% threshold);
a zero or missing WHOLE leaves the share unknown."""

from __future__ import annotations

from dataclasses import dataclass

from policykb.datalog.program import Compare, Scaled, Var
from policykb.explain import format as fmt
from policykb.operators.base import CheckContext, CompileContext, ExplainContext
from policykb.operators.comparison import datalog_op, negated
from policykb.operators.measure import Reading, YearlyMeasure, at, check_window, observed, set_value
from policykb.operators.repair import BASIS, Plan, least
from policykb.vocabulary import COUNT, MONEY, PERCENT, PERSONS

P, W = Var("P"), Var("W")
SHARABLE = (MONEY, COUNT, PERSONS)


@dataclass
class Share(YearlyMeasure):
    part: str
    whole: str
    dimension: str = PERCENT

    def indicators(self):
        return (self.part, self.whole)

    def check(self, ctx: CheckContext, node) -> str | None:
        part = ctx.indicator(self.part, node.span, SHARABLE)
        whole = ctx.indicator(self.whole, node.span, SHARABLE)
        if part is None or whole is None:
            return PERCENT
        if part.dimension != whole.dimension:
            ctx.error(f"a share needs two quantities of one kind, but '{self.part}' is {part.dimension} "
                      f"and '{self.whole}' is {whole.dimension}", node.span)
        if part.per_year != whole.per_year:
            ctx.error(f"'{self.part}' and '{self.whole}' must both be per year or both not", node.span)
        check_window(ctx, node, part.per_year and whole.per_year, self.part)
        return PERCENT

    def describe(self, ctx: ExplainContext) -> str:
        return f"the share of {ctx.label(self.part)} in {ctx.label(self.whole)}"

    def compile_year(self, ctx: CompileContext, node, year, met: str, unmet: str) -> None:
        t = node.threshold_value
        body = (ctx.observation(self.part, year, P), ctx.observation(self.whole, year, W), Compare(W, ">", 0))
        left, right = Scaled(P, 100 * t.denominator), Scaled(W, t.numerator)
        ctx.add(met, *body, Compare(left, datalog_op(node.op), right))
        ctx.add(unmet, *body, Compare(left, negated(node.op), right))

    def repair_year(self, ctx: ExplainContext, node, year, reading: Reading) -> Plan:
        """Raise (or lower) the part at the whole's current value; publish what is missing."""
        part, _, _ = observed(ctx, self.part, year)
        whole, _, _ = observed(ctx, self.whole, year)
        unit = ctx.vocabulary.indicators[self.whole].dimension
        steps, wanted = [], fmt.comparison(node.op, node.threshold_value, PERCENT)
        if whole is None or whole <= 0:
            basis = part * 100 / node.threshold_value if part and node.threshold_value else BASIS[unit]
            whole = least(">=", basis, unit)
            steps.append(set_value(ctx, self.whole, year, whole, f"{ctx.label(self.whole)}{at(year)} must be "
                                   f"published (above zero)", illustrative=True))
        needed = least(node.op, whole * node.threshold_value / 100, unit)
        why = (f"{self.describe(ctx)}{at(year)} must be {wanted}: "
               f"{ctx.label(self.part)} {fmt.quantity(needed, unit)} of {fmt.quantity(whole, unit)}")
        steps.append(set_value(ctx, self.part, year, needed, why, illustrative=part is None))
        return Plan(steps)

    def read(self, ctx: ExplainContext, year) -> Reading:
        part, inputs, missing = observed(ctx, self.part, year)
        whole, more_inputs, more_missing = observed(ctx, self.whole, year)
        inputs, missing = inputs + more_inputs, missing + more_missing
        unit = ctx.vocabulary.indicators[self.whole].dimension
        if part is None or whole is None:
            return Reading(None, "", inputs, missing)
        if whole <= 0:
            return Reading(None, f"{self.whole} is {fmt.quantity(whole, unit)}, no share is defined", inputs,
                           [f"{self.whole} {year} above zero"])
        value = part * 100 / whole
        shown = f"{fmt.quantity(value, PERCENT)} ({fmt.quantity(part, unit)} of {fmt.quantity(whole, unit)})"
        return Reading(value, shown, inputs, missing)


def build_share(children, span):
    return Share(str(children[0]), str(children[1]))


BUILDERS = {"share": build_share}
