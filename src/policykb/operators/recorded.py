"""`recorded county`: a cluster attribute that must be on record.

met when the attribute is recorded; never unmet from data (only an assessment could say
the cluster does not lie within one county); unknown otherwise."""

from __future__ import annotations

from dataclasses import dataclass

from policykb.datalog import schema
from policykb.datalog.program import Atom, Var
from policykb.operators.repair import Plan, Step
from policykb.operators.base import (C, CheckContext, CompileContext, ConditionNode, ExplainContext, InputValue,
                                     NodeExplanation)

ATTRIBUTES = ("county", "province", "leading_industry")


@dataclass
class Recorded(ConditionNode):
    attribute: str

    def check(self, ctx: CheckContext) -> None:
        if self.attribute not in ATTRIBUTES:
            from policykb.suggest import did_you_mean
            ctx.error(f"'{self.attribute}' is not a cluster attribute", self.span,
                      expected="one of " + ", ".join(ATTRIBUTES),
                      hint=did_you_mean(self.attribute, ATTRIBUTES))

    def compile(self, ctx: CompileContext, met: str, unmet: str) -> None:
        ctx.add(met, Atom(schema.ATTRIBUTE, (C, self.attribute, Var("X"))))

    def repair(self, ctx: ExplainContext) -> Plan:
        from policykb.research.scenario import SetAttribute

        if ctx.status(self) == "met":
            return Plan()
        return Plan([Step(SetAttribute(ctx.cluster, self.attribute, f"({self.attribute} to be recorded)"),
                          f"the cluster's {self.attribute.replace('_', ' ')} must be on record", illustrative=True)])

    def explain(self, ctx: ExplainContext) -> NodeExplanation:
        value = getattr(ctx.view.cluster, self.attribute, None)
        if not value:
            return NodeExplanation(ctx.status(self), f"{self.attribute.replace('_', ' ')}: not on record",
                                   missing=[self.attribute])
        source = ctx.view.cluster.provenance
        return NodeExplanation(ctx.status(self), f"{self.attribute.replace('_', ' ')}: {value}",
                               [InputValue(self.attribute, None, value, None, source.source, source.record)])


def build_recorded(children, span):
    return Recorded(span, str(children[0]))


BUILDERS = {"recorded": build_recorded}
