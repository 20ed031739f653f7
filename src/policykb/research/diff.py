"""Two measures side by side: how their criteria differ, and which clusters that moves.

Criteria are paired by id, then (for those left) by what they read: the same indicators and
the same kind of measure (share, growth, titled count ...). A pair is
- identical: same kind, same condition;
- other numbers: the same condition with other thresholds only;
- different: another operator (>= vs >), window (latest year vs each of the last 3 years),
  kind (hard vs soft), measure or condition shape -- thresholds may differ too;
and a criterion left unpaired is only in A or only in B.

Where it can be told, each difference says which side is looser (admits more clusters):
for a minimum (>=, >) the lower threshold, and >= over > at the same number; for a maximum
the reverse; fewer years that must hold (the latest year lies in every window); soft over
hard. Growth windows, changed measures and qualitative criteria have no direction.

With data, the clusters whose overall verdicts differ are listed with the criteria that
cause it: on the side with the stricter verdict (ineligible < undetermined < eligible), the
criteria that make its verdict (unmet ones for ineligible; unknown or review ones for
undetermined) whose counterpart on the other side does not share that status. A criterion
absent from one measure counts there as met: it cannot hold that verdict back."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from policykb.errors import PolicyKBError
from policykb.explain import format as fmt
from policykb.language.ast import HARD, SOFT, Criterion, Policy
from policykb.operators.comparison import Comparison
from policykb.operators.growth import Growth
from policykb.operators.indicator_value import IndicatorValue
from policykb.operators.per_capita import PerCapita
from policykb.operators.share import Share
from policykb.operators.titled_count import TitledCount

IDENTICAL, OTHER_NUMBERS, DIFFERENT, ONLY_A, ONLY_B = (
    "identical", "other numbers", "different", "only in A", "only in B")
CATEGORIES = (IDENTICAL, OTHER_NUMBERS, DIFFERENT, ONLY_A, ONLY_B)
MINIMUM, MAXIMUM = (">=", ">"), ("<=", "<")
VERDICT_ORDER = {"ineligible": 0, "undetermined": 1, "eligible": 2}
DECIDING = {"ineligible": {"unmet"}, "undetermined": {"unknown", "review"}}
ABSENT = "met"  # how a criterion missing from one measure counts there


@dataclass(frozen=True)
class Difference:
    aspect: str  # threshold, operator, window, kind, measure, condition
    a: str
    b: str
    looser: str | None = None  # "A", "B", or None when neither is simply looser

    def to_json(self) -> dict:
        return {"aspect": self.aspect, "a": self.a, "b": self.b, "looser": self.looser}


@dataclass(frozen=True)
class CriterionPair:
    a: Criterion | None
    b: Criterion | None
    paired_by: str | None  # "id", "indicators", None for an unpaired criterion
    category: str
    differences: tuple[Difference, ...] = ()
    looser: str | None = None  # "A", "B", "mixed" or None

    @property
    def label(self) -> str:
        ids = [c.id for c in (self.a, self.b) if c is not None]
        return ids[0] if len(set(ids)) == 1 else " ~ ".join(ids)

    def to_json(self) -> dict:
        side = lambda c: None if c is None else {"id": c.id, "kind": c.kind, "expression": c.expression}  # noqa: E731
        return {"a": side(self.a), "b": side(self.b), "paired_by": self.paired_by, "class": self.category,
                "looser": self.looser, "differences": [d.to_json() for d in self.differences]}


@dataclass(frozen=True)
class Cause:
    a: str | None  # criterion id in A (None: only in B)
    b: str | None
    a_status: str | None
    b_status: str | None

    def to_json(self) -> dict:
        return {"a": self.a, "b": self.b, "a_status": self.a_status, "b_status": self.b_status}


@dataclass(frozen=True)
class ClusterDifference:
    cluster: str
    a_status: str
    b_status: str
    causes: tuple[Cause, ...]

    def to_json(self) -> dict:
        return {"cluster": self.cluster, "a": self.a_status, "b": self.b_status,
                "causes": [c.to_json() for c in self.causes]}


@dataclass
class PolicyDiff:
    a: Policy
    b: Policy
    as_of: int
    pairs: list[CriterionPair]
    clusters: int = 0  # clusters compared
    differing: list[ClusterDifference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, category: str) -> int:
        return sum(p.category == category for p in self.pairs)

    def to_json(self) -> dict:
        side = lambda p: {"id": p.id, "title": p.titles.get("zh") or p.title, "document": p.document}  # noqa: E731
        return {"a": side(self.a), "b": side(self.b), "as_of": self.as_of,
                "summary": {c: self.count(c) for c in CATEGORIES}, "criteria": [p.to_json() for p in self.pairs],
                "verdicts": {"clusters": self.clusters, "differ": [d.to_json() for d in self.differing]},
                "notes": list(self.notes)}


# ------------------------------------------------------------------ the diff
def diff(kb, a_id: str, b_id: str, as_of: int | None = None) -> PolicyDiff:
    """The criteria of measures `a_id` and `b_id` side by side, and the clusters of `kb`
    whose verdicts in application year `as_of` (default: the current year) differ."""
    a, b = kb.policy(a_id), kb.policy(b_id)
    as_of = kb._year(as_of)  # an out-of-range year is bad input, not a measure out of force
    result = PolicyDiff(a, b, as_of, pair_criteria(a, b))
    try:
        (version_a, note_a), (version_b, note_b) = kb.version(a_id, as_of), kb.version(b_id, as_of)
    except PolicyKBError as error:  # the criteria still compare; only the verdicts cannot
        result.notes.append(f"verdicts not compared: {error.diagnostics[0].message}")
        return result
    result.notes += [n for n in (note_a, note_b) if n]
    # Verdicts come from the versions in force; pair their criteria for the causes.
    pairs = result.pairs if (version_a is a and version_b is b) else pair_criteria(version_a, version_b)
    statuses_a, statuses_b = kb.statuses(a_id, as_of), kb.statuses(b_id, as_of)
    result.clusters = len(statuses_a)
    for cluster in sorted(statuses_a):
        found = cluster_difference(cluster, statuses_a[cluster], statuses_b[cluster], pairs)
        if found is not None:
            result.differing.append(found)
    return result


def cluster_difference(cluster: str, a: dict[str, str], b: dict[str, str],
                       pairs: list[CriterionPair]) -> ClusterDifference | None:
    """How `cluster`'s verdicts differ (statuses as from KnowledgeBase.statuses), or None."""
    if a["*"] == b["*"]:
        return None
    rows = [Cause(p.a.id if p.a else None, p.b.id if p.b else None,
                  a.get(p.a.id) if p.a else None, b.get(p.b.id) if p.b else None) for p in pairs]
    a_stricter = VERDICT_ORDER[a["*"]] < VERDICT_ORDER[b["*"]]
    deciding = DECIDING[a["*"] if a_stricter else b["*"]]

    def causes(row: Cause) -> bool:
        strict, other = (row.a_status, row.b_status) if a_stricter else (row.b_status, row.a_status)
        return (strict or ABSENT) in deciding and (other or ABSENT) not in deciding

    return ClusterDifference(cluster, a["*"], b["*"], tuple(r for r in rows if causes(r)))


