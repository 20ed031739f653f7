"""`and`, `or`, `not` in Kleene's three-valued logic.

and: met if every part is met, unmet if any part is unmet, else unknown.
or:  met if any part is met, unmet if every part is unmet, else unknown.
not: swaps met and unmet; unknown stays unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

from policykb.datalog.program import Atom
from policykb.operators.repair import Plan, cannot
from policykb.operators.base import (MET, UNMET, UNKNOWN, C, CheckContext, CompileContext, ConditionNode,
                                     ExplainContext, NodeExplanation)


def _atom(pred: str) -> Atom:
    return Atom(pred, (C,))


@dataclass
class Junction(ConditionNode):
    parts: tuple[ConditionNode, ...]
    word = ""  # "and" / "or"

    def children(self):
        return self.parts

    def check(self, ctx: CheckContext) -> None:
        for part in self.parts:
            part.check(ctx)

    def explain(self, ctx: ExplainContext) -> NodeExplanation:
        parts = [ctx.explain(p) for p in self.parts]
        status = ctx.status(self)
        if status == UNKNOWN or len({p.status for p in parts}) > 1:
            # Mixed outcomes: say how each part came out, so the reader sees which decided.
            text = f" {self.word} ".join(f"[{p.status}] {p.text}" for p in parts)
        else:
            text = f" {self.word} ".join(p.text for p in parts)
        return NodeExplanation(status, text, [i for p in parts for i in p.inputs],
                               [m for p in parts for m in p.missing], parts)


@dataclass
class AllOf(Junction):
    word = "and"

    def repair(self, ctx: ExplainContext):
        plan = Plan()
        for part in self.parts:
            if ctx.status(part) != MET:
                plan = plan + part.repair(ctx)
        return plan

    def compile(self, ctx: CompileContext, met: str, unmet: str) -> None:
        preds = [ctx.compile(p) for p in self.parts]
        ctx.add(met, *(_atom(p.met) for p in preds))
        for p in preds:
            ctx.add(unmet, _atom(p.unmet))


@dataclass
class AnyOf(Junction):
    word = "or"

    def repair(self, ctx: ExplainContext):
        if ctx.status(self) == MET:
            return Plan()
        return min((part.repair(ctx) for part in self.parts), key=lambda plan: plan.cost)

    def compile(self, ctx: CompileContext, met: str, unmet: str) -> None:
        preds = [ctx.compile(p) for p in self.parts]
        for p in preds:
            ctx.add(met, _atom(p.met))
        ctx.add(unmet, *(_atom(p.unmet) for p in preds))


@dataclass
class Negation(ConditionNode):
    part: ConditionNode

    def children(self):
        return (self.part,)

    def check(self, ctx: CheckContext) -> None:
        self.part.check(ctx)

    def compile(self, ctx: CompileContext, met: str, unmet: str) -> None:
        inner = ctx.compile(self.part)
        ctx.add(met, _atom(inner.unmet))
        ctx.add(unmet, _atom(inner.met))

    def repair(self, ctx: ExplainContext):
        return Plan() if ctx.status(self) == MET else cannot("no suggestion for a 'not' condition")

    def explain(self, ctx: ExplainContext) -> NodeExplanation:
        inner = ctx.explain(self.part)
        return NodeExplanation(ctx.status(self), f"not ({inner.text})", inner.inputs, inner.missing, [inner])


def build_all_of(children, span):
    return AllOf(span, tuple(children))


def build_any_of(children, span):
    return AnyOf(span, tuple(children))


def build_negation(children, span):
    return Negation(span, children[0])


BUILDERS = {"all_of": build_all_of, "any_of": build_any_of, "negation": build_negation}
