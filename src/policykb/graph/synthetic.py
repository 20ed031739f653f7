"""Synthetic clusters in the CSV layout, for tests and benchmarks (marked SYNTHETIC).

The data is shaped to exercise the boundaries of the shipped measures: some clusters sit
exactly on 40亿 / 30亿 CNY, on 70 % / 65 % shares, on 100 km2 and on 10 % growth (last /
first year = 1.21); values are written in 亿元, 万元 or CNY and shares as percent or ratio;
years go missing; per-title counts, enterprise lists with several titles per enterprise,
incidents of every kind and severity, and a few expert assessments appear.

Only the indicators the boundary scenario shapes are named here (total, SME and leading
output, area). Every other indicator is generated from the vocabulary by its dimension,
so a new indicator in kb/vocabulary.ttl shows up in synthetic data without code changes.

Rows are written streaming, one cluster at a time: 100,000 clusters take seconds and
constant memory. The same seed gives byte-identical files.
"""

from __future__ import annotations

import csv
import random
from contextlib import ExitStack
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from policykb.resources import kb_dir
from policykb.vocabulary import BOOLEAN, COUNT, MONEY, PERCENT, PERSONS, Indicator, Vocabulary

from .csv_rows import LAYOUT
from .values import decimal_lexical

YEARS = (2019, 2020, 2021, 2022, 2023)
# Scenario indicators (their meaning decides the boundary values below).
TOTAL, SME, LEADING, AREA_NAME = "total_output", "sme_output", "leading_output", "area_km2"
# (total output of the first window year, SME share, leading share): exactly on the MIIT
# and Henan thresholds. Growth is exactly 10 % a year, so last / first = 1.21.
BOUNDARIES = ((Fraction(4_000_000_000), Fraction(70), Fraction(70)),
              (Fraction(3_000_000_000), Fraction(65), Fraction(65)))
# Policy and criterion ids for synthetic assessments (qualitative criteria of the shipped measures).
ASSESSED_CRITERIA = (("miit-2022", "innovation"), ("miit-2022", "digital"), ("miit-2022", "area"),
                     ("jiangsu-2023", "frontier"), ("henan-2023", "frontier"))
PROVINCES = ("Jiangsu", "Henan", "Zhejiang", "Guangdong", "Yunnan")
INDUSTRIES = ("SYNTHETIC 轴承制造", "SYNTHETIC 电子材料", "SYNTHETIC 动力电池", "SYNTHETIC 纺织面料",
              "SYNTHETIC 专用车辆", "SYNTHETIC 超硬材料")
# Spellings values are written in (factors come from the vocabulary; "" = canonical unit).
_MONEY_UNITS = ("", "CNY", "亿元", "100M CNY", "万元", "10k CNY")
_PERCENT_UNITS = ("", "percent", "%", "ratio")


@dataclass(frozen=True)
class SyntheticSummary:
    folder: Path
    clusters: int
    observations: int
    enterprises: int
    incidents: int
    assessments: int