# ------------------------------------------------------------------ pairing
def pair_criteria(a: Policy, b: Policy) -> list[CriterionPair]:
    """Pairs in A's order, then the criteria only in B."""
    b_by_id = {c.id: c for c in b.criteria}
    matched: dict[str, tuple[Criterion, str]] = {}
    for criterion in a.criteria:
        if criterion.id in b_by_id:
            matched[criterion.id] = (b_by_id[criterion.id], "id")
    taken = {m.id for m, _ in matched.values()}
    for criterion in a.criteria:
        if criterion.id in matched or criterion.condition is None:
            continue
        key = signature(criterion)
        partner = next((c for c in b.criteria if c.id not in taken and c.condition is not None
                        and signature(c) == key), None)
        if partner is not None:
            matched[criterion.id] = (partner, "indicators")
            taken.add(partner.id)
    pairs = [compare(c, *matched[c.id]) if c.id in matched else CriterionPair(c, None, None, ONLY_A)
             for c in a.criteria]
    return pairs + [CriterionPair(None, c, None, ONLY_B) for c in b.criteria if c.id not in taken]


def signature(criterion: Criterion) -> tuple[frozenset, frozenset]:
    """What a criterion reads: its indicators and the kinds of its measures and conditions."""
    kinds, stack = set(), [criterion.condition]
    while stack:
        node = stack.pop()
        if isinstance(node, Comparison):
            kinds.add(type(node.measure).__name__)
        elif not node.children():
            kinds.add(type(node).__name__)
        stack += node.children()
    return frozenset(criterion.condition.indicators()), frozenset(kinds)


