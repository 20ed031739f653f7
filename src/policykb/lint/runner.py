"""Runs every lint check over one policy."""

from __future__ import annotations

from dataclasses import dataclass, field

from policykb.errors import Diagnostic
from policykb.language.ast import Policy
from policykb.lint.base import LintContext
from policykb.lint.conditions import AlwaysTrueCondition, ImpossibleCondition
from policykb.lint.coverage import ClauseCoverage
from policykb.lint.definitions import UnusedDefinition
from policykb.lint.metadata import MissingCitation, MissingMetadata, StaleInheritedText
from policykb.lint.versions import CriterionMeaningChanged
from policykb.lint.wording import OperatorContradictsWording
from policykb.vocabulary import Vocabulary

CHECKS = (MissingMetadata(), MissingCitation(), StaleInheritedText(), ImpossibleCondition(), AlwaysTrueCondition(),
          OperatorContradictsWording(), UnusedDefinition(), CriterionMeaningChanged(), ClauseCoverage())


@dataclass
class LintReport:
    findings: list[Diagnostic] = field(default_factory=list)
    coverage: list[str] = field(default_factory=list)


def lint_policy(policy: Policy, policies: dict[str, Policy], vocabulary: Vocabulary) -> LintReport:
    ctx = LintContext(policy, policies, vocabulary)
    if not policy.is_library:  # a library's definitions are for the policies that use it
        for check in CHECKS:
            check.run(ctx)
    return LintReport(ctx.findings, ctx.coverage)
