"""A plain-Python reference evaluator of the shipped measures (the yardstick of bench/run.py).

Written from shared/domain/criteria.md and data-dictionary.md alone: it imports nothing from
policykb, reads the CSV layout with the csv module and decides every criterion of miit-2022,
jiangsu-2023 and henan-2023 with exact numbers (int / Fraction, never float). It is what a
programmer would write by hand for these three measures, with no Datalog, no RDF and no
explanations: the floor a general engine is measured against.

    python bench/reference.py FOLDER --as-of 2023 [--policy henan-2023]

Readings (criteria.md): "the last three years" of application year Y are Y-3, Y-2, Y-1 and
"the latest year" is Y-1; a missing value is unknown, never zero; a zero or missing
denominator (total output, employees) or a first growth year <= 0 makes the ratio unknown;
growth r over three years is decided as last >= first * (1 + r) ** 2; 以上 is >=, 高于 is >;
published per-title counts bound a combined count between the largest count and their sum;
an enterprise list is the cluster's complete record of titled enterprises; incidents.csv is
the complete incident record of the folder's clusters; an assessment decides a soft or
qualitative criterion; a soft criterion the data fails needs review; Kleene and/or.
"""

from __future__ import annotations

import csv
import sys
from fractions import Fraction
from pathlib import Path
from typing import Callable

MET, UNMET, UNKNOWN, REVIEW = "met", "unmet", "unknown", "review"
ELIGIBLE, INELIGIBLE, UNDETERMINED = "eligible", "ineligible", "undetermined"
HARD, SOFT, QUALITATIVE = "hard", "soft", "qualitative"
VERDICT_KEY = "*"  # the overall status, beside the criteria (as kb.statuses gives it)

# ------------------------------------------------------------------ data dictionary
# Unit spellings -> factor to the indicator's canonical unit (CNY, percent, km2, count, persons).
UNIT_FACTORS: dict[str, int] = {
    "": 1,
    "CNY": 1, "元": 1, "yuan": 1,
    "10k CNY": 10_000, "万元": 10_000,
    "100M CNY": 100_000_000, "亿元": 100_000_000,
    "percent": 1, "%": 1, "ratio": 100,
    "km2": 1, "km²": 1, "平方公里": 1,
    "count": 1, "个": 1, "家": 1, "项": 1,
    "persons": 1, "人": 1,
    "boolean": 1,
}
BOOLEAN_INDICATORS = frozenset((
    "pillar_industry", "key_chain", "innovation_mechanism", "management_body", "public_service_system",
    "platform_cooperation", "development_plan", "chain_map", "sharing_mechanism", "carbon_monitoring",
    "green_service", "efficiency_benchmark"))
# Published per-title counts (of the leading industry) and the title each one counts.
TITLE_COUNT = {"single_champion": "single_champions", "little_giant": "little_giants",
               "specialized_new_sme": "specialized_new_smes", "innovative_sme": "innovative_smes",
               "high_tech": "high_tech_enterprises"}
SEVERITY_RANK = {"minor": 0, "serious": 1, "major": 2, "extraordinary": 3}
# Compliance (national wording): the least severity of each kind that disqualifies.
DISQUALIFYING = {"safety": 1, "quality": 1, "environment": 1, "network_security": 2, "data_security": 2,
                 "tax": 0, "legal": 0, "credit": 1}


def parse_number(text: str) -> int | Fraction:
    """Exact value of a decimal text ('44', '209.4683', '-1.5', '2e3')."""
    if text.isdigit():
        return int(text)
    head, dot, tail = text.partition(".")
    if dot and tail.isdigit() and (head.isdigit() or (head[:1] == "-" and head[1:].isdigit())):
        scale = 10 ** len(tail)
        whole = int(head) if head not in ("", "-") else 0
        negative = head.startswith("-")
        return Fraction((abs(whole) * scale + int(tail)) * (-1 if negative else 1), scale)
    return Fraction(text)


