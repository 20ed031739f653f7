"""The operator must say what the cited Chinese wording says: 以上 / 不少于 / 不低于 include
the boundary (>=), 高于 / 超过 exclude it (>), 不超过 includes it (<=), 低于 excludes it (<)."""

from __future__ import annotations

import re
from fractions import Fraction

from policykb.lint.base import LintCheck, LintContext
from policykb.operators.comparison import comparisons

NUMBER = r"(\d+(?:\.\d+)?)\s*(亿元|万元|元|%|％|平方公里|家|项|个|件)?"
PATTERNS = (
    (re.compile(NUMBER + r"\s*以上"), ">=", "以上"),
    (re.compile(r"(不少于|不低于)\s*" + NUMBER), ">=", None),
    (re.compile(r"(?<!不)(高于|超过)\s*" + NUMBER), ">", None),
    (re.compile(r"(不超过|不高于)\s*" + NUMBER), "<=", None),
    (re.compile(r"(?<!不)(低于)\s*" + NUMBER), "<", None),
)
FACTORS = {"亿元": 100_000_000, "万元": 10_000}


def stated_bounds(text: str) -> list[tuple[Fraction, str, str]]:
    """(value in canonical units, operator, the words) for each bound the text states."""
    found = []
    for pattern, op, fixed_word in PATTERNS:
        for match in pattern.finditer(text):
            groups = match.groups()
            word, number, unit = (fixed_word, groups[0], groups[1]) if fixed_word else groups
            found.append((Fraction(number) * FACTORS.get(unit or "", 1), op, match.group(0)))
    return found


class OperatorContradictsWording(LintCheck):
    def run(self, ctx: LintContext) -> None:
        for criterion in ctx.policy.criteria:
            if not criterion.source_text or criterion.condition is None:
                continue
            for value, op, words in stated_bounds(criterion.source_text):
                for comparison in comparisons(criterion.condition):
                    if comparison.threshold_value == value and comparison.op != op:
                        ctx.error(f"criterion '{criterion.id}': the text says '{words}' ({op}) but the condition "
                                  f"uses '{comparison.op} {comparison.threshold.written}'", comparison.span,
                                  hint=f"write '{op} {comparison.threshold.written}', or correct the quoted text")
