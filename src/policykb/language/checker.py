"""Checks a resolved policy against the vocabulary; resolves units and definitions in place.

Errors make the policy unusable and are raised together as one PolicyKBError. Findings
that do not (missing citations, suspicious conditions...) belong to `policykb.lint`."""

from __future__ import annotations

import re

from policykb.errors import PolicyKBError
from policykb.language.ast import HARD, QUALITATIVE, SOFT, Policy
from policykb.operators.base import CheckContext
from policykb.vocabulary import Vocabulary

ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def check_policy(policy: Policy, vocabulary: Vocabulary) -> None:
    """Check a resolved `policy` against `vocabulary` plus its own declarations; resolve
    units and definitions in place. Raise PolicyKBError if it has errors."""
    from policykb.language.declarations import declared_vocabulary

    vocabulary, problems = declared_vocabulary(policy, vocabulary)
    ctx = CheckContext(vocabulary, list(problems), definitions=dict(policy.definitions))
    ctx.rejected = {d.name for d in policy.indicator_declarations if d.name not in vocabulary.indicators}
    _check_definitions(policy, ctx)
    if not policy.is_library:
        _check_identity(policy, ctx)
        _check_criteria(policy, ctx)
    policy.used_definitions = ctx.used_definitions
    if ctx.diagnostics:
        raise PolicyKBError(ctx.diagnostics)


def _check_criteria(policy: Policy, ctx: CheckContext) -> None:
    seen: dict[str, int] = {}
    for criterion in policy.criteria:
        where = criterion.span
        if not ID_PATTERN.match(criterion.id):
            ctx.error(f"criterion id '{criterion.id}' is not lower-case words joined by '-'", where,
                      expected="an id such as sme-share")
        if criterion.id in seen:
            ctx.error(f"duplicate criterion id '{criterion.id}' (first at line {seen[criterion.id]})", where,
                      hint="give each criterion its own id")
        seen.setdefault(criterion.id, where.line)
        if criterion.kind in (HARD, SOFT) and criterion.condition is None:
            ctx.error(f"{criterion.kind} criterion '{criterion.id}' has no 'require' condition", where,
                      hint="add 'require ...', or make it 'kind qualitative' if only an expert can assess it")
        if criterion.kind == QUALITATIVE and criterion.condition is not None:
            ctx.error(f"qualitative criterion '{criterion.id}' has a 'require' condition", where,
                      hint="qualitative criteria are decided by a recorded assessment; use kind hard or soft "
                           "for a computable condition")
        if criterion.condition is not None:
            criterion.condition.check(ctx)
    if not policy.criteria:
        ctx.error(f"policy '{policy.id}' has no criteria", policy.span, expected="one or more 'criterion' blocks")


def _check_definitions(policy: Policy, ctx: CheckContext) -> None:
    for name, definition in policy.definitions.items():
        if name in ctx.vocabulary.indicators:
            ctx.error(f"'{name}' is already an indicator; a definition needs a name of its own", definition.span)


def _check_identity(policy: Policy, ctx: CheckContext) -> None:
    if not ID_PATTERN.match(policy.id):
        ctx.error(f"policy id '{policy.id}' is not lower-case words joined by '-'", policy.span,
                  expected="an id such as jiangsu-2023")
