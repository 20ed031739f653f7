"""A boolean indicator that must be true, e.g. `pillar_industry`.

met if recorded true, unmet if recorded false, unknown if not recorded."""

from __future__ import annotations

from dataclasses import dataclass

from policykb.operators.base import (MET, UNMET, CheckContext, CompileContext, ConditionNode, ExplainContext,
                                     InputValue, NodeExplanation)
from policykb.operators.repair import Plan, Step
from policykb.vocabulary import BOOLEAN


@dataclass
class Flag(ConditionNode):
    indicator: str

    def indicators(self) -> set[str]:
        return {self.indicator}

    def check(self, ctx: CheckContext) -> None:
        if self.indicator in ctx.definitions:
            ctx.error(f"'{self.indicator}' is a defined quantity, not a yes/no condition", self.span,
                      expected=f"a comparison such as {self.indicator} >= ...")
            return
        found = ctx.vocabulary.indicators.get(self.indicator)
        if found is not None and found.dimension != BOOLEAN:
            ctx.error(f"'{self.indicator}' is a {found.dimension} indicator, not a yes/no one, so it "
                      "cannot stand alone as a condition", self.span,
                      expected=f"a comparison such as {self.indicator} >= ...")
            return
        ctx.indicator(self.indicator, self.span, (BOOLEAN,))

    def compile(self, ctx: CompileContext, met: str, unmet: str) -> None:
        ctx.add(met, ctx.observation(self.indicator, None, True))
        ctx.add(unmet, ctx.observation(self.indicator, None, False))

    def repair(self, ctx: ExplainContext) -> Plan:
        from policykb.research.scenario import SetValue

        if ctx.status(self) == MET:
            return Plan()
        return Plan([Step(SetValue(ctx.cluster, self.indicator, None, True),
                          f"the measure requires {ctx.label(self.indicator).lower()}")])

    def explain(self, ctx: ExplainContext) -> NodeExplanation:
        label = ctx.label(self.indicator)
        obs = ctx.view.value(self.indicator)
        if obs is None:
            return NodeExplanation(ctx.status(self), f"{label}: not on record", missing=[self.indicator])
        inputs = [InputValue(self.indicator, None, obs.value, BOOLEAN, obs.provenance.source, obs.provenance.record)]
        said = "yes" if obs.value else "no"
        return NodeExplanation(ctx.status(self), f"{label}: {said}", inputs)


def build_flag(children, span):
    return Flag(span, str(children[0]))


BUILDERS = {"flag": build_flag}
