"""An indicator's own value: `area_km2 <= 100 km2`, `total_output >= 40亿元 in ...`."""

from __future__ import annotations

from dataclasses import dataclass

from policykb.datalog.program import Compare, Var
from policykb.explain import format as fmt
from policykb.operators.base import CheckContext, CompileContext, ExplainContext
from policykb.operators.comparison import datalog_op, negated
from policykb.operators.measure import Reading, YearlyMeasure, at, check_window, observed, set_value
from policykb.operators.repair import Plan, least
from policykb.vocabulary import BOOLEAN

V = Var("V")


@dataclass
class IndicatorValue(YearlyMeasure):
    indicator: str
    dimension: str = ""

    def indicators(self):
        return (self.indicator,)

    def check(self, ctx: CheckContext, node) -> str | None:
        found = ctx.indicator(self.indicator, node.span)
        if found is None:
            return None
        if found.dimension == BOOLEAN:
            ctx.error(f"'{self.indicator}' is a yes/no indicator and cannot be compared with a number",
                      node.span, hint=f"write just '{self.indicator}' (or 'not {self.indicator}')")
            return None
        check_window(ctx, node, found.per_year, self.indicator)
        self.dimension = found.dimension
        return found.dimension

    def describe(self, ctx: ExplainContext) -> str:
        return ctx.label(self.indicator)

    def compile_year(self, ctx: CompileContext, node, year, met: str, unmet: str) -> None:
        threshold = node.threshold_value
        ctx.add(met, ctx.observation(self.indicator, year, V), Compare(V, datalog_op(node.op), threshold))
        ctx.add(unmet, ctx.observation(self.indicator, year, V), Compare(V, negated(node.op), threshold))

    def repair_year(self, ctx: ExplainContext, node, year, reading: Reading) -> Plan:
        target = least(node.op, node.threshold_value, self.dimension)
        label = f"{ctx.label(self.indicator)}{at(year)}"
        wanted = fmt.comparison(node.op, node.threshold_value, self.dimension)
        return Plan([set_value(ctx, self.indicator, year, target, f"{label} must be {wanted}",
                               illustrative=reading.value is None)])

    def read(self, ctx: ExplainContext, year) -> Reading:
        value, inputs, missing = observed(ctx, self.indicator, year)
        shown = fmt.quantity(value, self.dimension) if value is not None else ""
        return Reading(value, shown, inputs, missing)


def build_indicator_value(children, span):
    return IndicatorValue(str(children[0]))


BUILDERS = {"indicator_value": build_indicator_value}
