"""`no incident in the last N years { kinds: severity or worse ... }`.

unmet if an incident of a listed kind at or above its severity is on record in the window;
met if the cluster's incident record is complete (a source declared it so) and holds no
such incident; unknown otherwise (no record is not the same as no incident)."""

from __future__ import annotations

from dataclasses import dataclass

from policykb.datalog import schema
from policykb.datalog.program import Atom, Compare, Not, Var
from policykb.operators.repair import Plan, Step, cannot
from policykb.operators.base import (C, CheckContext, CompileContext, ConditionNode, ExplainContext, InputValue,
                                     NodeExplanation)

Y, R = Var("Y"), Var("R")
INCIDENTS = "incidents"


@dataclass(frozen=True)
class IncidentGroup:
    kinds: tuple[str, ...]
    min_severity: str | None  # None: any severity counts


@dataclass
class NoIncident(ConditionNode):
    years: int
    groups: tuple[IncidentGroup, ...]

    def check(self, ctx: CheckContext) -> None:
        from policykb.suggest import did_you_mean

        vocab = ctx.vocabulary
        from policykb.operators.comparison import check_years

        check_years(ctx, self.years, self.span)
        for group in self.groups:
            for kind in group.kinds:
                if kind not in vocab.incident_kinds:
                    ctx.error(f"unknown incident kind '{kind}'", self.span,
                              expected="one of " + ", ".join(vocab.incident_kinds),
                              hint=did_you_mean(kind, vocab.incident_kinds))
            if group.min_severity is not None and group.min_severity not in vocab.severities:
                ctx.error(f"unknown severity '{group.min_severity}'", self.span,
                          expected="one of " + ", ".join(vocab.severities),
                          hint=did_you_mean(group.min_severity, vocab.severities))

    def disqualifies(self, ctx, kind: str, severity: str) -> bool:
        for group in self.groups:
            if kind in group.kinds and (group.min_severity is None or
                                        ctx.vocabulary.severity_rank(severity) >=
                                        ctx.vocabulary.severity_rank(group.min_severity)):
                return True
        return False

    def compile(self, ctx: CompileContext, met: str, unmet: str) -> None:
        years = ctx.window(self.years)
        bad = ctx.fresh("bad")
        for group in self.groups:
            for kind in group.kinds:
                body = [Atom(schema.INCIDENT, (C, Y, kind, R)), Compare(Y, ">=", years[0]), Compare(Y, "<=", years[-1])]
                if group.min_severity is not None:
                    body.append(Compare(R, ">=", ctx.vocabulary.severity_rank(group.min_severity)))
                ctx.add(bad, *body)
        ctx.add(met, Atom(schema.COMPLETE, (C, INCIDENTS)), Not(Atom(bad, (C,))))
        ctx.add(unmet, Atom(bad, (C,)))

    def repair(self, ctx: ExplainContext) -> Plan:
        from policykb.research.scenario import CompleteIncidentRecord

        if ctx.status(self) == "met":
            return Plan()
        years = ctx.window(self.years)
        found = sorted({i.year for i in ctx.view.incidents
                        if years[0] <= i.year <= years[-1] and self.disqualifies(ctx, i.kind, i.severity)})
        if found:
            return cannot(f"a disqualifying incident in {', '.join(map(str, found))} cannot be undone; the window "
                          f"of {self.years} years passes it from application year {found[-1] + self.years + 1}")
        return Plan([Step(CompleteIncidentRecord(ctx.cluster),
                          f"a complete incident record for {years[0]}-{years[-1]} must show no disqualifying "
                          f"incident")])

    def explain(self, ctx: ExplainContext) -> NodeExplanation:
        years = ctx.window(self.years)
        found = [i for i in ctx.view.incidents
                 if years[0] <= i.year <= years[-1] and self.disqualifies(ctx, i.kind, i.severity)]
        inputs = [InputValue(f"incident {i.kind}", i.year, i.severity, None, i.provenance.source, i.provenance.record)
                  for i in found]
        span = f"{years[0]}-{years[-1]}"
        status = ctx.status(self)
        if found:
            listed = "; ".join(f"{i.year} {i.kind} ({i.severity}){': ' + i.description if i.description else ''}"
                               for i in found)
            return NodeExplanation(status, f"disqualifying incidents in {span}: {listed}", inputs)
        record = ctx.view.complete.get(INCIDENTS)
        if record is None:
            return NodeExplanation(status, f"no incident record for {span} is on file, so the absence of "
                                           f"disqualifying incidents is unknown", inputs, [f"incident record {span}"])
        where = record.provenance.record or record.provenance.source
        return NodeExplanation(status, f"no disqualifying incident in {span} in the complete incident record ({where})",
                               [InputValue("incident record", None, "complete", None, record.provenance.source,
                                           record.provenance.record)])


def build_no_incident(children, span):
    return NoIncident(span, int(children[0]), tuple(children[1:]))


def build_incident_group(children, span):
    *kinds, floor = children
    return IncidentGroup(tuple(str(k) for k in kinds), floor)


def build_at_least(children, span):
    return str(children[0])


def build_any_severity(children, span):
    return None


BUILDERS = {"no_incident": build_no_incident, "incident_group": build_incident_group,
            "at_least": build_at_least, "any_severity": build_any_severity}
