"""`X per N POPULATION`, e.g. `invention_patents per 10000 employees`.

X * N / POPULATION of the same year, compared exactly by cross-multiplying; zero or
missing population leaves it unknown."""

from __future__ import annotations

from dataclasses import dataclass

from policykb.datalog.program import Compare, Scaled, Var
from policykb.explain import format as fmt
from policykb.operators.base import CheckContext, CompileContext, ExplainContext
from policykb.operators.comparison import datalog_op, negated
from policykb.operators.measure import Reading, YearlyMeasure, at, check_window, observed, set_value
from policykb.operators.repair import BASIS, Plan, least
from policykb.vocabulary import COUNT, MONEY, PERSONS

X, N = Var("X"), Var("N")


@dataclass
class PerCapita(YearlyMeasure):
    indicator: str
    per: int
    population: str
    dimension: str = COUNT

    def indicators(self):
        return (self.indicator, self.population)

    def check(self, ctx: CheckContext, node) -> str | None:
        found = ctx.indicator(self.indicator, node.span, (COUNT, MONEY))
        population = ctx.indicator(self.population, node.span, (PERSONS,))
        if self.per <= 0:
            ctx.error("'per' needs a positive number of people", node.span, expected="for example per 10000 employees")
        if found is not None and population is not None:
            check_window(ctx, node, found.per_year and population.per_year, self.indicator)
            self.dimension = found.dimension
        return self.dimension

    def describe(self, ctx: ExplainContext) -> str:
        return f"{ctx.label(self.indicator)} per {self.per:,} {ctx.label(self.population)}"

    def compile_year(self, ctx: CompileContext, node, year, met: str, unmet: str) -> None:
        t = node.threshold_value
        body = (ctx.observation(self.indicator, year, X), ctx.observation(self.population, year, N), Compare(N, ">", 0))
        left, right = Scaled(X, self.per * t.denominator), Scaled(N, t.numerator)
        ctx.add(met, *body, Compare(left, datalog_op(node.op), right))
        ctx.add(unmet, *body, Compare(left, negated(node.op), right))

    def repair_year(self, ctx: ExplainContext, node, year, reading: Reading) -> Plan:
        """Raise the counted quantity at the current population; publish what is missing."""
        value, _, _ = observed(ctx, self.indicator, year)
        people, _, _ = observed(ctx, self.population, year)
        steps = []
        if people is None or people <= 0:
            people = BASIS[PERSONS]
            steps.append(set_value(ctx, self.population, year, people, f"{ctx.label(self.population)}{at(year)} "
                                   f"must be published", illustrative=True))
        needed = least(node.op, node.threshold_value * people / self.per, self.dimension)
        wanted = fmt.comparison(node.op, node.threshold_value, COUNT)
        why = f"{self.describe(ctx)}{at(year)} must be {wanted}: {fmt.decimal(needed)} for {fmt.decimal(people)} people"
        steps.append(set_value(ctx, self.indicator, year, needed, why, illustrative=value is None))
        return Plan(steps)

    def read(self, ctx: ExplainContext, year) -> Reading:
        value, inputs, missing = observed(ctx, self.indicator, year)
        people, more_inputs, more_missing = observed(ctx, self.population, year)
        inputs, missing = inputs + more_inputs, missing + more_missing
        if value is None or people is None:
            return Reading(None, "", inputs, missing)
        if people <= 0:
            return Reading(None, f"{self.population} is {fmt.decimal(people)}", inputs,
                           [f"{self.population} {year} above zero"])
        ratio = value * self.per / people
        shown = f"{fmt.decimal(ratio)} ({fmt.decimal(value)} for {fmt.decimal(people)} people)"
        return Reading(ratio, shown, inputs, missing)


def build_per_capita(children, span):
    return PerCapita(str(children[0]), int(children[1]), str(children[2]))


BUILDERS = {"per_capita": build_per_capita}
