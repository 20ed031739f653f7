"""Citations and metadata a reader needs to trust a criterion."""

from __future__ import annotations

from policykb.lint.base import LintCheck, LintContext


class MissingCitation(LintCheck):
    def run(self, ctx: LintContext) -> None:
        for criterion in ctx.policy.criteria:
            if not criterion.citation.article:
                ctx.warning(f"criterion '{criterion.id}' cites no article of the measure", criterion.span,
                            hint='add article "第N条" (and paragraph "...") so verdicts can cite it')


class StaleInheritedText(LintCheck):
    """An override that changes the rule but keeps the parent's quoted text would make
    verdicts quote wording that no longer applies (70%以上 after a threshold of 60%)."""

    def run(self, ctx: LintContext) -> None:
        for criterion in ctx.policy.criteria:
            changed = criterion.overridden & {"threshold", "require", "kind"}
            if changed and criterion.source_text and "source_text" not in criterion.overridden:
                ctx.warning(f"criterion '{criterion.id}': the override changes its {' and '.join(sorted(changed))} "
                            f"but keeps the inherited text \"{criterion.source_text}\"", criterion.span,
                            hint="give the override this measure's own 'text' (and 'summary')")


class MissingMetadata(LintCheck):
    FIELDS = (("title zh", lambda p: p.titles.get("zh")), ("title en", lambda p: p.titles.get("en")),
              ("document", lambda p: p.document), ("effective", lambda p: p.effective))

    def run(self, ctx: LintContext) -> None:
        for name, get in self.FIELDS:
            if not get(ctx.policy):
                ctx.warning(f"policy '{ctx.policy.id}' has no {name}", ctx.policy.span,
                            hint=f"add '{name} ...' to the policy block if the measure states it")