# ------------------------------------------------------------------ the CSV folder
class Folder:
    """The data of one CSV folder, as plain dicts."""

    def __init__(self) -> None:
        self.clusters: dict[str, str] = {}                  # id -> county ("" when not recorded)
        self.obs: dict[str, dict[tuple[str, int | None], object]] = {}  # id -> {(indicator, year): value}
        self.enterprises: dict[str, list[tuple[bool, frozenset]]] = {}  # id -> [(in leading, titles)]
        self.incidents: dict[str, list[tuple[int, str, int]]] = {}      # id -> [(year, kind, rank)]
        self.incidents_complete: set[str] = set()
        self.assessments: dict[tuple[str, str, str], str] = {}          # (id, policy, criterion) -> result
        self.rows = 0

    @classmethod
    def read(cls, folder: Path | str) -> "Folder":
        folder = Path(folder)
        data = cls()
        obs = data.obs
        path = folder / "clusters.csv"
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    cid = row["id"]
                    data.clusters[cid] = row["county"]
                    values = obs.setdefault(cid, {})
                    if row["area_km2"]:
                        values[("area_km2", None)] = parse_number(row["area_km2"])
                    data.rows += 1
        path = folder / "observations.csv"
        if path.is_file():
            factors, booleans = UNIT_FACTORS, BOOLEAN_INDICATORS
            with path.open(encoding="utf-8", newline="") as handle:
                rows = csv.reader(handle)
                header = next(rows)
                ci, ii, yi, vi, ui = (header.index(n) for n in ("cluster", "indicator", "year", "value", "unit"))
                for row in rows:
                    ind, text = row[ii], row[vi]
                    if ind in booleans:
                        value: object = text.lower() == "true"
                    else:
                        value = parse_number(text)
                        factor = factors[row[ui]]
                        if factor != 1:
                            value = value * factor
                        if type(value) is Fraction and value.denominator == 1:
                            value = value.numerator  # ints compare faster than Fractions
                    year = row[yi]
                    cid = row[ci]
                    values = obs.get(cid)
                    if values is None:
                        values = obs[cid] = {}
                    values[(ind, int(year) if year else None)] = value
                    data.rows += 1
        path = folder / "enterprises.csv"
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    titles = frozenset(t.strip() for t in row["titles"].split(";") if t.strip())
                    data.enterprises.setdefault(row["cluster"], []).append(
                        (row["in_leading_industry"].lower() == "true", titles))
                    data.rows += 1
        path = folder / "incidents.csv"
        if path.is_file():
            data.incidents_complete = set(data.clusters)  # the folder's complete incident record
            with path.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    data.incidents.setdefault(row["cluster"], []).append(
                        (int(row["year"]), row["kind"], SEVERITY_RANK[row["severity"]]))
                    data.rows += 1
        path = folder / "assessments.csv"
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    data.assessments[(row["cluster"], row["policy"], row["criterion"])] = row["result"].lower()
                    data.rows += 1
        return data


# ------------------------------------------------------------------ three-valued logic
def all_of(statuses) -> str:
    result = MET
    for s in statuses:
        if s == UNMET:
            return UNMET
        if s != MET:
            result = UNKNOWN
    return result


def any_of(statuses) -> str:
    result = UNMET
    for s in statuses:
        if s == MET:
            return MET
        if s != UNMET:
            result = UNKNOWN
    return result


def _cmp(op: str) -> Callable[[object, object], bool]:
    return {">=": lambda a, b: a >= b, ">": lambda a, b: a > b,
            "<=": lambda a, b: a <= b, "<": lambda a, b: a < b}[op]


# ------------------------------------------------------------------ conditions
# A condition is a function (values, ctx) -> met / unmet / unknown, where `values` is the
# cluster's {(indicator, year): value} and ctx = (folder, cluster id, window years).
Condition = Callable[[dict, tuple], str]


def value_at(indicator: str, op: str, threshold, when: str = "static") -> Condition:
    """indicator <op> threshold; when = 'static' (not per year), 'latest' or 'each'."""
    test = _cmp(op)

    def one(v) -> str:
        if v is None:
            return UNKNOWN
        return MET if test(v, threshold) else UNMET

    if when == "static":
        return lambda values, ctx: one(values.get((indicator, None)))
    if when == "latest":
        return lambda values, ctx: one(values.get((indicator, ctx[2][-1])))
    return lambda values, ctx: all_of(one(values.get((indicator, y))) for y in ctx[2])


def share(part: str, total: str, op: str, percent, when: str = "latest") -> Condition:
    """part / total * 100 <op> percent, cross-multiplied; zero or missing total: unknown."""
    test = _cmp(op)

    def one(values, year) -> str:
        t, p = values.get((total, year)), values.get((part, year))
        if t is None or p is None or t == 0:
            return UNKNOWN
        return MET if test(p * 100, percent * t) else UNMET

    if when == "latest":
        return lambda values, ctx: one(values, ctx[2][-1])
    return lambda values, ctx: all_of(one(values, y) for y in ctx[2])


def growth(indicator: str, op: str, percent) -> Condition:
    """Average annual growth over the window (first to last year, two steps), exactly."""
    test = _cmp(op)
    factor = (1 + Fraction(percent) / 100) ** 2

    def check(values, ctx) -> str:
        years = ctx[2]
        first, last = values.get((indicator, years[0])), values.get((indicator, years[-1]))
        if first is None or last is None or first <= 0:
            return UNKNOWN
        return MET if test(last, first * factor) else UNMET

    return check


