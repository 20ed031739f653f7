"""Citations and metadata a reader needs to trust a criterion."""

from __future__ import annotations

from policykb.lint.base import LintCheck, LintContext


class MissingCitation(LintCheck):
    def run(self, ctx: LintContext) -> None:
        for criterion in ctx.policy.criteria:
            if not criterion.citation.article:
                ctx.warning(f"criterion '{criterion.id}' cites no article of the measure", criterion.span,
                            hint='add article "第N条" (and paragraph "...") so verdicts can cite it')


class MissingMetadata(LintCheck):
    FIELDS = (("title zh", lambda p: p.titles.get("zh")), ("title en", lambda p: p.titles.get("en")),
              ("document", lambda p: p.document), ("effective", lambda p: p.effective))

    def run(self, ctx: LintContext) -> None:
        for name, get in self.FIELDS:
            if not get(ctx.policy):
                ctx.warning(f"policy '{ctx.policy.id}' has no {name}", ctx.policy.span,
                            hint=f"add '{name} ...' to the policy block if the measure states it")