# ------------------------------------------------------------------ comparing one pair
def compare(a: Criterion, b: Criterion, paired_by: str) -> CriterionPair:
    differences: list[Difference] = []
    directions: list[str | None] = []
    if a.kind != b.kind:
        looser = _kind_looser(a.kind, b.kind)
        differences.append(Difference("kind", a.kind, b.kind, looser))
        directions.append(looser)
    if (a.condition is None) != (b.condition is None):
        differences.append(Difference("condition", a.expression or "(qualitative: no condition)",
                                      b.expression or "(qualitative: no condition)"))
        directions.append(None)
    elif a.condition is not None:
        kept = len(differences), len(directions)
        if not _walk(a.condition, b.condition, differences, directions):
            # Shapes differ: what the walk found before it stopped means nothing on its own.
            del differences[kept[0]:], directions[kept[1]:]
            differences.append(Difference("condition", a.expression or "", b.expression or ""))
            directions.append(None)
    if not differences:
        category = IDENTICAL
    elif all(d.aspect == "threshold" for d in differences):
        category = OTHER_NUMBERS
    else:
        category = DIFFERENT
    return CriterionPair(a, b, paired_by, category, tuple(differences), _overall(directions))


def _walk(a, b, out: list[Difference], directions: list[str | None]) -> bool:
    """Compare two condition trees node by node; False when their shapes differ."""
    if type(a) is not type(b):
        return False
    if isinstance(a, Comparison):
        return _compare_comparisons(a, b, out, directions)
    if _node_key(a) != _node_key(b) or len(a.children()) != len(b.children()):
        return False
    return all(_walk(x, y, out, directions) for x, y in zip(a.children(), b.children()))


def _compare_comparisons(a: Comparison, b: Comparison, out: list[Difference], directions) -> bool:
    if type(a.measure) is not type(b.measure):
        return False
    measure = _measure_looser(a.measure, b.measure)  # "same", "A", "B" or None (incomparable)
    if measure != "same":
        out.append(Difference("measure", measure_text(a.measure), measure_text(b.measure), measure))
    comparable = measure is not None  # directions hold only when one measure contains the other
    dimension = a.measure.dimension or b.measure.dimension
    ta, tb = a.threshold_value, b.threshold_value
    if ta != tb:
        out.append(Difference("threshold", fmt.quantity(ta, dimension), fmt.quantity(tb, dimension),
                              _bound_looser(a.op, ta, a.op, tb) if comparable else None))
    if a.op != b.op:
        out.append(Difference("operator", a.op, b.op, _bound_looser(a.op, ta, b.op, ta) if comparable else None))
    if ta != tb or a.op != b.op or measure != "same":
        bound = _bound_looser(a.op, ta, b.op, tb) if comparable else None
        directions.append(_agree(bound, None if measure == "same" else measure))
    # Windows compare by the years they cover: `in each of the last 1 years` is `in the latest year`.
    if _window_years(a) != _window_years(b):
        looser = _window_looser(a, b) if measure == "same" else None
        out.append(Difference("window", window_text(a), window_text(b), looser))
        directions.append(looser)
    return True


