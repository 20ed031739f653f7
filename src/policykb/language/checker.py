"""Checks a parsed policy against the vocabulary; resolves units in place.

Errors make the policy unusable (raised together as one PolicyKBError); warnings are
returned for `policykb lint` to show."""

from __future__ import annotations

import re

from policykb.errors import Diagnostic, PolicyKBError
from policykb.language.ast import HARD, QUALITATIVE, SOFT, Policy
from policykb.operators.base import CheckContext
from policykb.vocabulary import Vocabulary

ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def check_policy(policy: Policy, vocabulary: Vocabulary) -> list[Diagnostic]:
    """Check a resolved `policy` against `vocabulary` plus its own declarations; resolve
    units and definitions in place. Raise PolicyKBError if it has errors, else return its
    warnings."""
    from policykb.language.declarations import declared_vocabulary

    vocabulary, problems = declared_vocabulary(policy, vocabulary)
    ctx = CheckContext(vocabulary, list(problems), definitions=dict(policy.definitions))
    warnings: list[Diagnostic] = []
    _check_definitions(policy, ctx)
    if policy.is_library:
        if ctx.diagnostics:
            raise PolicyKBError(ctx.diagnostics)
        return warnings
    _check_identity(policy, ctx, warnings)
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
        if not criterion.citation.article:
            warnings.append(Diagnostic(f"criterion '{criterion.id}' cites no article", hint="add article \"...\"",
                                       severity="warning", **where.where()))
    if not policy.criteria:
        ctx.error(f"policy '{policy.id}' has no criteria", policy.span, expected="one or more 'criterion' blocks")
    if ctx.diagnostics:
        raise PolicyKBError(ctx.diagnostics)
    return warnings


def _check_definitions(policy: Policy, ctx: CheckContext) -> None:
    for name, definition in policy.definitions.items():
        if name in ctx.vocabulary.indicators:
            ctx.error(f"'{name}' is already an indicator; a definition needs a name of its own", definition.span)


def _check_identity(policy: Policy, ctx: CheckContext, warnings: list[Diagnostic]) -> None:
    if not ID_PATTERN.match(policy.id):
        ctx.error(f"policy id '{policy.id}' is not lower-case words joined by '-'", policy.span,
                  expected="an id such as jiangsu-2023")
    for field, value in (("title zh", policy.titles.get("zh")), ("title en", policy.titles.get("en")),
                         ("document", policy.document), ("effective", policy.effective)):
        if not value:
            warnings.append(Diagnostic(f"policy '{policy.id}' has no {field}", severity="warning",
                                       **policy.span.where()))
