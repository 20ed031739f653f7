"""What a measure (the left side of a comparison) provides.

A `YearlyMeasure` is read one year at a time (or once, for values that are not per
year); `Comparison` applies its window. Other measures (growth, titled counts) carry their
own notion of time and compile the whole comparison themselves.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from policykb.operators.base import CheckContext, CompileContext, ExplainContext, InputValue, NodeExplanation

if TYPE_CHECKING:  # pragma: no cover
    from policykb.operators.comparison import Comparison


@dataclass(frozen=True)
class Reading:
    """A measure read for one year: its value (None if unknown), how to show it, inputs."""

    value: Fraction | None
    shown: str
    inputs: list[InputValue] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


class Measure(ABC):
    """The left side of a comparison: what every kind of measure provides."""

    dimension: str = ""

    @abstractmethod
    def indicators(self) -> tuple[str, ...]:
        raise NotImplementedError

    @abstractmethod
    def check(self, ctx: CheckContext, node: "Comparison") -> str | None:
        """Check the measure in `node`; return the dimension its threshold must have."""
        raise NotImplementedError

    @abstractmethod
    def describe(self, ctx: ExplainContext) -> str:
        raise NotImplementedError


class YearlyMeasure(Measure):
    """Read one year at a time; `Comparison` applies the window, explains and repairs."""

    @abstractmethod
    def compile_year(self, ctx: CompileContext, node: "Comparison", year: int | None, met: str, unmet: str) -> None:
        raise NotImplementedError

    @abstractmethod
    def read(self, ctx: ExplainContext, year: int | None) -> Reading:
        raise NotImplementedError

    @abstractmethod
    def repair_year(self, ctx: ExplainContext, node: "Comparison", year: int | None, reading: Reading):
        """A Plan that makes the comparison hold in `year`."""
        raise NotImplementedError


class WholeMeasure(Measure):
    """Carries its own notion of time (growth over a period, titled counts), so it compiles,
    explains and repairs the whole comparison itself."""

    @abstractmethod
    def compile(self, ctx: CompileContext, node: "Comparison", met: str, unmet: str) -> None:
        raise NotImplementedError

    @abstractmethod
    def explain(self, ctx: ExplainContext, node: "Comparison", status: str) -> NodeExplanation:
        raise NotImplementedError

    @abstractmethod
    def repair(self, ctx: ExplainContext, node: "Comparison"):
        raise NotImplementedError


def set_value(ctx: ExplainContext, indicator: str, year: int | None, value: Fraction, why: str,
              illustrative: bool = False):
    """A step that sets `indicator` (in `year`) to `value`."""
    from policykb.operators.repair import Step
    from policykb.research.scenario import SetValue

    return Step(SetValue(ctx.cluster, indicator, year, value), why, illustrative)


def at(year: int | None) -> str:
    return f" in {year}" if year is not None else ""


def check_window(ctx: CheckContext, node: "Comparison", per_year: bool, name: str) -> None:
    """A per-year quantity needs a window; a quantity that is not per year must not have one."""
    if per_year and node.window is None:
        ctx.error(f"'{name}' is recorded per year, so the condition must say which years", node.span,
                  expected="'in the latest year' or 'in each of the last N years' after the threshold")
    elif not per_year and node.window is not None:
        ctx.error(f"'{name}' is not recorded per year, so it takes no time window", node.span,
                  hint=f"remove '{node.window}'")


def observed(ctx: ExplainContext, indicator: str, year: int | None) -> tuple[Fraction | None, list[InputValue], list[str]]:
    """An indicator's value with its input record, or the name of what is missing."""
    obs = ctx.view.value(indicator, year)
    label = indicator if year is None else f"{indicator} {year}"
    if obs is None:
        return None, [], [label]
    unit = ctx.vocabulary.indicators[indicator].unit if indicator in ctx.vocabulary.indicators else None
    return obs.value, [InputValue(indicator, year, obs.value, unit, obs.provenance.source, obs.provenance.record)], []
