"""Checked policy + application year -> Datalog program.

Each condition node compiles itself (see `policykb.operators`) into `<node>_met` and
`<node>_unmet`; this module adds, per criterion, the status rules of `criteria.md`:

- hard:        met / unmet from the condition, unknown when neither;
- soft:        a recorded assessment decides; else met, `review` when the data says
               unmet, unknown when neither;
- qualitative: a recorded assessment decides; else `review`;

and per policy the verdict: eligible when every criterion is met, ineligible when any is
unmet, undetermined otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from policykb.datalog import schema
from policykb.datalog.program import Atom, Compare, Not, Program, Var
from policykb.language.ast import HARD, QUALITATIVE, SOFT, Criterion, Policy
from policykb.operators.base import C, CompileContext, NodePredicates
from policykb.vocabulary import Vocabulary

K, R, S = Var("K"), Var("R"), Var("S")
MET, UNMET, UNKNOWN, REVIEW = "met", "unmet", "unknown", "review"
ELIGIBLE, INELIGIBLE, UNDETERMINED = "eligible", "ineligible", "undetermined"


@dataclass
class CompiledPolicy:
    policy: Policy
    as_of: int
    key: str  # the policy argument of criterion_status / verdict: "<id>@<as_of>"
    program: Program
    node_predicates: dict[int, NodePredicates] = field(default_factory=dict)
    roots: dict[str, NodePredicates] = field(default_factory=dict)
    note: str | None = None  # e.g. which version answers when another was asked for


def policy_key(policy_id: str, as_of: int) -> str:
    return f"{policy_id}@{as_of}"


def compile_policy(policy: Policy, vocabulary: Vocabulary, as_of: int) -> CompiledPolicy:
    program = Program()
    prefix = "p_" + re.sub(r"[^a-z0-9]+", "_", policy.id.lower()) + f"_{as_of}"
    ctx = CompileContext(program, vocabulary, as_of, prefix)
    compiled = CompiledPolicy(policy, as_of, policy_key(policy.id, as_of), program)
    for criterion in policy.criteria:
        program.note(f"criterion {criterion.id} ({criterion.kind})")
        root = ctx.compile(criterion.condition) if criterion.condition is not None else None
        if root is not None:
            compiled.roots[criterion.id] = root
        _criterion_rules(ctx, compiled, criterion, root)
    _ensure_defined(program)
    _verdict_rules(ctx, compiled)
    compiled.node_predicates = ctx.node_predicates
    return compiled


def _status(compiled: CompiledPolicy, criterion: Criterion, status) -> Atom:
    return Atom(schema.CRITERION_STATUS, (C, compiled.key, criterion.id, status))


def _criterion_rules(ctx: CompileContext, compiled: CompiledPolicy, criterion: Criterion,
                     root: NodePredicates | None) -> None:
    program, cluster = ctx.program, Atom(schema.CLUSTER, (C,))
    if criterion.kind == HARD:
        program.add(_status(compiled, criterion, MET), Atom(root.met, (C,)))
        program.add(_status(compiled, criterion, UNMET), Atom(root.unmet, (C,)))
        program.add(_status(compiled, criterion, UNKNOWN), cluster, Not(Atom(root.met, (C,))),
                    Not(Atom(root.unmet, (C,))))
        return
    assessed = Atom(ctx.fresh("assessed"), (C,))
    program.add(assessed, Atom(schema.ASSESSED, (C, compiled.policy.id, criterion.id, R)))
    program.add(_status(compiled, criterion, R), Atom(schema.ASSESSED, (C, compiled.policy.id, criterion.id, R)))
    if criterion.kind == SOFT:
        program.add(_status(compiled, criterion, MET), Atom(root.met, (C,)), Not(assessed))
        program.add(_status(compiled, criterion, REVIEW), Atom(root.unmet, (C,)), Not(assessed))
        program.add(_status(compiled, criterion, UNKNOWN), cluster, Not(Atom(root.met, (C,))),
                    Not(Atom(root.unmet, (C,))), Not(assessed))
    elif criterion.kind == QUALITATIVE:
        program.add(_status(compiled, criterion, REVIEW), cluster, Not(assessed))


def _verdict_rules(ctx: CompileContext, compiled: CompiledPolicy) -> None:
    program, key, cluster = ctx.program, compiled.key, Atom(schema.CLUSTER, (C,))
    not_met, any_unmet = Atom(ctx.fresh("notmet"), (C,)), Atom(ctx.fresh("anyunmet"), (C,))
    program.note(f"verdict of {compiled.policy.id} for application year {compiled.as_of}")
    program.add(not_met, Atom(schema.CRITERION_STATUS, (C, key, K, S)), Compare(S, "!=", MET))
    program.add(any_unmet, Atom(schema.CRITERION_STATUS, (C, key, K, UNMET)))
    program.add(Atom(schema.VERDICT, (C, key, INELIGIBLE)), any_unmet)
    program.add(Atom(schema.VERDICT, (C, key, ELIGIBLE)), cluster, Not(not_met))
    program.add(Atom(schema.VERDICT, (C, key, UNDETERMINED)), not_met, Not(any_unmet))


def _ensure_defined(program: Program) -> None:
    """Give every node predicate that no data can derive an empty definition: pyDatalog
    refuses to negate or query a predicate that was never defined."""
    heads = {rule.head.pred for rule in program.rules}
    used = {lit.pred for rule in program.rules for lit in rule.body if isinstance(lit, Atom)}
    used |= {lit.atom.pred for rule in program.rules for lit in rule.body if isinstance(lit, Not)}
    for pred in sorted(p for p in used - heads if p.startswith("p_")):
        program.note(f"{pred}: no data can make this hold")
        program.add(Atom(pred, (C,)), Atom(schema.CLUSTER, (C,)), Not(Atom(schema.CLUSTER, (C,))))
