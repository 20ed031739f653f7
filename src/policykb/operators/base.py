"""What every condition construct provides, and the contexts it works in.

A construct (one module in this package) is a dataclass subclass of `ConditionNode`
that knows how to
- `check` itself against the vocabulary (and resolve units),
- `compile` itself into Datalog rules deriving `<node>_met(C)` and `<node>_unmet(C)`;
  a node that is neither is `unknown` (Kleene's three values: missing data never
  becomes met or unmet),
- `explain` itself for one cluster: one sentence, the inputs it read, what was missing.
It registers under the grammar rule that builds it (see `registry.py`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Callable, Iterable

from policykb.datalog import schema
from policykb.datalog.program import Atom, Literal, Program, Var
from policykb.errors import Diagnostic
from policykb.language.ast import Span, Threshold
from policykb.vocabulary import Vocabulary

if TYPE_CHECKING:  # pragma: no cover
    from policykb.explain.cluster_view import ClusterView

MET, UNMET, UNKNOWN = "met", "unmet", "unknown"
C = Var("C")  # the cluster, the one variable every node predicate is about


@dataclass
class ConditionNode(ABC):
    span: Span

    def children(self) -> tuple["ConditionNode", ...]:
        return ()

    @abstractmethod
    def check(self, ctx: "CheckContext") -> None:
        raise NotImplementedError

    @abstractmethod
    def compile(self, ctx: "CompileContext", met: str, unmet: str) -> None:
        raise NotImplementedError

    @abstractmethod
    def explain(self, ctx: "ExplainContext") -> "NodeExplanation":
        raise NotImplementedError

    def repair(self, ctx: "ExplainContext"):
        """A Plan (operators.repair) of data changes that would make this node met."""
        from policykb.operators.repair import cannot

        return cannot(f"no suggestion for a {type(self).__name__} condition")

    def indicators(self) -> set[str]:
        """Indicators this condition reads (for the graph's description of a policy)."""
        found: set[str] = set()
        for child in self.children():
            found |= child.indicators()
        return found


# ------------------------------------------------------------------ checking
@dataclass
class CheckContext:
    vocabulary: Vocabulary
    diagnostics: list[Diagnostic] = field(default_factory=list)
    definitions: dict = field(default_factory=dict)  # name -> language.ast.Definition
    used_definitions: set = field(default_factory=set)
    rejected: set = field(default_factory=set)  # names whose declaration or definition was refused

    def resolve_measure(self, measure, span: Span, seen: tuple[str, ...] = ()):
        """`measure`, or the measure a `define`d name stands for (a fresh copy)."""
        import copy

        from policykb.limits import MAX_NESTING

        while True:  # a loop, not recursion: a chain of definitions may be long
            name = getattr(measure, "indicator", None)
            if type(measure).__name__ != "IndicatorValue" or name not in self.definitions:
                return measure
            if name in seen:
                self.error(f"definition '{name}' refers to itself: {' -> '.join(seen + (name,))}", span)
                return measure
            if len(seen) >= MAX_NESTING:
                self.error(f"definitions refer to definitions more than {MAX_NESTING} deep: "
                           f"{' -> '.join(seen[:3])} -> ... -> {name}", span,
                           hint="define a quantity from indicators, or from a definition that is")
                return measure
            self.used_definitions.add(name)
            measure, seen = copy.deepcopy(self.definitions[name].measure), seen + (name,)

    def error(self, message: str, span: Span, expected: str | None = None, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(message, expected=expected, hint=hint, **span.where()))

    def indicator(self, name: str, span: Span, dimensions: Iterable[str] | None = None):
        """The declared indicator `name`, or None after reporting why it cannot be used."""
        from policykb.suggest import did_you_mean

        indicator = self.vocabulary.indicators.get(name)
        if indicator is None and name in self.rejected:
            return None  # already reported where it was declared
        if indicator is None:
            self.error(f"unknown indicator '{name}'", span,
                       hint=did_you_mean(name, self.vocabulary.indicators) or
                       "declare it in the kb vocabulary (kb/vocabulary.ttl) or check the spelling")
            return None
        allowed = tuple(dimensions or ())
        if allowed and indicator.dimension not in allowed:
            self.error(f"indicator '{name}' is measured in {indicator.unit} ({indicator.dimension}), "
                       f"which cannot be used here", span, expected=" or ".join(allowed) + " indicator")
            return None
        return indicator

    def threshold(self, threshold: Threshold, dimension: str) -> Threshold:
        """`threshold` resolved to `dimension`'s canonical unit; reports a unit mismatch."""
        from policykb.language.units import resolve_threshold

        resolved, problem = resolve_threshold(threshold, dimension, self.vocabulary)
        if problem:
            self.error(problem.message, threshold.span, expected=problem.expected, hint=problem.hint)
        return resolved


# ------------------------------------------------------------------ compiling
@dataclass(frozen=True)
class NodePredicates:
    met: str
    unmet: str


class CompileContext:
    """Hands out predicate names and collects rules while one policy is compiled."""

    def __init__(self, program: Program, vocabulary: Vocabulary, as_of: int, prefix: str):
        self.program = program
        self.vocabulary = vocabulary
        self.as_of = as_of
        self.prefix = prefix
        self.node_predicates: dict[int, NodePredicates] = {}
        self._keep_alive: list[ConditionNode] = []
        self._counter = 0

    def fresh(self, what: str) -> str:
        self._counter += 1
        return f"{self.prefix}_{what}{self._counter}"

    def compile(self, node: ConditionNode) -> NodePredicates:
        """Compile `node` once; return the predicates that hold its met / unmet clusters."""
        known = self.node_predicates.get(id(node))
        if known:
            return known
        base = self.fresh("n")
        preds = NodePredicates(f"{base}_met", f"{base}_unmet")
        self.node_predicates[id(node)] = preds
        self._keep_alive.append(node)
        self.program.note(f"{type(node).__name__} at line {node.span.line}")
        node.compile(self, preds.met, preds.unmet)
        return preds

    def add(self, head: str, *body: Literal) -> None:
        self.program.add(Atom(head, (C,)), *body)

    def observation(self, indicator: str, year: int | None, value: Var) -> Atom:
        return Atom(schema.OBSERVATION, (C, indicator, year, value))

    def window(self, years: int) -> list[int]:
        """The completed statistical years before the application year, oldest first."""
        return list(range(self.as_of - years, self.as_of))


# ------------------------------------------------------------------ explaining
@dataclass(frozen=True)
class InputValue:
    indicator: str
    year: int | None
    value: Fraction | bool | int | str | None
    unit: str | None
    source: str | None
    record: str | None = None


@dataclass
class NodeExplanation:
    status: str
    text: str
    inputs: list[InputValue] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    children: list["NodeExplanation"] = field(default_factory=list)


class ExplainContext:
    """What a node needs to explain itself for one cluster: its status (from the engine),
    the cluster's facts (from the graph) and the vocabulary for labels and units."""

    def __init__(self, view: "ClusterView", vocabulary: Vocabulary, as_of: int,
                 status_of: Callable[[ConditionNode], str]):
        self.view = view
        self.vocabulary = vocabulary
        self.as_of = as_of
        self._status_of = status_of

    def status(self, node: ConditionNode) -> str:
        return self._status_of(node)

    def explain(self, node: ConditionNode) -> NodeExplanation:
        return node.explain(self)

    def window(self, years: int) -> list[int]:
        return list(range(self.as_of - years, self.as_of))

    @property
    def cluster(self) -> str:
        return self.view.cluster.id

    def label(self, indicator: str) -> str:
        found = self.vocabulary.indicators.get(indicator)
        return (found.label_en or indicator) if found else indicator
