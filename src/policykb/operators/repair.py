"""What a construct proposes when it is not met: the smallest data change that makes it
hold (for `policykb gap`). Each construct's `repair` returns a `Plan`: steps (a what-if
change and why), or the reason no data change can help."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from policykb.vocabulary import AREA, COUNT, MONEY, PERCENT, PERSONS

# The smallest step a value can move by, to pass a strict bound ("more than 40亿元").
EPSILON = {MONEY: Fraction(1), COUNT: Fraction(1), PERSONS: Fraction(1), AREA: Fraction(1, 100),
           PERCENT: Fraction(1, 100)}
WHOLE = (MONEY, COUNT, PERSONS)  # dimensions counted in whole units
# Illustrative magnitudes when a quantity and everything it is compared with are unknown.
BASIS = {MONEY: Fraction(100_000_000), COUNT: Fraction(100), PERSONS: Fraction(10_000),
         AREA: Fraction(10), PERCENT: Fraction(50)}


@dataclass(frozen=True)
class Step:
    change: object  # a research.scenario data change
    why: str
    illustrative: bool = False  # the value only stands for "publish it": any value meeting the bound


@dataclass
class Plan:
    steps: list[Step] = field(default_factory=list)
    impossible: str | None = None

    @property
    def cost(self) -> float:
        return math.inf if self.impossible else len(self.steps)

    def __add__(self, other: "Plan") -> "Plan":
        if self.impossible or other.impossible:
            return Plan(impossible=self.impossible or other.impossible)
        return Plan(self.steps + other.steps)


def cannot(reason: str) -> Plan:
    return Plan(impossible=reason)


def least(op: str, bound: Fraction, dimension: str) -> Fraction:
    """The value closest to `bound` on the side `op` asks for (for `x op bound` to hold)."""
    eps = EPSILON.get(dimension, Fraction(1, 100))
    target = {">=": bound, ">": bound + eps, "<=": bound, "<": bound - eps, "=": bound}[op]
    if dimension in WHOLE:
        target = Fraction(math.ceil(target)) if op in (">=", ">", "=") else Fraction(math.floor(target))
        if op == ">" and target <= bound:
            target += 1
        if op == "<" and target >= bound:
            target -= 1
    return target
