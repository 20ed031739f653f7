"""`<measure> <op> <threshold> [window]`: a measured quantity against a threshold.

The measure (an indicator's value, a share, a per-capita ratio, a growth rate, a count of
titled enterprises) lives in its own module and says how to read and compare it; this
module owns the operator and the time window:

- no window: a value that is not per year (area_km2 <= 100 km2);
- `in the latest year`: year Y-1 for application year Y;
- `in each of the last N years`: years Y-N..Y-1; met if met in every year, unmet if
  unmet in any year (one failing year is enough, even if another is missing), else unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from policykb.datalog.program import Atom, Compare, Not
from policykb.datalog import schema
from policykb.explain import format as fmt
from policykb.language.ast import Threshold
from policykb.operators.base import (MET, UNMET, UNKNOWN, C, CheckContext, CompileContext, ConditionNode,
                                     ExplainContext, NodeExplanation)
from policykb.operators.measure import WholeMeasure, YearlyMeasure
from policykb.operators.repair import Plan


@dataclass(frozen=True)
class EachYear:
    years: int

    def __str__(self) -> str:
        return f"in each of the last {self.years} years"


@dataclass(frozen=True)
class LatestYear:
    years = 1

    def __str__(self) -> str:
        return "in the latest year"


@dataclass
class Comparison(ConditionNode):
    measure: YearlyMeasure | WholeMeasure
    op: str
    threshold: Threshold
    window: EachYear | LatestYear | None

    def indicators(self) -> set[str]:
        return set(self.measure.indicators())

    def check(self, ctx: CheckContext) -> None:
        self.measure = ctx.resolve_measure(self.measure, self.span)
        dimension = self.measure.check(ctx, self)
        if dimension is not None:
            self.threshold = ctx.threshold(self.threshold, dimension)
        if isinstance(self.window, EachYear):
            check_years(ctx, self.window.years, self.span)

    @property
    def threshold_value(self) -> Fraction:
        assert self.threshold.value is not None, "compiled before checking"
        return self.threshold.value

    def years(self, as_of: int) -> list[int | None]:
        if self.window is None:
            return [None]
        return list(range(as_of - self.window.years, as_of))

    def compile(self, ctx: CompileContext, met: str, unmet: str) -> None:
        if isinstance(self.measure, WholeMeasure):
            self.measure.compile(ctx, self, met, unmet)
            return
        years = self.years(ctx.as_of)
        if len(years) == 1:
            self.measure.compile_year(ctx, self, years[0], met, unmet)
            return
        per_year = []
        for year in years:
            name = ctx.fresh("y")
            per_year.append((f"{name}_met", f"{name}_unmet"))
            self.measure.compile_year(ctx, self, year, *per_year[-1])
        ctx.add(met, *(Atom(m, (C,)) for m, _ in per_year))
        for _, u in per_year:
            ctx.add(unmet, Atom(u, (C,)))

    def repair(self, ctx: ExplainContext):
        if ctx.status(self) == MET:
            return Plan()
        if isinstance(self.measure, WholeMeasure):
            return self.measure.repair(ctx, self)
        plan = Plan()
        for year in self.years(ctx.as_of):
            reading = self.measure.read(ctx, year)
            if reading.value is None or not fmt.holds(reading.value, self.op, self.threshold_value):
                plan = plan + self.measure.repair_year(ctx, self, year, reading)
        return plan

    def explain(self, ctx: ExplainContext) -> NodeExplanation:
        status = ctx.status(self)
        if isinstance(self.measure, WholeMeasure):
            return self.measure.explain(ctx, self, status)
        lines, inputs, missing = [], [], []
        for year in self.years(ctx.as_of):
            reading = self.measure.read(ctx, year)
            inputs += reading.inputs
            missing += reading.missing
            lines.append(self._year_text(year, reading.value, reading.shown))
        window = f" {self.window}" if self.window else ""
        target = fmt.comparison(self.op, self.threshold_value, self.measure.dimension)
        text = f"{self.measure.describe(ctx)} must be {target}{window}: " + "; ".join(lines)
        return NodeExplanation(status, text, inputs, missing)

    def _year_text(self, year, value, shown: str) -> str:
        at = f"{year}: " if year is not None else ""
        if value is None:
            return f"{at}unknown ({shown})" if shown else f"{at}unknown"
        verdict = "ok" if fmt.holds(value, self.op, self.threshold_value) else "fails"
        return f"{at}{shown}, {fmt.margin(value, self.threshold_value, self.measure.dimension)} ({verdict})"


def check_years(ctx: CheckContext, years: int, span, least: int = 1) -> None:
    """A window of `least` to MAX_WINDOW_YEARS years."""
    from policykb.limits import MAX_WINDOW_YEARS

    if not least <= years <= MAX_WINDOW_YEARS:
        ctx.error(f"a time window of {years} years is out of range", span,
                  expected=f"a window from {least} to {MAX_WINDOW_YEARS} years")


def comparisons(node: ConditionNode):
    """Every comparison inside `node`, in reading order."""
    if isinstance(node, Comparison):
        yield node
    for child in node.children():
        yield from comparisons(child)


def negated(op: str) -> str:
    return {">=": "<", ">": "<=", "<=": ">", "<": ">=", "=": "!="}[op]


def datalog_op(op: str) -> str:
    return "==" if op == "=" else op


def build_comparison(children, span):
    measure, op, threshold = children[0], str(children[1]), children[2]
    window = children[3] if len(children) > 3 else None
    return Comparison(span, measure, op, threshold, window)


def build_each_year(children, span):
    return EachYear(int(children[0]))


def build_latest_year(children, span):
    return LatestYear()


BUILDERS = {"comparison": build_comparison, "each_year": build_each_year, "latest_year": build_latest_year}
