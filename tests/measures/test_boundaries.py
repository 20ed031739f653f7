"""Every boundary of the three tables of criteria.md, end to end (CSV -> graph -> engine).

Each case starts from a cluster that meets every criterion of all three measures, changes
a few values, and names the status criteria.md gives the probed criterion, derived by hand.
Both policykb and the independent reference (reference.py) must give that literal. The
cases of one measure go into one CSV folder set and one knowledge base, opened once.
Application year 2024: the window is 2021-2023 and the latest year is 2023; every yearly
indicator also carries failing values for 2020 and 2024, outside the window.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from fractions import Fraction as F

import pytest

from csv_writer import write_csv
from reference import POLICIES, evaluate
from policykb.knowledge_base import KnowledgeBase

AS_OF = 2024
YI = 100_000_000  # 亿元
MIIT, JS, HN = "miit-2022", "jiangsu-2023", "henan-2023"
QUALITATIVE = {MIIT: ("innovation", "digital", "green", "governance"), JS: ("frontier",), HN: ("frontier",)}
BOOLEANS = ("pillar_industry", "key_chain", "innovation_mechanism", "management_body", "public_service_system",
            "platform_cooperation", "development_plan", "chain_map", "sharing_mechanism", "carbon_monitoring",
            "green_service", "efficiency_benchmark")


def good_cluster() -> dict:
    """Meets every criterion of the three measures; 2020 and 2024 hold values that would fail."""
    def years(y2021, y2022, y2023, outside=0):
        return {2020: outside, 2021: y2021, 2022: y2022, 2023: y2023, 2024: outside}

    return {
        "county": "合成县",
        "values": {"area_km2": 50, "standards": 5, "pilot_projects": 2, "single_champions": 1, "little_giants": 3,
                   "specialized_new_smes": 20, "innovative_smes": 10, "high_tech_enterprises": 20,
                   **dict.fromkeys(BOOLEANS, True)},
        "yearly": {
            "total_output": years(50 * YI, 60 * YI, 75 * YI),
            "sme_output": years(40 * YI, 48 * YI, 60 * YI),          # 80%
            "leading_output": years(40 * YI, 48 * YI, 60 * YI),      # 80%, growth ratio 1.5
            "rd_expenditure": years(YI, YI, F(3, 2) * YI),           # 2% of 75亿
            "sme_rd_expenditure": years(YI, YI, F(3, 2) * YI),       # ratio 1.5
            "invention_patents": years(1000, 1200, 1500),           # ratio 1.5; 300 per 10k
            "employees": years(50_000, 50_000, 50_000),
            "innovation_platforms": years(8, 8, 8),
            "cloud_adoption": years(50, 50, 50),
            "industrial_internet_penetration": years(40, 40, 40),
        },
        "enterprises": None,
        "incidents": [],
        "incidents_complete": True,
        "assessments": {(p, c): "met" for p, ids in QUALITATIVE.items() for c in ids},
    }


@dataclass
class Case:
    policy: str
    criterion: str  # "*" for the overall verdict
    expected: str
    label: str
    values: dict = field(default_factory=dict)   # None deletes
    yearly: dict = field(default_factory=dict)   # {indicator: {year: value or None}}
    other: dict = field(default_factory=dict)    # top-level keys replaced (county, enterprises, ...)

    def cluster(self, cid: str) -> dict:
        cluster = good_cluster()
        cluster["id"] = cid
        for name, v in self.values.items():
            if v is None:
                cluster["values"].pop(name, None)
            else:
                cluster["values"][name] = v
        for name, years in self.yearly.items():
            series = cluster["yearly"].setdefault(name, {})
            for year, v in years.items():
                if v is None:
                    series.pop(year, None)
                else:
                    series[year] = v
        cluster.update(copy.deepcopy(self.other))
        return cluster


def case(policy, criterion, expected, label, values=None, yearly=None, **other) -> Case:
    return Case(policy, criterion, expected, label, values or {}, yearly or {}, other)


def latest(**values) -> dict:
    """Values of the latest year (2023), as a `yearly` change."""
    return {name: {2023: v} for name, v in values.items()}


def all_years(**values) -> dict:
    return {name: {2021: v, 2022: v, 2023: v} for name, v in values.items()}


def enterprises(*specs: tuple[int, bool, str]) -> list[dict]:
    """(how many, in the leading industry, 'title;title') -> an enterprise list."""
    return [{"leading": leading, "titles": [t for t in titles.split(";") if t]}
            for n, leading, titles in specs for _ in range(n)]


def incident(kind: str, severity: str, year: int = 2023) -> list[dict]:
    return [{"year": year, "kind": kind, "severity": severity}]


NO_CHAMPIONS = {"single_champions": 0, "little_giants": 0}
NO_SMES = {"specialized_new_smes": 0, "innovative_smes": 0, "high_tech_enterprises": 0}


# ------------------------------------------------------------------ shared by the measures
def output_cases(policy: str, yi: int) -> list[Case]:
    t = yi * YI
    return [
        case(policy, "output", "met", f"{yi}亿 in each year", yearly=all_years(total_output=t)),
        case(policy, "output", "met", f"{yi}亿 written in 亿元", yearly=all_years(total_output=t),
             units={("total_output", y): "亿元" for y in (2021, 2022, 2023)}),
        case(policy, "output", "unmet", "one yuan short in 2022", yearly={"total_output": {2022: t - 1}}),
        case(policy, "output", "met", "one yuan over in 2022", yearly={"total_output": {2022: t + 1}}),
        case(policy, "output", "unmet", "one yuan short in 2021, as 10k CNY",
             yearly={"total_output": {2021: t - 1}}, units={("total_output", 2021): "10k CNY"}),
        case(policy, "output", "unknown", "2022 missing", yearly={"total_output": {2022: None}}),
        case(policy, "output", "unmet", "2021 short and 2022 missing",
             yearly={"total_output": {2021: t - 1, 2022: None}}),
    ]


def share_cases(policy: str, criterion: str, part: str, percent: int, strict: bool, each_year: bool) -> list[Case]:
    """part / total_output against `percent` (>= or > as `strict`), latest year or each year."""
    total, on = 100 * YI, percent * YI
    on_status = "unmet" if strict else "met"
    year = 2021 if each_year else 2023
    cases = [
        case(policy, criterion, on_status, f"exactly {percent}%", yearly=all_years(total_output=total, **{part: on})),
        case(policy, criterion, "met", f"{percent}% + 1 yuan", yearly=all_years(total_output=total, **{part: on + 1})),
        case(policy, criterion, "unmet", f"{percent}% - 1 yuan in {year}",
             yearly={"total_output": {year: total}, part: {year: on - 1}}),
        case(policy, criterion, "unknown", f"total output 0 in {year}",
             yearly={"total_output": {year: 0}, part: {year: 0}}),
        case(policy, criterion, "unknown", f"total output missing in {year}", yearly={"total_output": {year: None}}),
        case(policy, criterion, "unknown", f"{part} missing in {year}", yearly={part: {year: None}}),
        case(policy, criterion, on_status, f"exactly {percent}%, part in 万元, total in 亿元",
             yearly=all_years(total_output=total, **{part: on}),
             units={**{(part, y): "万元" for y in (2021, 2022, 2023)},
                    **{("total_output", y): "100M CNY" for y in (2021, 2022, 2023)}}),
    ]
    if each_year:
        cases.append(case(policy, criterion, "unmet", "fails in 2021 though 2022 is missing",
                          yearly={"total_output": {2021: total, 2022: None}, part: {2021: on - 1}}))
    else:
        cases.append(case(policy, criterion, "met", "only the latest year counts (2022 fails)",
                          yearly={"total_output": {2022: total}, part: {2022: 0}}))
    return cases


def growth_cases(policy: str, criterion: str, indicator: str, percent: int, strict: bool,
                 first: int, last: int) -> list[Case]:
    """`last` / `first` is exactly (1 + percent)^2."""
    assert F(last, first) == (1 + F(percent, 100)) ** 2
    on_status = "unmet" if strict else "met"
    return [
        case(policy, criterion, on_status, f"exactly {percent}% a year",
             yearly={indicator: {2021: first, 2022: None, 2023: last}}),
        case(policy, criterion, "met", "one over", yearly={indicator: {2021: first, 2023: last + 1}}),
        case(policy, criterion, "unmet", "one under", yearly={indicator: {2021: first, 2023: last - 1}}),
        case(policy, criterion, "unknown", "first year 0", yearly={indicator: {2021: 0, 2023: last}}),
        case(policy, criterion, "unknown", "first year missing", yearly={indicator: {2021: None}}),
        case(policy, criterion, "unknown", "last year missing", yearly={indicator: {2023: None}}),
        case(policy, criterion, "unmet", "decline", yearly={indicator: {2021: first, 2023: first - 1}}),
    ]


def per_10k_cases(policy: str, threshold: int) -> list[Case]:
    return [
        case(policy, "patent-density", "met", f"exactly {threshold} per 10k",
             yearly=latest(invention_patents=threshold, employees=10_000)),
        case(policy, "patent-density", "unmet", f"{threshold - 1} per 10k",
             yearly=latest(invention_patents=threshold - 1, employees=10_000)),
        case(policy, "patent-density", "met", f"{threshold // 5} for 2000 people",
             yearly=latest(invention_patents=threshold // 5, employees=2000)),
        case(policy, "patent-density", "unmet", f"{threshold // 5} for 2001 people",
             yearly=latest(invention_patents=threshold // 5, employees=2001)),
        case(policy, "patent-density", "met", f"{threshold // 5} for 1999 people",
             yearly=latest(invention_patents=threshold // 5, employees=1999)),
        case(policy, "patent-density", "unknown", "no employees", yearly=latest(employees=0)),
        case(policy, "patent-density", "unknown", "employees missing", yearly=latest(employees=None)),
        case(policy, "patent-density", "unknown", "patents missing", yearly=latest(invention_patents=None)),
    ]


def percent_cases(policy: str, criterion: str, indicator: str, threshold: int) -> list[Case]:
    t, cent = F(threshold), F(1, 100)
    return [
        case(policy, criterion, "met", f"exactly {threshold}%", yearly=latest(**{indicator: t})),
        case(policy, criterion, "unmet", f"{threshold - 1}.99%", yearly=latest(**{indicator: t - cent})),
        case(policy, criterion, "met", f"{threshold}.01%", yearly=latest(**{indicator: t + cent})),
        case(policy, criterion, "met", f"exactly {threshold}% as a ratio", yearly=latest(**{indicator: t}),
             units={(indicator, 2023): "ratio"}),
        case(policy, criterion, "unmet", f"{threshold}% - 0.0001 as a ratio",
             yearly=latest(**{indicator: t - F(1, 10_000)}), units={(indicator, 2023): "ratio"}),
        case(policy, criterion, "unknown", "latest year missing (2022 passes)",
             yearly={indicator: {2023: None, 2022: t}}),
    ]


def count_cases(policy: str, criterion: str, indicator: str, threshold: int) -> list[Case]:
    return [
        case(policy, criterion, "met", f"exactly {threshold}", values={indicator: threshold}),
        case(policy, criterion, "met", f"{threshold + 1}", values={indicator: threshold + 1}),
        case(policy, criterion, "unmet", f"{threshold - 1}", values={indicator: threshold - 1}),
        case(policy, criterion, "unknown", "missing", values={indicator: None}),
    ]


def flag_cases(policy: str, criterion: str, *names: str) -> list[Case]:
    cases = [case(policy, criterion, "met", "all true")]
    for name in names:
        cases += [case(policy, criterion, "unmet", f"{name} false", values={name: False}),
                  case(policy, criterion, "unknown", f"{name} missing", values={name: None})]
    if len(names) > 1:
        cases.append(case(policy, criterion, "unmet", "one false, another missing",
                          values={names[0]: None, names[1]: False}))
    return cases


def area_cases(policy: str, soft: bool) -> list[Case]:
    """area_km2 <= 100: soft in MIIT and Henan (一般: over it needs review), hard in Jiangsu."""
    over = "review" if soft else "unmet"
    assessed_met = {"assessments": {(policy, "area"): "met"}}
    cases = [
        case(policy, "area", "met", "exactly 100 km2", values={"area_km2": 100}),
        case(policy, "area", "met", "99.99 km2", values={"area_km2": F("99.99")}),
        case(policy, "area", over, "100.01 km2", values={"area_km2": F("100.01")}),
        case(policy, "area", "unknown", "missing", values={"area_km2": None}),
        case(policy, "area", "met" if soft else "unmet", "100.01 km2, assessed met",
             values={"area_km2": F("100.01")}, **assessed_met),
        case(policy, "*", "undetermined" if soft else "ineligible", "100.01 km2: the verdict",
             values={"area_km2": F("100.01")}),
    ]
    if soft:
        cases += [
            case(policy, "area", "unmet", "100 km2, assessed unmet", values={"area_km2": 100},
                 assessments={(policy, "area"): "unmet"}),
            case(policy, "area", "met", "missing, assessed met", values={"area_km2": None}, **assessed_met),
            case(policy, "*", "ineligible", "assessed unmet: the verdict", assessments={(policy, "area"): "unmet"}),
        ]
    return cases


def national_quality_cases(policy: str) -> list[Case]:
    """>= 1 single champion / little giant of the leading industry, or >= 10 distinct
    specialized-new SMEs, innovative SMEs, high-tech enterprises (MIIT and Henan)."""
    q = "quality-firms"
    return [
        # published counts: the distinct count lies between the largest and the sum
        case(policy, q, "met", "one single champion", values={**NO_SMES, "single_champions": 1, "little_giants": 0}),
        case(policy, q, "met", "one little giant, champions missing",
             values={**NO_SMES, "single_champions": None, "little_giants": 1}),
        case(policy, q, "met", "10 specialized SMEs", values={**NO_CHAMPIONS, **NO_SMES, "specialized_new_smes": 10}),
        case(policy, q, "unmet", "9 specialized SMEs, the rest 0",
             values={**NO_CHAMPIONS, **NO_SMES, "specialized_new_smes": 9}),
        case(policy, q, "unknown", "9 + 1: the sum reaches 10, the largest does not",
             values={**NO_CHAMPIONS, **NO_SMES, "specialized_new_smes": 9, "high_tech_enterprises": 1}),
        case(policy, q, "unknown", "9 and a count missing",
             values={**NO_CHAMPIONS, **NO_SMES, "specialized_new_smes": 9, "innovative_smes": None}),
        case(policy, q, "unknown", "champions missing, SMEs below",
             values={**NO_CHAMPIONS, **NO_SMES, "single_champions": None}),
        # an enterprise list is the complete record and overrides the published counts
        case(policy, q, "met", "one leading little giant", enterprises=enterprises((1, True, "little_giant"))),
        case(policy, q, "unmet", "one little giant outside the leading industry",
             enterprises=enterprises((1, False, "little_giant"), (9, True, "high_tech"))),
        case(policy, q, "met", "10 distinct, none in the leading industry",
             enterprises=enterprises((4, False, "specialized_new_sme"), (3, False, "innovative_sme"),
                                     (3, False, "high_tech"))),
        case(policy, q, "unmet", "9 enterprises with two titles each count 9",
             enterprises=enterprises((9, True, "specialized_new_sme;high_tech"), (1, True, ""))),
        case(policy, q, "met", "9 with two titles and 1 innovative SME",
             enterprises=enterprises((9, True, "specialized_new_sme;high_tech"), (1, False, "innovative_sme"))),
        case(policy, q, "unmet", "a list with no titled enterprise overrides published counts",
             enterprises=enterprises((1, True, ""))),
    ]


def compliance_cases(policy: str) -> list[Case]:
    c = "compliance"
    cases = [case(policy, c, "met", "complete record, no incident"),
             case(policy, c, "unknown", "no complete record", incidents_complete=False),
             case(policy, c, "unmet", "no complete record, a tax incident on record",
                  incidents_complete=False, incidents=incident("tax", "minor", 2022)),
             case(policy, c, "unknown", "no complete record, only a minor safety incident",
                  incidents_complete=False, incidents=incident("safety", "minor", 2022))]
    for kind, floor, below in (("safety", "serious", "minor"), ("quality", "serious", "minor"),
                               ("environment", "serious", "minor"), ("network_security", "major", "serious"),
                               ("data_security", "major", "serious"), ("credit", "serious", "minor")):
        cases += [case(policy, c, "met", f"{kind} {below}", incidents=incident(kind, below)),
                  case(policy, c, "unmet", f"{kind} {floor}", incidents=incident(kind, floor)),
                  case(policy, c, "unmet", f"{kind} extraordinary", incidents=incident(kind, "extraordinary"))]
    cases += [case(policy, c, "unmet", f"{kind} minor", incidents=incident(kind, "minor")) for kind in ("tax", "legal")]
    cases += [case(policy, c, expected, f"tax in {year}", incidents=incident("tax", "minor", year))
              for year, expected in ((2020, "met"), (2021, "unmet"), (2023, "unmet"), (2024, "met"))]
    cases.append(case(policy, "*", "undetermined", "no complete record: the verdict", incidents_complete=False))
    return cases


def qualitative_cases(policy: str) -> list[Case]:
    cases = []
    for cid in QUALITATIVE[policy]:
        cases += [case(policy, cid, "review", "no assessment", assessments={}),
                  case(policy, cid, "met", "assessed met"),
                  case(policy, cid, "unmet", "assessed unmet", assessments={(policy, cid): "unmet"})]
    cases.append(case(policy, "*", "undetermined", "qualitative criteria not assessed", assessments={}))
    return cases


def hard_ignores_assessment(policy: str, criterion: str, **change) -> Case:
    return case(policy, criterion, "unmet", "assessed met, but hard", assessments={
        **{(p, q): "met" for p, ids in QUALITATIVE.items() for q in ids}, (policy, criterion): "met"}, **change)


# ------------------------------------------------------------------ the three measures
MIIT_CASES = [
    case(MIIT, "*", "eligible", "the good cluster"),
    case(MIIT, "county", "met", "county recorded"),
    case(MIIT, "county", "unknown", "county not recorded", county=None),
    *area_cases(MIIT, soft=True),
    *output_cases(MIIT, 40),
    case(MIIT, "*", "ineligible", "output one yuan short: the verdict", yearly={"total_output": {2022: 40 * YI - 1}}),
    *share_cases(MIIT, "sme-share", "sme_output", 70, strict=False, each_year=False),
    *share_cases(MIIT, "leading-share", "leading_output", 70, strict=True, each_year=False),
    *growth_cases(MIIT, "growth", "total_output", 10, strict=True, first=100 * YI, last=121 * YI),
    *growth_cases(MIIT, "growth", "total_output", 10, strict=True, first=40 * YI, last=F("48.4") * YI),
    *national_quality_cases(MIIT),
    *compliance_cases(MIIT),
    *qualitative_cases(MIIT),
    hard_ignores_assessment(MIIT, "output", yearly={"total_output": {2022: 40 * YI - 1}}),
]

JIANGSU_CASES = [
    case(JS, "*", "eligible", "the good cluster"),
    *area_cases(JS, soft=False),
    *flag_cases(JS, "pillar", "pillar_industry"),
    *flag_cases(JS, "key-chain", "key_chain"),
    *qualitative_cases(JS),
    *output_cases(JS, 40),
    *share_cases(JS, "sme-share", "sme_output", 70, strict=False, each_year=True),
    *share_cases(JS, "leading-share", "leading_output", 70, strict=False, each_year=True),
    *growth_cases(JS, "leading-growth", "leading_output", 10, strict=False, first=100 * YI, last=121 * YI),
    *growth_cases(JS, "rd-growth", "sme_rd_expenditure", 10, strict=False, first=10_000 * 10_000,
                  last=12_100 * 10_000),
    *growth_cases(JS, "patent-growth", "invention_patents", 15, strict=False, first=400, last=529),
    *growth_cases(JS, "patent-growth", "invention_patents", 15, strict=False, first=1200, last=1587),
    # >= 3 single champions / little giants of the leading industry, or >= 15 distinct
    # specialized-new SMEs or high-tech enterprises (innovative SMEs do not count here)
    case(JS, "quality-firms", "met", "3 single champions", values={**NO_SMES, "single_champions": 3}),
    case(JS, "quality-firms", "unmet", "2 + 0 champions, 14 + 0 SMEs",
         values={**NO_SMES, "single_champions": 2, "little_giants": 0, "specialized_new_smes": 14}),
    case(JS, "quality-firms", "unknown", "1 + 2 champions: between the bounds",
         values={**NO_SMES, "single_champions": 1, "little_giants": 2, "specialized_new_smes": 14}),
    case(JS, "quality-firms", "met", "15 high-tech", values={**NO_CHAMPIONS, **NO_SMES, "high_tech_enterprises": 15}),
    case(JS, "quality-firms", "unknown", "14 + 1 SMEs: between the bounds",
         values={**NO_CHAMPIONS, **NO_SMES, "specialized_new_smes": 14, "high_tech_enterprises": 1}),
    case(JS, "quality-firms", "unmet", "innovative SMEs do not count",
         values={**NO_CHAMPIONS, **NO_SMES, "specialized_new_smes": 14, "innovative_smes": 100}),
    case(JS, "quality-firms", "met", "list: 3 leading champions or giants",
         enterprises=enterprises((2, True, "little_giant"), (1, True, "single_champion;little_giant"))),
    case(JS, "quality-firms", "unmet", "list: 2 leading giants and 1 outside the leading industry",
         enterprises=enterprises((2, True, "little_giant"), (1, False, "single_champion"), (14, True, "high_tech"))),
    case(JS, "quality-firms", "met", "list: 15 distinct, some with both titles",
         enterprises=enterprises((10, False, "specialized_new_sme;high_tech"), (5, True, "high_tech"))),
    case(JS, "quality-firms", "unmet", "list: 14 distinct and innovative SMEs",
         enterprises=enterprises((14, False, "specialized_new_sme;high_tech"), (5, True, "innovative_sme"))),
    case(JS, "innovation", "met", "mechanism and exactly 5 platforms", yearly=latest(innovation_platforms=5)),
    case(JS, "innovation", "unmet", "4 platforms", yearly=latest(innovation_platforms=4)),
    case(JS, "innovation", "unmet", "no mechanism", values={"innovation_mechanism": False}),
    case(JS, "innovation", "unknown", "mechanism missing", values={"innovation_mechanism": None}),
    case(JS, "innovation", "unmet", "no mechanism, platforms missing", values={"innovation_mechanism": False},
         yearly=latest(innovation_platforms=None)),
    case(JS, "innovation", "unknown", "platforms missing in the latest year",
         yearly={"innovation_platforms": {2023: None, 2022: 9}}),
    case(JS, "innovation", "unmet", "4 platforms in the latest year, 9 before",
         yearly={"innovation_platforms": {2023: 4, 2022: 9}}),
    *per_10k_cases(JS, 15),
    *count_cases(JS, "standards", "standards", 3),
    *percent_cases(JS, "cloud", "cloud_adoption", 30),
    *percent_cases(JS, "industrial-internet", "industrial_internet_penetration", 20),
    *count_cases(JS, "pilots", "pilot_projects", 1),
    hard_ignores_assessment(JS, "cloud", yearly=latest(cloud_adoption=F("29.99"))),
]

HENAN_CASES = [
    case(HN, "*", "eligible", "the good cluster"),
    *flag_cases(HN, "governance", "management_body", "public_service_system", "platform_cooperation",
                "development_plan"),
    *compliance_cases(HN),
    *flag_cases(HN, "pillar", "pillar_industry"),
    *qualitative_cases(HN),
    *area_cases(HN, soft=True),
    *output_cases(HN, 30),
    *share_cases(HN, "sme-share", "sme_output", 65, strict=False, each_year=False),
    *share_cases(HN, "leading-share", "leading_output", 65, strict=True, each_year=False),
    *national_quality_cases(HN),
    *flag_cases(HN, "chain", "chain_map", "sharing_mechanism"),
    case(HN, "rd-intensity", "met", "exactly 1.5%", yearly=latest(total_output=100 * YI, rd_expenditure=F("1.5") * YI)),
    case(HN, "rd-intensity", "unmet", "1.5% - 1 yuan",
         yearly=latest(total_output=100 * YI, rd_expenditure=F("1.5") * YI - 1)),
    case(HN, "rd-intensity", "met", "1.5% + 1 yuan",
         yearly=latest(total_output=100 * YI, rd_expenditure=F("1.5") * YI + 1)),
    case(HN, "rd-intensity", "met", "exactly 1.5% in 万元 of 亿元",
         yearly=latest(total_output=100 * YI, rd_expenditure=F("1.5") * YI),
         units={("rd_expenditure", 2023): "万元", ("total_output", 2023): "亿元"}),
    case(HN, "rd-intensity", "unknown", "total output 0", yearly=latest(total_output=0)),
    case(HN, "rd-intensity", "unknown", "R&D missing in the latest year", yearly=latest(rd_expenditure=None)),
    *per_10k_cases(HN, 10),
    *count_cases(HN, "standards", "standards", 1),
    *percent_cases(HN, "industrial-internet", "industrial_internet_penetration", 10),
    *flag_cases(HN, "green", "carbon_monitoring", "green_service", "efficiency_benchmark"),
    hard_ignores_assessment(HN, "standards", values={"standards": 0}),
]

CASES = {f"syn-{i:04d}": c for i, c in enumerate(MIIT_CASES + JIANGSU_CASES + HENAN_CASES, 1)}
CLUSTERS = {cid: c.cluster(cid) for cid, c in CASES.items()}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """policy -> (knowledge base, statuses) over that measure's cases only: the engine
    evaluates a measure over every cluster in the graph, so one graph per measure is ~3x faster."""
    opened = {}

    def of(policy: str):
        if policy not in opened:
            clusters = [CLUSTERS[cid] for cid, c in CASES.items() if c.policy == policy]
            kb = KnowledgeBase.open(data=write_csv(clusters, tmp_path_factory.mktemp(policy)))
            opened[policy] = kb, kb.statuses(policy, as_of=AS_OF)
        return opened[policy]
    return of


@pytest.mark.parametrize("cid", CASES, ids=[f"{c.policy}:{c.criterion}:{c.label}" for c in CASES.values()])
def test_boundary(results, cid: str):
    c = CASES[cid]
    kb, statuses = results(c.policy)
    got = statuses[cid][c.criterion]
    reference = evaluate(CLUSTERS[cid], c.policy, AS_OF)[c.criterion]
    if got != c.expected:
        verdict = kb.check(cid, c.policy, as_of=AS_OF)
        shown = "\n".join(f"  {v.id}: {v.status}: {v.explanation}" for v in verdict.criteria
                          if c.criterion in ("*", v.id))
        pytest.fail(f"policykb says {got}, criteria.md says {c.expected} ({cid}: {c.label})\n{shown}")
    assert reference == c.expected, f"the reference says {reference}, criteria.md says {c.expected}"


def test_every_criterion_of_the_tables_has_a_boundary_case():
    probed = {(c.policy, c.criterion) for c in CASES.values()}
    for policy, table in POLICIES.items():
        missing = [cid for cid, _, _ in table if (policy, cid) not in probed]
        assert not missing, f"{policy}: no boundary case for {missing}"


def _case_id(policy: str, criterion: str, label: str) -> str:
    return next(cid for cid, c in CASES.items() if (c.policy, c.criterion, c.label) == (policy, criterion, label))


@pytest.mark.parametrize("policy, criterion, label, phrases", [
    # criteria.md: "The explanation says which bound decided."
    (MIIT, "quality-firms", "one single champion", ["the largest count (1) already reaches the threshold"]),
    (MIIT, "quality-firms", "9 specialized SMEs, the rest 0", ["even the sum (9) stays below the threshold"]),
    (HN, "quality-firms", "9 + 1: the sum reaches 10, the largest does not", ["between 9 and 10"]),
    # "the explanation names the assessor and date"
    (MIIT, "area", "100.01 km2, assessed met", ["合成专家组", "2024-05-01"]),
    (JS, "frontier", "assessed unmet", ["合成专家组", "2024-05-01"]),
])
def test_explanation_names_what_decided(results, policy, criterion, label, phrases):
    cid = _case_id(policy, criterion, label)
    kb, _ = results(policy)
    explanation = kb.check(cid, policy, as_of=AS_OF).criterion(criterion).explanation
    for phrase in phrases:
        assert phrase in explanation, explanation
