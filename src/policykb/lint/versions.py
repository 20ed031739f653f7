"""A criterion id keeps its meaning across versions of a measure."""

from __future__ import annotations

from policykb.language.versions import lineage
from policykb.lint.base import LintCheck, LintContext


class CriterionMeaningChanged(LintCheck):
    def run(self, ctx: LintContext) -> None:
        policy = ctx.policy
        for other in lineage(policy.id, ctx.policies) if policy.id in ctx.policies else ():
            if other.id == policy.id:
                continue
            for criterion in policy.criteria:
                before = other.criterion(criterion.id)
                if before is None or before.condition is None or criterion.condition is None:
                    continue
                mine, theirs = criterion.condition.indicators(), before.condition.indicators()
                if mine != theirs:
                    ctx.warning(f"criterion '{criterion.id}' reads {', '.join(sorted(mine))} here but "
                                f"{', '.join(sorted(theirs))} in {other.id}: an id should keep its meaning "
                                f"across versions", criterion.span, hint="give the changed criterion a new id")
