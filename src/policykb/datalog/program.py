"""A Datalog program as plain data: the compiler's output, the engine's input.

Keeping the program as typed values (rather than pyDatalog calls) lets it be printed,
compared in golden tests and, later, compiled to other back ends. Numbers in comparisons
are integers or `Fraction`s, never floats: the engine compares exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Union

Value = Union[str, int, Fraction, bool, None]


@dataclass(frozen=True)
class Var:
    name: str  # starts with an upper-case letter, as Datalog variables do

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Scaled:
    """`factor * var`, the only arithmetic the compiler needs (cross-multiplied ratios)."""

    var: Var
    factor: int

    def __str__(self) -> str:
        return str(self.var) if self.factor == 1 else f"{self.var}*{self.factor}"


@dataclass(frozen=True)
class Sum:
    """`a + b + ...` of variables (the upper bound of a distinct count)."""

    terms: tuple[Var, ...]

    def __str__(self) -> str:
        return " + ".join(str(t) for t in self.terms)


Operand = Union[Var, Scaled, Sum, Value]


@dataclass(frozen=True)
class Atom:
    pred: str
    args: tuple[Operand, ...]

    def __str__(self) -> str:
        return f"{self.pred}({', '.join(_show(a) for a in self.args)})"


@dataclass(frozen=True)
class Not:
    atom: Atom

    def __str__(self) -> str:
        return f"not {self.atom}"


@dataclass(frozen=True)
class Compare:
    left: Operand
    op: str  # one of >= > <= < == !=
    right: Operand

    def __str__(self) -> str:
        return f"{_show(self.left)} {self.op} {_show(self.right)}"


@dataclass(frozen=True)
class CountOf:
    """Binds `result` to the number of distinct `counted` per `key` in predicate `source`
    (pyDatalog: `(f[key] == len_(counted)) <= source(key, counted)`)."""

    function: str
    source: str
    key: Var
    counted: Var
    result: Var

    def __str__(self) -> str:
        return f"{self.result} = count {self.counted} : {self.source}({self.key}, {self.counted})"


Literal = Union[Atom, Not, Compare, CountOf]


@dataclass(frozen=True)
class Rule:
    head: Atom
    body: tuple[Literal, ...]

    def __str__(self) -> str:
        return f"{self.head} :- {', '.join(str(b) for b in self.body)}."


@dataclass
class Program:
    """Rules plus the names a caller needs to read results back."""

    rules: list[Rule] = field(default_factory=list)
    comments: dict[int, str] = field(default_factory=dict)  # rule index -> why it is there

    def add(self, head: Atom, *body: Literal) -> None:
        self.rules.append(Rule(head, tuple(body)))

    def note(self, text: str) -> None:
        self.comments[len(self.rules)] = text

    def text(self) -> str:
        lines: list[str] = []
        for i, rule in enumerate(self.rules):
            if i in self.comments:
                lines.append(f"% {self.comments[i]}")
            lines.append(str(rule))
        return "\n".join(lines) + "\n"


def _show(value: Operand) -> str:
    if isinstance(value, (Var, Scaled, Sum)):
        return str(value)
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    if value is None:
        return "nil"
    return str(value).lower() if isinstance(value, bool) else str(value)