def _measure_looser(a, b) -> str | None:
    """"same" for equal measures; for counts of titled enterprises, the side counting more
    titles counts at least as many enterprises (so it is looser under a minimum)."""
    if _measure_key(a) == _measure_key(b):
        return "same"
    if isinstance(a, TitledCount) and isinstance(b, TitledCount) and a.leading_only == b.leading_only:
        if set(a.titles) < set(b.titles):
            return "B"
        if set(b.titles) < set(a.titles):
            return "A"
    return None


def _agree(bound: str | None, measure: str | None) -> str | None:
    """One comparison's direction from its bound and its measure (a count counting more
    titles is looser: counts of titled enterprises are always minima, the checker refuses
    any other operator); two directions that disagree tell nothing."""
    if bound is None or measure is None:
        return bound or measure
    return bound if bound == measure else None


def _node_key(node) -> tuple:
    """A non-comparison node's own settings (not its position, not its children)."""
    from policykb.operators.base import ConditionNode

    def child(value) -> bool:
        return isinstance(value, ConditionNode) or (
            isinstance(value, tuple) and value and all(isinstance(v, ConditionNode) for v in value))

    return tuple((f.name, getattr(node, f.name)) for f in fields(node)
                 if f.name != "span" and not child(getattr(node, f.name)))


def _measure_key(measure) -> tuple:
    # dimension and count_indicators are derived by the checker; a growth window is
    # compared as a window.
    derived = {"dimension", "count_indicators"} | ({"years"} if isinstance(measure, Growth) else set())
    return tuple((f.name, getattr(measure, f.name)) for f in fields(measure) if f.name not in derived)


# ------------------------------------------------------------------ directions
def _bound_looser(op_a: str, ta, op_b: str, tb) -> str | None:
    """Which of `x op_a ta` and `x op_b tb` admits more values, if one contains the other."""
    for bounds, lower_is_looser in ((MINIMUM, True), (MAXIMUM, False)):
        if op_a in bounds and op_b in bounds:
            if ta != tb:
                return ("B" if tb < ta else "A") if lower_is_looser else ("B" if tb > ta else "A")
            if op_a != op_b:
                return "B" if op_b in (">=", "<=") else "A"
            return None
    return None


def _window_years(comparison: Comparison) -> int | None:
    """The years a comparison must hold in (a growth rate: the years it spans); None for a
    value that is not per year."""
    if isinstance(comparison.measure, Growth):
        return comparison.measure.years
    return comparison.window.years if comparison.window else None


def _window_looser(a: Comparison, b: Comparison) -> str | None:
    """For two windows of one measure that cover different years: fewer years that must hold
    is looser (the latest year lies in every window). One measure is per year on both sides
    or on neither (the checker), so both windows are there."""
    if isinstance(a.measure, Growth):
        return None  # a longer growth window is neither looser nor stricter
    return "A" if _window_years(a) < _window_years(b) else "B"


def _kind_looser(a: str, b: str) -> str | None:
    if {a, b} == {HARD, SOFT}:
        return "A" if a == SOFT else "B"
    return None  # qualitative is decided by an assessment: not comparable


def _overall(directions: list[str | None]) -> str | None:
    if not directions:
        return None
    found = set(directions)
    if found in ({"A"}, {"B"}):
        return found.pop()
    return "mixed" if found == {"A", "B"} else None


# ------------------------------------------------------------------ text
def window_text(comparison: Comparison) -> str:
    if isinstance(comparison.measure, Growth):
        return f"over the last {comparison.measure.years} years"
    return str(comparison.window) if comparison.window else "no window"


def measure_text(measure) -> str:
    """A measure in the wording of the policy language."""
    if isinstance(measure, IndicatorValue):
        return measure.indicator
    if isinstance(measure, Share):
        return f"share of {measure.part} in {measure.whole}"
    if isinstance(measure, Growth):
        return f"average annual growth of {measure.indicator}"
    if isinstance(measure, PerCapita):
        return f"{measure.indicator} per {measure.per} {measure.population}"
    # The one measure left (operators/registry.py): a count of titled enterprises.
    where = " in the leading industry" if measure.leading_only else ""
    return f"number of enterprises{where} titled {', '.join(measure.titles)}"
