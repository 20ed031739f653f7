"""`number of enterprises [in the leading industry] titled T1, T2, ...`: distinct
enterprises holding any of the titles.

Where the cluster's enterprise list is complete, the count is exact (an enterprise with
two titles counts once). Otherwise only published per-title counts are known, and the
distinct count lies between the largest count and their sum: met if the largest already
reaches the threshold, unmet if even the sum (all counts known) stays below it, unknown in
between. Published counts are taken to be of the leading industry."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from policykb.datalog import schema
from policykb.datalog.program import Atom, Compare, CountOf, Not, Sum, Var
from policykb.explain import format as fmt
from policykb.operators.base import (C, CheckContext, CompileContext, ExplainContext, InputValue,
                                     NodeExplanation)
from policykb.operators.comparison import datalog_op, negated
from policykb.operators.measure import WholeMeasure, set_value
from policykb.operators.repair import Plan, Step, cannot, least
from policykb.vocabulary import COUNT

E, K = Var("E"), Var("K")
ENTERPRISES = "enterprises"
LOWER_BOUND_OPERATORS = (">=", ">")


@dataclass
class TitledCount(WholeMeasure):
    titles: tuple[str, ...]
    leading_only: bool
    dimension: str = COUNT
    count_indicators: dict[str, str] = field(default_factory=dict)  # title -> count indicator, set by check

    def indicators(self):
        return tuple(self.count_indicators.values())

    def check(self, ctx: CheckContext, node) -> str | None:
        from policykb.suggest import did_you_mean

        self.count_indicators = {}
        for title in self.titles:
            found = ctx.vocabulary.titles.get(title)
            if found is None:
                ctx.error(f"unknown enterprise title '{title}'", node.span,
                          hint=did_you_mean(title, ctx.vocabulary.titles) or
                          "declare it in the kb vocabulary or check the spelling")
            elif found.count_indicator:
                self.count_indicators[title] = found.count_indicator
        twice = sorted({t for t in self.titles if self.titles.count(t) > 1})
        if twice:
            ctx.error(f"title {', '.join(repr(t) for t in twice)} is listed twice", node.span, hint="list it once")
        if node.op not in LOWER_BOUND_OPERATORS:
            ctx.error(f"a count of titled enterprises is a minimum: '{node.op}' is not supported", node.span,
                      expected="'>=' (不少于, 以上) or '>' (超过)")
        if node.window is not None:
            ctx.error("counts of titled enterprises take no time window", node.span, hint=f"remove '{node.window}'")
        return COUNT

    def describe(self, ctx: ExplainContext) -> str:
        names = ", ".join(self._title_label(ctx, t) for t in self.titles)
        where = " in the leading industry" if self.leading_only else ""
        return f"distinct enterprises{where} titled {names}"

    @staticmethod
    def _title_label(ctx: ExplainContext, title: str) -> str:
        found = ctx.vocabulary.titles.get(title)
        return found.label_en or title if found else title

    # ------------------------------------------------------------ compile
    def compile(self, ctx: CompileContext, node, met: str, unmet: str) -> None:
        n, op = node.threshold_value, datalog_op(node.op)
        complete = Atom(schema.COMPLETE, (C, ENTERPRISES))
        qualifying, listed_met = ctx.fresh("q"), ctx.fresh("lm")
        for title in self.titles:
            body = [Atom(schema.TITLED, (C, E, title))]
            if self.leading_only:
                body.append(Atom(schema.IN_LEADING, (C, E)))
            ctx.program.add(Atom(qualifying, (C, E)), *body)
        ctx.add(listed_met, complete, CountOf(ctx.fresh("count"), qualifying, C, E, K), Compare(K, op, n))
        ctx.add(met, Atom(listed_met, (C,)))
        ctx.add(unmet, complete, Not(Atom(listed_met, (C,))))
        self._compile_published_counts(ctx, node, met, unmet)

    def _compile_published_counts(self, ctx: CompileContext, node, met: str, unmet: str) -> None:
        n = node.threshold_value
        no_list = (Atom(schema.CLUSTER, (C,)), Not(Atom(schema.COMPLETE, (C, ENTERPRISES))))
        counts = [Var(f"N{i}") for i in range(len(self.titles))]
        for var, title in zip(counts, self.titles):
            if title in self.count_indicators:
                ctx.add(met, *no_list, ctx.observation(self.count_indicators[title], None, var),
                        Compare(var, datalog_op(node.op), n))
        if len(self.count_indicators) == len(self.titles):
            reads = [ctx.observation(self.count_indicators[t], None, v) for t, v in zip(self.titles, counts)]
            ctx.add(unmet, *no_list, *reads, Compare(Sum(tuple(counts)), negated(node.op), n))

    # ------------------------------------------------------------ repair
    def repair(self, ctx: ExplainContext, node) -> Plan:
        """More titled enterprises: added to a complete enterprise list, or a higher
        published count of the title that already has the most."""
        from policykb.research.scenario import AddEnterprises

        needed = int(least(node.op, node.threshold_value, COUNT))
        names = ", ".join(self.titles)
        if ctx.view.complete.get(ENTERPRISES) is not None:
            have = len([e for e in ctx.view.enterprises if set(e.titles) & set(self.titles)
                        and (e.in_leading_industry or not self.leading_only)])
            more = needed - have
            return Plan([Step(AddEnterprises(ctx.cluster, self.titles[0], more, True),
                              f"{more} more enterprise(s) titled {self.titles[0]}"
                              f"{' in the leading industry' if self.leading_only else ''} ({have} now, {needed} "
                              f"needed among {names})")])
        counts = {t: (ctx.view.value(i).value if ctx.view.value(i) else None) for t, i in self.count_indicators.items()}
        if not counts:
            return cannot(f"no count indicator is declared for {names}")
        best = max(counts, key=lambda t: counts[t] if counts[t] is not None else -1)
        now = counts[best]
        why = (f"{self.describe(ctx)} must be {fmt.comparison(node.op, node.threshold_value, COUNT)}: "
               f"{self.count_indicators[best]} {fmt.decimal(now) if now is not None else 'unknown'} → {needed}")
        return Plan([set_value(ctx, self.count_indicators[best], None, Fraction(needed), why)])

    # ------------------------------------------------------------ explain
    def explain(self, ctx: ExplainContext, node, status: str) -> NodeExplanation:
        target = fmt.comparison(node.op, node.threshold_value, COUNT)
        head = f"{self.describe(ctx)} must be {target}"
        listing = ctx.view.complete.get(ENTERPRISES)
        if listing is not None:
            return self._explain_listed(ctx, head, status, listing)
        return self._explain_published(ctx, node, head, status)

    def _explain_listed(self, ctx, head, status, listing) -> NodeExplanation:
        chosen = [e for e in ctx.view.enterprises if set(e.titles) & set(self.titles)
                  and (e.in_leading_industry or not self.leading_only)]
        inputs = [InputValue(f"enterprise {e.id}", None, ";".join(sorted(e.titles)), None,
                             e.provenance.source, e.provenance.record) for e in chosen]
        return NodeExplanation(status, f"{head}: {len(chosen)} in the cluster's enterprise list "
                                       f"({listing.provenance.record or listing.provenance.source})", inputs)

    def _explain_published(self, ctx, node, head, status) -> NodeExplanation:
        known, inputs, missing = {}, [], []
        for title in self.titles:
            indicator = self.count_indicators.get(title)
            obs = ctx.view.value(indicator) if indicator else None
            if obs is None:
                missing.append(indicator or f"count of {title}")
                continue
            known[title] = obs.value
            inputs.append(InputValue(indicator, None, obs.value, COUNT, obs.provenance.source, obs.provenance.record))
        if not known:
            return NodeExplanation(status, f"{head}: no enterprise list and no published counts", inputs, missing)
        counts = ", ".join(f"{t} {fmt.decimal(v)}" for t, v in known.items())
        largest = max(known.values())
        upper = fmt.decimal(sum(known.values())) if not missing else "unknown (some counts missing)"
        bound = {"met": f"the largest count ({fmt.decimal(largest)}) already reaches the threshold",
                 "unmet": f"even the sum ({upper}) stays below the threshold",
                 }.get(status, "the threshold lies between the bounds")
        text = (f"{head}: published counts {counts}; distinct enterprises lie between "
                f"{fmt.decimal(largest)} and {upper}; {bound}")
        return NodeExplanation(status, text, inputs, missing)


def build_titled_count(children, span):
    leading = len(children) == 2
    titles = children[-1]
    return TitledCount(tuple(titles), leading)


def build_title_list(children, span):
    return [str(c) for c in children]


def build_leading_only(children, span):
    return True


BUILDERS = {"titled_count": build_titled_count, "title_list": build_title_list, "leading_only": build_leading_only}
