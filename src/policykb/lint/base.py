"""What a lint check is and what it gets to look at."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from policykb.errors import Diagnostic
from policykb.language.ast import Policy, Span
from policykb.vocabulary import Vocabulary


@dataclass
class LintContext:
    policy: Policy  # resolved and checked
    policies: dict[str, Policy]  # every loaded policy, for checks across versions
    vocabulary: Vocabulary
    findings: list[Diagnostic] = field(default_factory=list)
    coverage: list[str] = field(default_factory=list)

    def error(self, message: str, span: Span, hint: str | None = None) -> None:
        self.findings.append(Diagnostic(message, hint=hint, **span.where()))

    def warning(self, message: str, span: Span, hint: str | None = None) -> None:
        self.findings.append(Diagnostic(message, hint=hint, severity="warning", **span.where()))


class LintCheck(ABC):
    """One kind of finding. Subclasses implement `run`."""

    @abstractmethod
    def run(self, ctx: LintContext) -> None:
        raise NotImplementedError
