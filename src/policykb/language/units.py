"""Resolving a threshold's written unit to its dimension's canonical unit, exactly."""

from __future__ import annotations

from dataclasses import dataclass, replace

from policykb.language.ast import Threshold
from policykb.vocabulary import COUNT, PERSONS, Vocabulary

# Dimensions whose numbers may be written bare (no unit): counting things.
BARE_NUMBER_DIMENSIONS = (COUNT, PERSONS)


@dataclass(frozen=True)
class UnitProblem:
    message: str
    expected: str | None = None
    hint: str | None = None


def accepted_units(dimension: str, vocabulary: Vocabulary) -> list[str]:
    spellings: list[str] = []
    for unit in sorted(vocabulary.units.values(), key=lambda u: (-u.factor, u.name)):
        if unit.dimension == dimension:
            spellings += [unit.name, *unit.aliases]
    return spellings


def _example(number: str, spellings: list[str]) -> str:
    """`number` with the most readable accepted unit: 40亿元, 70%, 100 km2."""
    if not spellings:
        return number
    unit = next((s for s in spellings if not s.isascii() or s == "%"), spellings[0])
    return f"{number}{unit}" if (not unit.isascii() or unit == "%") else f"{number} {unit}"


def resolve_threshold(threshold: Threshold, dimension: str, vocabulary: Vocabulary) -> tuple[Threshold, UnitProblem | None]:
    """Return the threshold with `value` in canonical units, or the problem with its unit."""
    accepted = accepted_units(dimension, vocabulary)
    listing = ", ".join(accepted) if accepted else "no unit"
    if threshold.unit_text is None:
        if dimension in BARE_NUMBER_DIMENSIONS:
            return replace(threshold, value=threshold.number, dimension=dimension), None
        return threshold, UnitProblem(
            f"the threshold {threshold.written} has no unit, but this quantity is {dimension}",
            expected=f"a unit: {listing}", hint=f"write for example {_example(threshold.written, accepted)}")
    unit = vocabulary.unit(threshold.unit_text)
    if unit is None:
        from policykb.language.syntax_errors import LOOKALIKES

        plain = "".join(LOOKALIKES.get(ch, ch) for ch in threshold.unit_text)
        hint = f"write {plain} instead of the full-width {threshold.unit_text}" if plain != threshold.unit_text \
            and vocabulary.unit(plain) else None
        return threshold, UnitProblem(f"unknown unit '{threshold.unit_text}' in {threshold.written}",
                                      expected=f"one of {listing}", hint=hint)
    if unit.dimension != dimension:
        return threshold, UnitProblem(
            f"unit mismatch: {threshold.written} is {unit.dimension}, but this quantity is {dimension}",
            expected=f"a {dimension} unit: {listing}")
    return replace(threshold, value=threshold.number * unit.factor, dimension=dimension), None
