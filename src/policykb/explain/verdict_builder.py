"""Engine results + the cluster's facts -> explained `Verdict`s.

Statuses come from the engine (the Datalog program defines the semantics); numbers in
the sentences come from the same graph records the engine was given."""

from __future__ import annotations

from typing import Callable

from policykb.datalog.compiler import MET, REVIEW, UNKNOWN, UNMET, CompiledPolicy
from policykb.explain.cluster_view import ClusterView
from policykb.language.ast import HARD, QUALITATIVE, SOFT, Criterion
from policykb.operators.base import ExplainContext, NodeExplanation, NodePredicates
from policykb.verdicts.model import CriterionVerdict, Verdict
from policykb.vocabulary import Vocabulary

# (predicate, cluster) -> does it hold
Holds = Callable[[str, str], bool]


def build_verdict(compiled: CompiledPolicy, view: ClusterView, vocabulary: Vocabulary, status: str,
                  criterion_statuses: dict[str, str], holds: Holds) -> Verdict:
    cluster = view.cluster.id
    ctx = ExplainContext(view, vocabulary, compiled.as_of, lambda node: node_status(compiled, node, cluster, holds))
    criteria = [_criterion_verdict(compiled, c, criterion_statuses.get(c.id, UNKNOWN), view, ctx)
                for c in compiled.policy.criteria]
    return Verdict(cluster, view.cluster.name_zh or view.cluster.name_en, compiled.policy.id,
                   compiled.policy.title, compiled.as_of, status, criteria, view.cluster.synthetic,
                   [compiled.note] if compiled.note else [])


def node_status(compiled: CompiledPolicy, node, cluster: str, holds: Holds) -> str:
    """A condition node's status for `cluster`, as the engine derived it."""
    preds: NodePredicates = compiled.node_predicates[id(node)]
    if holds(preds.met, cluster):
        return MET
    return UNMET if holds(preds.unmet, cluster) else UNKNOWN


def _criterion_verdict(compiled: CompiledPolicy, criterion: Criterion, status: str, view: ClusterView,
                       ctx: ExplainContext) -> CriterionVerdict:
    detail = ctx.explain(criterion.condition) if criterion.condition is not None else None
    assessment = view.assessments.get((compiled.policy.id, criterion.id)) if criterion.kind != HARD else None
    text, missing = _sentence(criterion, status, detail, assessment)
    return CriterionVerdict(
        id=criterion.id, kind=criterion.kind, status=status, citation=str(criterion.citation),
        source_text=criterion.source_text, summary=criterion.summary, explanation=text,
        inputs=list(detail.inputs) if detail else [], missing=missing,
        assessment=_assessment_json(assessment), detail=detail)


def _sentence(criterion: Criterion, status: str, detail: NodeExplanation | None, assessment) -> tuple[str, list[str]]:
    data = _capitalised(detail.text) if detail else ""
    if assessment is not None:
        who = assessment.assessor or "an unnamed assessor"
        when = f" on {assessment.date}" if assessment.date else ""
        text = f"Decided by the expert assessment of {who}{when}: {assessment.result}"
        return (text + (f". The data alone: {detail.text}" if detail else ""), [])
    if criterion.kind == QUALITATIVE:
        return ("Qualitative criterion: only a recorded expert assessment can decide it, and none is recorded",
                [f"assessment of {criterion.id}"])
    if status == REVIEW and criterion.kind == SOFT:
        return (f"{data}. The measure says this holds only 'generally' (一般/原则上), so failing it needs a "
                f"reviewer's decision", [f"assessment of {criterion.id}"])
    if status == UNKNOWN:
        missing = list(dict.fromkeys(detail.missing)) if detail else []
        return (f"{data}. Not decidable without: {', '.join(missing) or 'more data'}", missing)
    return data, []


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _assessment_json(assessment) -> dict | None:
    if assessment is None:
        return None
    return {"result": assessment.result, "assessor": assessment.assessor, "date": assessment.date,
            "source": assessment.provenance.source}