def per_10k(indicator: str, people: str, op: str, threshold) -> Condition:
    """indicator / people * 10,000 <op> threshold in the latest year; zero people: unknown."""
    test = _cmp(op)

    def check(values, ctx) -> str:
        year = ctx[2][-1]
        v, n = values.get((indicator, year)), values.get((people, year))
        if v is None or n is None or n == 0:
            return UNKNOWN
        return MET if test(v * 10_000, threshold * n) else UNMET

    return check


def flag(indicator: str) -> Condition:
    def check(values, ctx) -> str:
        v = values.get((indicator, None))
        return UNKNOWN if v is None else (MET if v is True else UNMET)

    return check


def both(*conditions: Condition) -> Condition:
    return lambda values, ctx: all_of(c(values, ctx) for c in conditions)


def either(*conditions: Condition) -> Condition:
    return lambda values, ctx: any_of(c(values, ctx) for c in conditions)


def county_recorded(values, ctx) -> str:
    return MET if ctx[0].clusters.get(ctx[1]) else UNKNOWN


def titled(titles: tuple[str, ...], at_least: int, leading_only: bool = False) -> Condition:
    """At least `at_least` distinct enterprises holding any of `titles` (in the leading
    industry only, if so): exact from an enterprise list, else bounded by published counts."""
    wanted = frozenset(titles)
    counts = [TITLE_COUNT[t] for t in titles]

    def check(values, ctx) -> str:
        listed = ctx[0].enterprises.get(ctx[1])
        if listed is not None:
            n = sum(1 for leading, held in listed if (leading or not leading_only) and held & wanted)
            return MET if n >= at_least else UNMET
        known = [values.get((c, None)) for c in counts]
        present = [k for k in known if k is not None]
        if present and max(present) >= at_least:
            return MET  # the largest single count is a lower bound of the distinct count
        if len(present) == len(known) and sum(present) < at_least:
            return UNMET  # the sum is an upper bound
        return UNKNOWN

    return check


def no_incident(values, ctx) -> str:
    folder, cid, years = ctx
    for year, kind, rank in folder.incidents.get(cid, ()):
        if years[0] <= year <= years[-1] and rank >= DISQUALIFYING.get(kind, 99):
            return UNMET
    return MET if cid in folder.incidents_complete else UNKNOWN


# ------------------------------------------------------------------ the measures
Criterion = tuple[str, str, Condition | None]  # (id, kind, condition)
B = 100_000_000  # 1 亿元 in yuan

MEASURES: dict[str, list[Criterion]] = {
    "miit-2022": [
        ("county", HARD, county_recorded),
        ("area", SOFT, value_at("area_km2", "<=", 100)),
        ("output", HARD, value_at("total_output", ">=", 40 * B, "each")),
        ("sme-share", HARD, share("sme_output", "total_output", ">=", 70)),
        ("leading-share", HARD, share("leading_output", "total_output", ">", 70)),
        ("growth", HARD, growth("total_output", ">", 10)),
        ("quality-firms", HARD, either(titled(("single_champion", "little_giant"), 1, leading_only=True),
                                       titled(("specialized_new_sme", "innovative_sme", "high_tech"), 10))),
        ("compliance", HARD, no_incident),
        ("innovation", QUALITATIVE, None),
        ("digital", QUALITATIVE, None),
        ("green", QUALITATIVE, None),
        ("governance", QUALITATIVE, None),
    ],
    "jiangsu-2023": [
        ("area", HARD, value_at("area_km2", "<=", 100)),
        ("pillar", HARD, flag("pillar_industry")),
        ("frontier", QUALITATIVE, None),
        ("key-chain", HARD, flag("key_chain")),
        ("output", HARD, value_at("total_output", ">=", 40 * B, "each")),
        ("sme-share", HARD, share("sme_output", "total_output", ">=", 70, "each")),
        ("leading-growth", HARD, growth("leading_output", ">=", 10)),
        ("leading-share", HARD, share("leading_output", "total_output", ">=", 70, "each")),
        ("quality-firms", HARD, either(titled(("single_champion", "little_giant"), 3, leading_only=True),
                                       titled(("specialized_new_sme", "high_tech"), 15))),
        ("innovation", HARD, both(flag("innovation_mechanism"),
                                  value_at("innovation_platforms", ">=", 5, "latest"))),
        ("rd-growth", HARD, growth("sme_rd_expenditure", ">=", 10)),
        ("patent-growth", HARD, growth("invention_patents", ">=", 15)),
        ("patent-density", HARD, per_10k("invention_patents", "employees", ">=", 15)),
        ("standards", HARD, value_at("standards", ">=", 3)),
        ("cloud", HARD, value_at("cloud_adoption", ">=", 30, "latest")),
        ("industrial-internet", HARD, value_at("industrial_internet_penetration", ">=", 20, "latest")),
        ("pilots", HARD, value_at("pilot_projects", ">=", 1)),
    ],
    "henan-2023": [
        ("governance", HARD, both(flag("management_body"), flag("public_service_system"),
                                  flag("platform_cooperation"), flag("development_plan"))),
        ("compliance", HARD, no_incident),
        ("pillar", HARD, flag("pillar_industry")),
        ("frontier", QUALITATIVE, None),
        ("area", SOFT, value_at("area_km2", "<=", 100)),
        ("output", HARD, value_at("total_output", ">=", 30 * B, "each")),
        ("sme-share", HARD, share("sme_output", "total_output", ">=", 65)),
        ("leading-share", HARD, share("leading_output", "total_output", ">", 65)),
        ("quality-firms", HARD, either(titled(("single_champion", "little_giant"), 1, leading_only=True),
                                       titled(("specialized_new_sme", "innovative_sme", "high_tech"), 10))),
        ("chain", HARD, both(flag("chain_map"), flag("sharing_mechanism"))),
        ("rd-intensity", HARD, share("rd_expenditure", "total_output", ">=", Fraction(3, 2))),
        ("patent-density", HARD, per_10k("invention_patents", "employees", ">=", 10)),
        ("standards", HARD, value_at("standards", ">=", 1)),
        ("industrial-internet", HARD, value_at("industrial_internet_penetration", ">=", 10, "latest")),
        ("green", HARD, both(flag("carbon_monitoring"), flag("green_service"), flag("efficiency_benchmark"))),
    ],
}


