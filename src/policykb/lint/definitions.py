"""Definitions nobody uses."""

from __future__ import annotations

from policykb.lint.base import LintCheck, LintContext


class UnusedDefinition(LintCheck):
    def run(self, ctx: LintContext) -> None:
        for name, definition in ctx.policy.definitions.items():
            if name not in ctx.policy.used_definitions and definition.span.file == ctx.policy.file:
                ctx.warning(f"'{name}' is defined but no criterion uses it", definition.span,
                            hint="remove it, or use it in a condition")
