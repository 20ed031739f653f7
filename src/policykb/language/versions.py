"""Versions of a measure and which one is in force.

Versions are linked by `supersedes`: a version is in force from its `effective` date to
its `expires` date or, failing that, to the day before the version that supersedes it took
effect. A question for application year Y is answered by the version in force on 31
December of Y (the latest rules of that year's round). Asking for one version in a year
when another version of the same lineage is in force gets that other version, with a note;
asking in a year when none is in force is an error that lists the versions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from policykb.errors import Diagnostic, PolicyKBError
from policykb.language.ast import Policy
from policykb.suggest import did_you_mean


@dataclass(frozen=True)
class Period:
    start: dt.date | None
    end: dt.date | None

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def __str__(self) -> str:
        return f"{self.start or '…'} – {self.end or ''}".rstrip()


def check_lineage(policies: dict[str, Policy]) -> list[Diagnostic]:
    """Problems with `supersedes` links: unknown targets, two successors, cycles."""
    problems: list[Diagnostic] = []
    successor: dict[str, str] = {}
    for policy in policies.values():
        if policy.expires and policy.effective and policy.expires < policy.effective:
            problems.append(Diagnostic(f"'{policy.id}' expires ({policy.expires}) before it takes effect "
                                       f"({policy.effective})", **policy.span.where()))
        target = policy.supersedes
        if target is None:
            continue
        if target not in policies:
            problems.append(Diagnostic(f"'supersedes {target}': no policy with that id is loaded",
                                       **policy.span.where(), hint=did_you_mean(target, policies)))
        elif target in successor:
            problems.append(Diagnostic(f"'{target}' is superseded by both '{successor[target]}' and '{policy.id}'",
                                       **policy.span.where(), hint="a version has one successor"))
        else:
            successor[target] = policy.id
    for policy in policies.values():
        seen, current = [policy.id], policy.supersedes
        while current in policies and current not in seen:
            seen.append(current)
            current = policies[current].supersedes
        if current == policy.id:
            problems.append(Diagnostic("'supersedes' goes round in a circle: " + " -> ".join(seen + [current]),
                                       **policy.span.where()))
    return problems


def period(policy: Policy, policies: dict[str, Policy]) -> Period:
    end = policy.expires
    successor = next((p for p in policies.values() if p.supersedes == policy.id), None)
    if end is None and successor is not None and successor.effective is not None:
        end = successor.effective - dt.timedelta(days=1)
    return Period(policy.effective, end)


def lineage(policy_id: str, policies: dict[str, Policy]) -> list[Policy]:
    """Every version linked to `policy_id` by `supersedes`, oldest first."""
    members, frontier = {policy_id}, [policy_id]
    while frontier:
        current = frontier.pop()
        linked = {p.id for p in policies.values() if p.supersedes == current}
        if policies[current].supersedes in policies:
            linked.add(policies[current].supersedes)
        frontier += sorted(linked - members)
        members |= linked
    return sorted((policies[m] for m in members), key=lambda p: (p.effective or dt.date.min, p.id))


def select(policy_id: str, as_of: int, policies: dict[str, Policy]) -> tuple[Policy, str | None]:
    """The version to answer with for application year `as_of`, and a note if it is not
    the one asked for."""
    day = dt.date(as_of, 12, 31)
    asked = policies[policy_id]
    if period(asked, policies).covers(day):
        return asked, None
    versions = lineage(policy_id, policies)
    for version in versions:
        if version.id != policy_id and period(version, policies).covers(day):
            return version, (f"{policy_id} is not in force in {as_of}; answering under {version.id}, the version "
                             f"in force on {day}")
    listing = "; ".join(f"{v.id} ({period(v, policies)})" for v in versions)
    raise PolicyKBError.single(f"no version of {policy_id} is in force in application year {as_of}",
                               expected=f"a year covered by: {listing}",
                               hint="the version in force on 31 December of the application year is used")