# ------------------------------------------------------------------ evaluation
def criterion_status(folder: Folder, policy: str, criterion: Criterion, cid: str, values: dict,
                     ctx: tuple) -> str:
    name, kind, condition = criterion
    if kind is not HARD:
        assessed = folder.assessments.get((cid, policy, name))
        if assessed is not None:
            return assessed
        if kind is QUALITATIVE:
            return REVIEW
    status = condition(values, ctx)
    return REVIEW if kind is SOFT and status is UNMET else status


def verdict(statuses) -> str:
    result = ELIGIBLE
    for s in statuses:
        if s == UNMET:
            return INELIGIBLE
        if s != MET:
            result = UNDETERMINED
    return result


def evaluate(folder: Folder, policy: str, as_of: int, criteria: list[Criterion] | None = None,
             clusters=None) -> dict[str, dict[str, str]]:
    """Per cluster: each criterion's status and the overall status (key "*")."""
    criteria = MEASURES[policy] if criteria is None else criteria
    years = (as_of - 3, as_of - 2, as_of - 1)
    empty: dict = {}
    out: dict[str, dict[str, str]] = {}
    for cid in (folder.clusters if clusters is None else clusters):
        values = folder.obs.get(cid, empty)
        ctx = (folder, cid, years)
        row = {c[0]: criterion_status(folder, policy, c, cid, values, ctx) for c in criteria}
        row[VERDICT_KEY] = verdict(row.values())
        out[cid] = row
    return out


def sweep(folder: Folder, policy: str, criterion: str, make: Callable[[object], Condition], thresholds,
          as_of: int) -> list[tuple[object, int, int, int]]:
    """Eligible / ineligible / undetermined counts for each threshold: the measure evaluated
    once, then only the swept criterion per step (as a hand-written sweep would)."""
    base = evaluate(folder, policy, as_of)
    kind = next(k for i, k, _ in MEASURES[policy] if i == criterion)
    years = (as_of - 3, as_of - 2, as_of - 1)
    empty: dict = {}
    points = []
    for t in thresholds:
        swept = (criterion, kind, make(t))
        counts = {ELIGIBLE: 0, INELIGIBLE: 0, UNDETERMINED: 0}
        for cid, row in base.items():
            status = criterion_status(folder, policy, swept, cid, folder.obs.get(cid, empty), (folder, cid, years))
            counts[verdict(status if k == criterion else s for k, s in row.items() if k != VERDICT_KEY)] += 1
        points.append((t, counts[ELIGIBLE], counts[INELIGIBLE], counts[UNDETERMINED]))
    return points


def main(argv: list[str]) -> int:
    import argparse
    from collections import Counter

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--as-of", type=int, default=2023)
    parser.add_argument("--policy", action="append", choices=sorted(MEASURES))
    args = parser.parse_args(argv)
    folder = Folder.read(args.folder)
    for policy in args.policy or sorted(MEASURES):
        result = evaluate(folder, policy, args.as_of)
        counts = Counter(r[VERDICT_KEY] for r in result.values())
        print(f"{policy} as of {args.as_of}: {len(result)} clusters, " +
              ", ".join(f"{k} {counts[k]}" for k in (ELIGIBLE, INELIGIBLE, UNDETERMINED)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
