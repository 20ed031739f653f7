"""What-if changes: data as if a value were so, a measure as if a threshold were changed.

Changes never touch the knowledge graph: `KnowledgeBase.with_changes` answers over the
graph's facts with the changes laid over them, and over copies of the changed policies."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Iterable, Union

from policykb.errors import PolicyKBError
from policykb.graph.records import (AssessmentRecord, ClusterFacts, CompleteRecord, EnterpriseRecord, Observation,
                                    Provenance)
from policykb.language.ast import Policy, Span, Threshold
from policykb.language.units import resolve_threshold
from policykb.suggest import did_you_mean
from policykb.vocabulary import BOOLEAN, Vocabulary

WHAT_IF = Provenance("what-if (not in the knowledge base)", None)


@dataclass(frozen=True)
class SetValue:
    cluster: str
    indicator: str
    year: int | None
    value: Fraction | bool


@dataclass(frozen=True)
class AddAssessment:
    cluster: str
    policy: str
    criterion: str
    result: str = "met"


@dataclass(frozen=True)
class CompleteIncidentRecord:
    cluster: str


@dataclass(frozen=True)
class AddEnterprises:
    cluster: str
    title: str
    count: int
    leading: bool


@dataclass(frozen=True)
class SetAttribute:
    cluster: str
    name: str
    value: str


@dataclass(frozen=True)
class SetThreshold:
    policy: str
    criterion: str
    threshold: Threshold


DataChange = Union[SetValue, AddAssessment, CompleteIncidentRecord, AddEnterprises, SetAttribute]
Change = Union[DataChange, SetThreshold]

SET_PATTERN = re.compile(r"^(?P<cluster>[^=\[\]]+)\.(?P<indicator>[A-Za-z_][A-Za-z0-9_]*)"
                         r"(?:\[(?P<year>\d{4})\])?=(?P<value>.+)$")
NUMBER_UNIT = re.compile(r"^\s*(?P<number>-?[0-9][0-9_]*(?:\.[0-9_]+)?)\s*(?P<unit>\S.*?)?\s*$")


def parse_quantity(text: str, where: str) -> Threshold:
    """A number with an optional unit as written on the command line ("45亿元", "70%")."""
    match = NUMBER_UNIT.match(text)
    if not match:
        raise PolicyKBError.single(f"'{text}' is not a number with an optional unit", file=where,
                                   expected="for example 45亿元, 70%, 12.5, 100 km2")
    try:
        number = Fraction(match["number"].replace("_", ""))
    except ValueError:  # pragma: no cover - the pattern admits only numbers
        raise PolicyKBError.single(f"'{text}' is not a number", file=where) from None
    return Threshold(text, number, match["unit"], Span(where, 1, 1))


def parse_set(text: str, vocabulary: Vocabulary) -> SetValue:
    """`CLUSTER.INDICATOR[YEAR]=VALUE`, the value in any unit of the indicator's kind."""
    where = f"--set {text}"
    match = SET_PATTERN.match(text.strip())
    if not match:
        raise PolicyKBError.single("a what-if value is written CLUSTER.INDICATOR[YEAR]=VALUE", file=where,
                                   expected="for example js-xinwu-mems-sensors.total_output[2023]=260亿元")
    indicator = vocabulary.indicators.get(match["indicator"])
    if indicator is None:
        raise PolicyKBError.single(f"unknown indicator '{match['indicator']}'", file=where,
                                   hint=did_you_mean(match["indicator"], vocabulary.indicators))
    year = int(match["year"]) if match["year"] else None
    if indicator.per_year != (year is not None):
        raise PolicyKBError.single(
            f"'{indicator.name}' is {'' if indicator.per_year else 'not '}recorded per year", file=where,
            expected=f"{indicator.name}[YEAR]=VALUE" if indicator.per_year else f"{indicator.name}=VALUE")
    raw = match["value"].strip()
    if indicator.dimension == BOOLEAN:
        if raw not in ("true", "false"):
            raise PolicyKBError.single(f"'{indicator.name}' is yes/no", file=where, expected="true or false")
        return SetValue(match["cluster"], indicator.name, year, raw == "true")
    threshold, problem = resolve_threshold(parse_quantity(raw, where), indicator.dimension, vocabulary)
    if problem:
        raise PolicyKBError.single(problem.message, file=where, expected=problem.expected, hint=problem.hint)
    return SetValue(match["cluster"], indicator.name, year, threshold.value)


