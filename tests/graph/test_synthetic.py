"""The synthetic CSV generator: deterministic, importable, and full of boundary cases."""

from __future__ import annotations

import csv
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

import pytest

from policykb.graph.csv_rows import LAYOUT
from policykb.graph.store import KnowledgeGraph
from policykb.graph.synthetic import write_synthetic_folder

N = 400


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("synthetic")
    write_synthetic_folder(path, N, seed=7)
    return path


@pytest.fixture(scope="module")
def facts(folder):
    kg = KnowledgeGraph.open(data=[folder])
    ids = [c for c in kg.cluster_ids() if c.startswith("syn-")]
    return kg.facts(ids)


def rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_same_seed_same_bytes_other_seed_other_data(tmp_path: Path):
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        write_synthetic_folder(tmp_path / name, 50, seed=seed)
    for file in LAYOUT:
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    assert (tmp_path / "a" / "observations.csv").read_bytes() != (tmp_path / "c" / "observations.csv").read_bytes()


def test_it_writes_every_file_of_the_layout_with_its_header(folder):
    for name, columns in LAYOUT.items():
        with (folder / name).open(encoding="utf-8") as handle:
            assert handle.readline().rstrip("\n") == ",".join(columns)


def test_clusters_are_marked_synthetic(facts):
    assert len(facts.clusters) == N
    assert facts.clusters[0].id == "syn-00001"
    assert all(c.synthetic and "SYNTHETIC" in c.name_en for c in facts.clusters)


def test_boundary_values_are_exact(facts):
    totals = defaultdict(dict)
    shares = []
    for o in facts.observations:
        if o.indicator == "total_output":
            totals[o.cluster][o.year] = o.value
    by_key = {(o.cluster, o.indicator, o.year): o.value for o in facts.observations}
    for cluster, years in totals.items():
        for year, total in years.items():
            sme = by_key.get((cluster, "sme_output", year))
            if sme is not None:
                shares.append(sme / total)
    firsts = {years.get(2020) for years in totals.values()}
    assert {Fraction(4_000_000_000), Fraction(3_000_000_000)} <= firsts
    assert any(y.get(2020) and y.get(2022) and y[2022] / y[2020] == Fraction(121, 100) for y in totals.values())
    assert Fraction(7, 10) in shares and Fraction(13, 20) in shares
    assert any(o.indicator == "area_km2" and o.value == 100 for o in facts.observations)


def test_years_go_missing(facts):
    years = defaultdict(set)
    for o in facts.observations:
        if o.indicator == "total_output":
            years[o.cluster].add(o.year)
    assert any(len(y & {2020, 2021, 2022}) < 3 for y in years.values())
    all_ids = {c.id for c in facts.clusters}
    assert all_ids - {o.cluster for o in facts.observations if o.indicator == "area_km2"}  # some areas unknown


def test_values_come_in_several_units(folder):
    units = {r["unit"] for r in rows(folder, "observations.csv")}
    assert {"亿元", "万元", "CNY", "", "ratio", "%"} <= units


def test_enterprises_hold_several_titles_and_other_parts_are_present(facts):
    assert any(len(e.titles) >= 2 for e in facts.enterprises)
    assert {k.kind for k in facts.complete_records} == {"incidents", "enterprises"}
    assert len({i.kind for i in facts.incidents}) >= 4 and len({i.severity for i in facts.incidents}) == 4
    assert facts.assessments
    titled = {o.indicator for o in facts.observations if o.indicator.endswith("s") and o.year is None}
    assert {"little_giants", "single_champions"} <= titled


def test_clusters_with_an_enterprise_list_have_no_title_counts(facts):
    listed = {e.cluster for e in facts.enterprises}
    counted = {o.cluster for o in facts.observations if o.indicator in ("little_giants", "high_tech_enterprises")}
    assert listed and not listed & counted