def write_synthetic_folder(path: Path | str, n_clusters: int, seed: int = 0,
                           vocabulary: Vocabulary | None = None) -> SyntheticSummary:
    """Write clusters.csv, observations.csv, enterprises.csv, incidents.csv and
    assessments.csv for `n_clusters` synthetic clusters into folder `path`."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    vocab = vocabulary if vocabulary is not None else _shipped_vocabulary()
    gen = _Generator(random.Random(seed), vocab)
    with ExitStack() as stack:
        writers = {}
        for name, columns in LAYOUT.items():
            handle = stack.enter_context((folder / name).open("w", encoding="utf-8", newline=""))
            writers[name] = csv.writer(handle, lineterminator="\n")
            writers[name].writerow(columns)
        for i in range(1, n_clusters + 1):
            gen.cluster(f"syn-{i:05d}", i, writers)
    return SyntheticSummary(folder, n_clusters, *gen.counts)


def _shipped_vocabulary() -> Vocabulary:
    from .turtle import load_turtle  # local: only needed when no vocabulary is passed
    from .vocabulary_reader import read_vocabulary

    return read_vocabulary(load_turtle(kb_dir(), what="kb folder"))


def _text(value: Fraction) -> str:
    """Exact decimal text without a needless '.0' (CSV authors write '44', not '44.0')."""
    text = decimal_lexical(value)
    return text[:-2] if text.endswith(".0") else text


class _Generator:
    def __init__(self, rng: random.Random, vocab: Vocabulary) -> None:
        self.rng, self.vocab = rng, vocab
        indicators = list(vocab.indicators.values())
        scenario = {TOTAL, SME, LEADING, AREA_NAME}
        self.other_yearly = [i for i in indicators if i.per_year and i.name not in scenario]
        self.other_static = [i for i in indicators if not i.per_year and i.name not in scenario
                             and not i.counts_title]
        self.title_counts = [i for i in indicators if i.counts_title]
        self.titles = list(vocab.titles)
        self.kinds = list(vocab.incident_kinds)
        self.severities = list(vocab.severities)
        self.counts = [0, 0, 0, 0]  # observations, enterprises, incidents, assessments
        self.factors: dict[str, Fraction] = {}

    def cluster(self, cid: str, i: int, w: dict) -> None:
        rng = self.rng
        area = self.area()
        area_in_clusters = area is not None and rng.random() < 0.5
        county = "" if rng.random() < 0.03 else f"SYNTHETIC 县{rng.randrange(3000):04d}"
        w["clusters.csv"].writerow((cid, f"合成集群{i}（SYNTHETIC）", f"SYNTHETIC cluster {i}", rng.choice(PROVINCES),
                                    county, rng.choice(INDUSTRIES), _text(area) if area_in_clusters else ""))
        obs = w["observations.csv"]
        if area is not None and (not area_in_clusters or rng.random() < 0.2):  # sometimes in both places
            self.observation(obs, cid, AREA_NAME, None, area, "")
        totals = self.outputs(cid, obs)
        self.generic(cid, obs, totals)
        if rng.random() < 0.1:
            self.enterprises(cid, w["enterprises.csv"])
        else:
            for ind in self.title_counts:
                if rng.random() < 0.6:
                    self.observation(obs, cid, ind.name, None, Fraction(self.count_for(ind)), "")
        if rng.random() < 0.08:
            for _ in range(rng.randint(1, 2)):
                w["incidents.csv"].writerow((cid, rng.choice(YEARS), rng.choice(self.kinds),
                                             rng.choice(self.severities), "SYNTHETIC incident"))
                self.counts[2] += 1
        if rng.random() < 0.03:
            policy, criterion = rng.choice(ASSESSED_CRITERIA)
            w["assessments.csv"].writerow((cid, policy, criterion, rng.choice(("met", "unmet")),
                                           "SYNTHETIC reviewer", f"2023-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"))
            self.counts[3] += 1

    def area(self) -> Fraction | None:
        roll = self.rng.random()
        if roll < 0.15:
            return Fraction(100)  # exactly on the 100 km2 threshold
        if roll < 0.25:
            return None  # unknown
        return Fraction(self.rng.randint(50, 4000), 10)

    def outputs(self, cid: str, obs) -> dict[int, Fraction]:
        """Total, SME and leading output; returns the total per year written."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.2:
            first, sme_share, leading_share = BOUNDARIES[0 if roll < 0.1 else 1]
            growth = Fraction(11, 10)
            window = (2020, 2021, 2022)
        else:
            first = Fraction(rng.randint(50_000, 2_000_000) * 10_000)  # whole 万元, 5亿 .. 200亿
            sme_share, leading_share = Fraction(rng.randint(500, 950), 10), Fraction(rng.randint(500, 950), 10)
            growth = Fraction(rng.randint(95, 130), 100)
            window = YEARS[rng.randint(0, 1):rng.randint(3, 5)]
        exact = roll < 0.2
        # Boundary values stay exact; the others are rounded to whole 万元 like real statistics.
        shape = (lambda v: v) if exact else (lambda v: Fraction(round(v / 10_000) * 10_000))
        totals: dict[int, Fraction] = {}
        value = first
        for year in window:
            if exact or rng.random() >= 0.05:  # some years go missing
                totals[year] = shape(value)
            value = value * growth
        for year, total in totals.items():
            self.observation(obs, cid, TOTAL, year, total, self.money_unit())
            if rng.random() < 0.9:
                self.observation(obs, cid, SME, year, shape(total * sme_share / 100), self.money_unit())
            if rng.random() < 0.9:
                self.observation(obs, cid, LEADING, year, shape(total * leading_share / 100), self.money_unit())
        return totals

    def generic(self, cid: str, obs, totals: dict[int, Fraction]) -> None:
        rng = self.rng
        for ind in self.other_yearly:
            if rng.random() < 0.6:
                continue  # indicator unknown for this cluster (published data is sparse)
            for year, total in totals.items():
                if rng.random() < 0.9:
                    self.observation(obs, cid, ind.name, year, self.value_for(ind, total), self.unit_for(ind))
        for ind in self.other_static:
            if rng.random() < 0.75:
                self.observation(obs, cid, ind.name, None, self.value_for(ind, Fraction(0)), self.unit_for(ind))

    def value_for(self, ind: Indicator, total: Fraction) -> Fraction | bool:
        rng = self.rng
        if ind.dimension == BOOLEAN:
            return rng.random() < 0.7
        if ind.dimension == MONEY:
            return Fraction(round(total * rng.randint(5, 40) / 1000 / 10_000) * 10_000)
        if ind.dimension == PERCENT:
            return Fraction(rng.randint(0, 1000), 10)
        if ind.dimension == PERSONS:
            return Fraction(rng.randint(1_000, 80_000))
        if ind.dimension == COUNT:
            return Fraction(rng.randint(0, 300))
        return Fraction(rng.randint(1, 500))

    def count_for(self, ind: Indicator) -> int:
        return self.rng.choice((0, 1, 1, 2, 3, 5, 8, 10, 12, 20, 40))

    def unit_for(self, ind: Indicator) -> str:
        if ind.dimension == MONEY:
            return self.money_unit()
        if ind.dimension == PERCENT:
            return self.rng.choice(_PERCENT_UNITS)
        return ""

    def money_unit(self) -> str:
        return self.rng.choice(_MONEY_UNITS)

    def observation(self, obs, cid: str, name: str, year: int | None, value: Fraction | bool, unit: str) -> None:
        if isinstance(value, bool):
            text = "true" if value else "false"
        else:
            text = _text(value / self.factor(unit))
        source = f"SYNTHETIC yearbook {year}" if year else "SYNTHETIC survey"
        obs.writerow((cid, name, "" if year is None else year, text, unit, source))
        self.counts[0] += 1

    def factor(self, spelling: str) -> Fraction:
        if spelling not in self.factors:
            unit = self.vocab.unit(spelling) if spelling else None
            self.factors[spelling] = unit.factor if unit is not None else Fraction(1)
        return self.factors[spelling]

    def enterprises(self, cid: str, writer) -> None:
        rng = self.rng
        for j in range(1, rng.randint(3, 15) + 1):
            held = [t for t in self.titles if rng.random() < 0.3]
            writer.writerow((f"{cid}-e{j:02d}", f"SYNTHETIC enterprise {j} of {cid}",
                             cid, "true" if rng.random() < 0.8 else "false", ";".join(held)))
            self.counts[1] += 1
