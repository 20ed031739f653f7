"""How numbers, operators and years read in explanations."""

from __future__ import annotations

from fractions import Fraction

from policykb.vocabulary import AREA, BOOLEAN, COUNT, MONEY, PERCENT, PERSONS

OPERATOR_WORDS = {">=": "at least", ">": "more than", "<=": "at most", "<": "less than", "=": "exactly"}
NEGATED = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "=": "!="}
YI = 100_000_000  # 1 亿元 in yuan


def holds(left: Fraction, op: str, right: Fraction) -> bool:
    return {">=": left >= right, ">": left > right, "<=": left <= right,
            "<": left < right, "=": left == right}[op]


def decimal(value: Fraction, places: int = 2) -> str:
    """`value` with up to `places` decimals, exact values shown without trailing zeros."""
    value = Fraction(value)
    if value.denominator == 1:
        return f"{value.numerator:,}"
    rounded = round(value, places)
    text = f"{float(rounded):,.{places}f}".rstrip("0").rstrip(".")
    return text if Fraction(rounded) == value else "≈" + text


def exact(value) -> str:
    """A Fraction with a terminating decimal expansion written exactly ("250.41")."""
    from decimal import Decimal, localcontext

    value = Fraction(value)
    with localcontext() as ctx:
        ctx.prec = 60
        return format(Decimal(value.numerator) / Decimal(value.denominator), "f")


def quantity(value, dimension: str) -> str:
    if isinstance(value, bool) or dimension == BOOLEAN:
        return "yes" if value else "no"
    value = Fraction(value)
    if dimension == MONEY:
        if value and abs(value) < YI / 100:  # small sums read better in 万元 or 元
            return f"{decimal(value / 10_000, 2)}万元" if abs(value) >= 10_000 else f"{decimal(value, 2)}元"
        return f"{decimal(value / YI, 4)}亿元"
    if dimension == PERCENT:
        return f"{decimal(value, 2)}%"
    if dimension == AREA:
        return f"{decimal(value, 2)} km2"
    if dimension in (COUNT, PERSONS):
        return decimal(value, 2)
    return decimal(value, 4)


def margin(value: Fraction, threshold: Fraction, dimension: str) -> str:
    """'2.0亿元 above' / 'exactly on' the threshold; percent differences read as points."""
    diff = Fraction(value) - Fraction(threshold)
    if diff == 0:
        return "exactly on the threshold"
    side = "above" if diff > 0 else "below"
    amount = abs(diff)
    if dimension == PERCENT:
        return f"{decimal(amount, 2)} {'point' if amount == 1 else 'points'} {side}"
    return f"{quantity(amount, dimension)} {side}"


def comparison(op: str, threshold: Fraction, dimension: str) -> str:
    return f"{OPERATOR_WORDS[op]} {quantity(threshold, dimension)} ({op} {quantity(threshold, dimension)})"


def years(values: list[int]) -> str:
    if not values:
        return ""
    return f"{values[0]}-{values[-1]}" if len(values) > 1 else str(values[0])
