"""Located, user-facing errors.

Every bad input (policy text, CSV row, Turtle file, unknown id) ends in a `PolicyKBError`
that carries one or more `Diagnostic`s. The CLI prints `render()` and exits non-zero; no
traceback ever reaches the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Diagnostic:
    """One problem, located as precisely as the input allows.

    `line`/`column` are 1-based positions in a text file; for a CSV file `line` is the
    physical line (header = 1) and `column` is the column *name*.
    """

    message: str
    file: str | None = None
    line: int | None = None
    column: int | str | None = None
    expected: str | None = None
    hint: str | None = None
    severity: str = "error"  # "error" or "warning"

    @property
    def location(self) -> str:
        parts = [p for p in (self.file, self.line, self.column) if p not in (None, "")]
        return ":".join(str(p) for p in parts)

    def render(self) -> str:
        text = f"{self.location}: {self.severity}: " if self.location else f"{self.severity}: "
        text += self.message.rstrip(".") + "."
        if self.expected:
            expected = self.expected if self.expected.endswith("...") else self.expected.rstrip(".")
            text += f" Expected {expected}" + ("" if expected.endswith("...") else ".")
        if self.hint:
            hint = self.hint[:1].upper() + self.hint[1:]
            text += f" {hint}" if hint.endswith(("?", "!", ".")) else f" {hint}."
        return text


@dataclass
class PolicyKBError(Exception):
    """Raised for any bad input; holds every diagnostic found, errors first."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.render())

    @classmethod
    def single(cls, message: str, **where) -> "PolicyKBError":
        return cls([Diagnostic(message, **where)])

    def render(self) -> str:
        return "\n".join(d.render() for d in self.diagnostics)

    def __str__(self) -> str:
        return self.render()
