"""An independent reference reading of shared/domain/criteria.md, in plain Python.

It shares no code with policykb on purpose: a test that compares policykb with this
module fails when either misreads criteria.md, instead of both agreeing on the same slip.
Every number is a Fraction (or int), so thresholds are decided exactly on the boundary.

A cluster is a plain dict, values in canonical units (yuan, percent, km2, counts, persons):

    {
      "id": "syn-0001",
      "county": "某县" or None,
      "values": {name: value},                 # not per year: area_km2, standards, pilot_projects,
                                               # per-title counts (single_champions ...), booleans
      "yearly": {name: {year: value}},         # total_output, sme_output, ..., cloud_adoption
      "enterprises": None or [{"leading": bool, "titles": [title, ...]}],  # None: no list
      "incidents": [{"year": 2022, "kind": "tax", "severity": "minor"}],
      "incidents_complete": bool,              # a source declared the incident record complete
      "assessments": {(policy_id, criterion_id): "met" or "unmet"},
    }

`evaluate(cluster, policy_id, year)` gives {criterion_id: status, ..., "*": overall}.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable

MET, UNMET, UNKNOWN, REVIEW = "met", "unmet", "unknown", "review"
ELIGIBLE, INELIGIBLE, UNDETERMINED = "eligible", "ineligible", "undetermined"
HARD, SOFT, QUALITATIVE = "hard", "soft", "qualitative"

OPS: dict[str, Callable[[Fraction, Fraction], bool]] = {
    ">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
}

# Title -> the indicator that publishes how many enterprises of the cluster hold it.
COUNT_INDICATOR = {
    "single_champion": "single_champions", "little_giant": "little_giants",
    "specialized_new_sme": "specialized_new_smes", "innovative_sme": "innovative_smes",
    "high_tech": "high_tech_enterprises",
}

SEVERITIES = ("minor", "serious", "major", "extraordinary")
# Compliance: the mildest severity of each kind that disqualifies (criteria.md, Compliance).
DISQUALIFYING_FROM = {
    "safety": "serious", "quality": "serious", "environment": "serious",
    "network_security": "major", "data_security": "major",
    "tax": "minor", "legal": "minor",  # any severity
    "credit": "serious",
}

YI = 100_000_000  # 1 亿元 in yuan


# ------------------------------------------------------------------ three-valued logic
def all_of(*statuses: str) -> str:
    if UNMET in statuses:
        return UNMET
    return MET if all(s == MET for s in statuses) else UNKNOWN


def any_of(*statuses: str) -> str:
    if MET in statuses:
        return MET
    return UNMET if all(s == UNMET for s in statuses) else UNKNOWN


def compare(value, op: str, threshold) -> str:
    if value is None:
        return UNKNOWN
    return MET if OPS[op](Fraction(value), Fraction(threshold)) else UNMET


# ------------------------------------------------------------------ reading a cluster
def value(cluster: dict, name: str):
    return cluster.get("values", {}).get(name)


def yearly(cluster: dict, name: str, year: int):
    return cluster.get("yearly", {}).get(name, {}).get(year)


def window(year: int) -> list[int]:
    """The last three completed statistical years before application year `year`."""
    return [year - 3, year - 2, year - 1]


def latest(year: int) -> int:
    """"(latest year)" in criteria.md: the last completed statistical year, Y-1. A value of
    an earlier year never stands in for it (a missing Y-1 value is unknown)."""
    return year - 1


# ------------------------------------------------------------------ measures
def flag(cluster: dict, name: str) -> str:
    found = value(cluster, name)
    return UNKNOWN if found is None else (MET if found else UNMET)


def each_year(year: int, per_year: Callable[[int], str]) -> str:
    """均: every year must hold; one failing year is enough to fail, even if another is missing."""
    return all_of(*(per_year(y) for y in window(year)))


def share(cluster: dict, part: str, whole: str, year: int, op: str, percent) -> str:
    p, w = yearly(cluster, part, year), yearly(cluster, whole, year)
    if p is None or w is None or Fraction(w) <= 0:
        return UNKNOWN  # a zero or missing total: no share is defined
    return compare(Fraction(p) * 100 / Fraction(w), op, percent)


def per_10k(cluster: dict, name: str, people: str, year: int, op: str, threshold) -> str:
    x, n = yearly(cluster, name, year), yearly(cluster, people, year)
    if x is None or n is None or Fraction(n) <= 0:
        return UNKNOWN
    return compare(Fraction(x) * 10_000 / Fraction(n), op, threshold)


def growth(cluster: dict, name: str, year: int, op: str, percent) -> str:
    """Compound annual growth between Y-3 and Y-1, decided as last/first vs (1+r)^2."""
    first, last = yearly(cluster, name, year - 3), yearly(cluster, name, year - 1)
    if first is None or last is None or Fraction(first) <= 0:
        return UNKNOWN
    return compare(Fraction(last) / Fraction(first), op, (1 + Fraction(percent) / 100) ** 2)


def titled(cluster: dict, titles: tuple[str, ...], at_least: int, leading_only: bool) -> str:
    """Distinct enterprises holding any of `titles`, at least `at_least` of them."""
    listed = cluster.get("enterprises")
    if listed is not None:  # the complete record: count exactly, each enterprise once
        n = sum(1 for e in listed if set(e["titles"]) & set(titles) and (e["leading"] or not leading_only))
        return MET if n >= at_least else UNMET
    # Only per-title counts (taken to be of the leading industry): max <= distinct <= sum.
    counts = [value(cluster, COUNT_INDICATOR[t]) for t in titles]
    known = [Fraction(c) for c in counts if c is not None]
    if known and max(known) >= at_least:
        return MET
    if len(known) == len(counts) and sum(known) < at_least:
        return UNMET
    return UNKNOWN


def no_incident(cluster: dict, year: int) -> str:
    first, last = window(year)[0], window(year)[-1]
    for incident in cluster.get("incidents", []):
        floor = DISQUALIFYING_FROM[incident["kind"]]
        if first <= incident["year"] <= last and \
                SEVERITIES.index(incident["severity"]) >= SEVERITIES.index(floor):
            return UNMET
    return MET if cluster.get("incidents_complete") else UNKNOWN


def county(cluster: dict, year: int) -> str:
    return MET if cluster.get("county") else UNKNOWN


def area(cluster: dict, year: int) -> str:
    return compare(value(cluster, "area_km2"), "<=", 100)


def output_each_year(threshold):
    return lambda c, y: each_year(y, lambda t: compare(yearly(c, "total_output", t), ">=", threshold))


def latest_value(name: str, op: str, threshold):
    return lambda c, y: compare(yearly(c, name, latest(y)), op, threshold)


def fixed_value(name: str, op: str, threshold):
    return lambda c, y: compare(value(c, name), op, threshold)


def flags(*names: str):
    return lambda c, y: all_of(*(flag(c, n) for n in names))


def quality_firms(leading_titles, leading_at_least, any_titles, any_at_least):
    return lambda c, y: any_of(titled(c, leading_titles, leading_at_least, leading_only=True),
                               titled(c, any_titles, any_at_least, leading_only=False))


CHAMPIONS = ("single_champion", "little_giant")
NATIONAL_SMES = ("specialized_new_sme", "innovative_sme", "high_tech")

# ------------------------------------------------------------------ the three tables
# (criterion id, kind, data condition or None for qualitative), in criteria.md order.
POLICIES: dict[str, list[tuple[str, str, Callable | None]]] = {
    "miit-2022": [
        ("county", HARD, county),
        ("area", SOFT, area),
        ("output", HARD, output_each_year(40 * YI)),
        ("sme-share", HARD, lambda c, y: share(c, "sme_output", "total_output", latest(y), ">=", 70)),
        ("leading-share", HARD, lambda c, y: share(c, "leading_output", "total_output", latest(y), ">", 70)),
        ("growth", HARD, lambda c, y: growth(c, "total_output", y, ">", 10)),
        ("quality-firms", HARD, quality_firms(CHAMPIONS, 1, NATIONAL_SMES, 10)),
        ("compliance", HARD, no_incident),
        ("innovation", QUALITATIVE, None),
        ("digital", QUALITATIVE, None),
        ("green", QUALITATIVE, None),
        ("governance", QUALITATIVE, None),
    ],
    "jiangsu-2023": [
        ("area", HARD, area),
        ("pillar", HARD, flags("pillar_industry")),
        ("frontier", QUALITATIVE, None),
        ("key-chain", HARD, flags("key_chain")),
        ("output", HARD, output_each_year(40 * YI)),
        ("sme-share", HARD, lambda c, y: each_year(y, lambda t: share(c, "sme_output", "total_output", t, ">=", 70))),
        ("leading-growth", HARD, lambda c, y: growth(c, "leading_output", y, ">=", 10)),
        ("leading-share", HARD,
         lambda c, y: each_year(y, lambda t: share(c, "leading_output", "total_output", t, ">=", 70))),
        # criteria.md: the first alternative of quality-firms counts the leading industry only.
        ("quality-firms", HARD, quality_firms(CHAMPIONS, 3, ("specialized_new_sme", "high_tech"), 15)),
        ("innovation", HARD, lambda c, y: all_of(flag(c, "innovation_mechanism"),
                                                 compare(yearly(c, "innovation_platforms", latest(y)), ">=", 5))),
        ("rd-growth", HARD, lambda c, y: growth(c, "sme_rd_expenditure", y, ">=", 10)),
        ("patent-growth", HARD, lambda c, y: growth(c, "invention_patents", y, ">=", 15)),
        ("patent-density", HARD, lambda c, y: per_10k(c, "invention_patents", "employees", latest(y), ">=", 15)),
        ("standards", HARD, fixed_value("standards", ">=", 3)),
        ("cloud", HARD, latest_value("cloud_adoption", ">=", 30)),
        ("industrial-internet", HARD, latest_value("industrial_internet_penetration", ">=", 20)),
        ("pilots", HARD, fixed_value("pilot_projects", ">=", 1)),
    ],
    "henan-2023": [
        ("governance", HARD, flags("management_body", "public_service_system", "platform_cooperation",
                                   "development_plan")),
        ("compliance", HARD, no_incident),
        ("pillar", HARD, flags("pillar_industry")),
        ("frontier", QUALITATIVE, None),
        ("area", SOFT, area),
        ("output", HARD, output_each_year(30 * YI)),
        ("sme-share", HARD, lambda c, y: share(c, "sme_output", "total_output", latest(y), ">=", 65)),
        ("leading-share", HARD, lambda c, y: share(c, "leading_output", "total_output", latest(y), ">", 65)),
        ("quality-firms", HARD, quality_firms(CHAMPIONS, 1, NATIONAL_SMES, 10)),
        ("chain", HARD, flags("chain_map", "sharing_mechanism")),
        ("rd-intensity", HARD,
         lambda c, y: share(c, "rd_expenditure", "total_output", latest(y), ">=", Fraction(3, 2))),
        ("patent-density", HARD, lambda c, y: per_10k(c, "invention_patents", "employees", latest(y), ">=", 10)),
        ("standards", HARD, fixed_value("standards", ">=", 1)),
        ("industrial-internet", HARD, latest_value("industrial_internet_penetration", ">=", 10)),
        ("green", HARD, flags("carbon_monitoring", "green_service", "efficiency_benchmark")),
    ],
}

KINDS = {policy: {cid: kind for cid, kind, _ in table} for policy, table in POLICIES.items()}


def criterion_status(kind: str, data: str | None, assessment: str | None) -> str:
    if kind == HARD:
        return data  # an assessment never overrides a hard criterion
    if assessment is not None:
        return assessment  # the reviewer's decision
    if kind == QUALITATIVE:
        return REVIEW
    return REVIEW if data == UNMET else data  # soft: failing it needs a reviewer


def overall(statuses: list[str]) -> str:
    if UNMET in statuses:
        return INELIGIBLE
    return ELIGIBLE if all(s == MET for s in statuses) else UNDETERMINED


def evaluate(cluster: dict, policy_id: str, year: int) -> dict[str, str]:
    """Status of every criterion of `policy_id` and the overall one ("*") for application year `year`."""
    assessments = cluster.get("assessments", {})
    result = {}
    for cid, kind, condition in POLICIES[policy_id]:
        data = condition(cluster, year) if condition is not None else None
        result[cid] = criterion_status(kind, data, assessments.get((policy_id, cid)))
    result["*"] = overall(list(result.values()))
    return result