def parse_set_threshold(text: str) -> SetThreshold:
    """`POLICY.CRITERION=VALUE`; the unit is checked against the criterion's comparison."""
    where = f"--set-threshold {text}"
    target, _, value = text.partition("=")
    policy, _, criterion = target.strip().partition(".")
    if not (policy and criterion and value.strip()):
        raise PolicyKBError.single("a changed threshold is written POLICY.CRITERION=VALUE", file=where,
                                   expected="for example henan-2023.sme-share=60%")
    return SetThreshold(policy, criterion, parse_quantity(value.strip(), where))


def describe(change: Change) -> str:
    """One line for a verdict's notes: what the answer assumes."""
    from policykb.explain.format import exact

    if isinstance(change, SetValue):
        year = f"[{change.year}]" if change.year is not None else ""
        value = str(change.value).lower() if isinstance(change.value, bool) else exact(change.value)
        return f"what-if: {change.cluster}.{change.indicator}{year} = {value} (canonical unit; not in the kb)"
    if isinstance(change, SetThreshold):
        return f"what-if: {change.policy}.{change.criterion} threshold = {change.threshold.written}"
    return f"what-if: {change}"


def concerns(change: Change, cluster: str, policy: str) -> bool:
    return getattr(change, "cluster", cluster) == cluster and getattr(change, "policy", policy) == policy


# ------------------------------------------------------------------ applying changes
def apply_to_facts(facts: ClusterFacts, changes: Iterable[Change]) -> ClusterFacts:
    changes = [c for c in changes if not isinstance(c, SetThreshold)]
    if not changes:
        return facts
    observations = {(o.cluster, o.indicator, o.year): o for o in facts.observations}
    assessments = {(a.cluster, a.policy, a.criterion): a for a in facts.assessments}
    complete, enterprises, clusters = list(facts.complete_records), list(facts.enterprises), {c.id: c for c in facts.clusters}
    for change in changes:
        if change.cluster not in clusters:
            continue
        if isinstance(change, SetValue):
            observations[(change.cluster, change.indicator, change.year)] = Observation(
                change.cluster, change.indicator, change.year, change.value, WHAT_IF)
        elif isinstance(change, AddAssessment):
            assessments[(change.cluster, change.policy, change.criterion)] = AssessmentRecord(
                change.cluster, change.policy, change.criterion, change.result, "what-if", None, WHAT_IF)
        elif isinstance(change, CompleteIncidentRecord):
            complete.append(CompleteRecord(change.cluster, "incidents", WHAT_IF))
        elif isinstance(change, AddEnterprises):
            enterprises += [EnterpriseRecord(f"{change.cluster}/what-if-{change.title}-{i}", None, change.cluster,
                                             change.leading, frozenset({change.title}), WHAT_IF)
                            for i in range(1, change.count + 1)]
            complete.append(CompleteRecord(change.cluster, "enterprises", WHAT_IF))
        else:  # SetAttribute, the last kind of DataChange
            clusters[change.cluster] = replace(clusters[change.cluster], **{change.name: change.value})
    return ClusterFacts(tuple(clusters.values()), tuple(observations.values()), tuple(enterprises),
                        facts.incidents, tuple(dict.fromkeys(complete)), tuple(assessments.values()))


def apply_to_policies(policies: dict[str, Policy], changes: Iterable[Change],
                      vocabulary: Vocabulary) -> dict[str, Policy]:
    from policykb.operators.comparison import comparisons

    changed = dict(policies)
    for change in changes:
        if not isinstance(change, SetThreshold):
            continue
        where = f"--set-threshold {change.policy}.{change.criterion}"
        if change.policy not in changed:
            raise PolicyKBError.single(f"no policy with id '{change.policy}'", file=where,
                                       hint=did_you_mean(change.policy, changed))
        policy = changed[change.policy] = copy.deepcopy(changed[change.policy])
        criterion = policy.criterion(change.criterion)
        if criterion is None:
            raise PolicyKBError.single(f"'{change.policy}' has no criterion '{change.criterion}'", file=where,
                                       hint=did_you_mean(change.criterion, [c.id for c in policy.criteria]))
        found = list(comparisons(criterion.condition)) if criterion.condition is not None else []
        if len(found) != 1:
            raise PolicyKBError.single(f"criterion '{change.criterion}' has {len(found)} comparisons; a threshold "
                                       f"can be changed only where there is exactly one", file=where,
                                       hint="write a policy that overrides the criterion instead")
        resolved, problem = resolve_threshold(change.threshold, found[0].measure.dimension, vocabulary)
        if problem:
            raise PolicyKBError.single(problem.message, file=where, expected=problem.expected, hint=problem.hint)
        found[0].threshold = resolved
    return changed
