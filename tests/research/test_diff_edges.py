"""`policykb diff` on criteria that share an id but little else: conditions of another shape,
other measures of one kind, maxima, operators of both families, growth windows and windows
that cover the same year. Two small measures written here, A and B, one pair of criteria
per case; the expected differences and directions follow the rules in research/diff.py."""

from __future__ import annotations

import json

import pytest

from policykb.cli import main
from policykb.knowledge_base import KnowledgeBase
from policykb.research.diff import DIFFERENT, IDENTICAL, OTHER_NUMBERS, pair_criteria

OUTPUT_3Y = "total_output >= 40亿元 in each of the last 3 years"
# One pair of criteria per line, `id: condition in A | condition in B` (kind hard unless the
# condition starts with `soft:`); a line ending in a backslash goes on on the next one.
# - shape: a comparison against an `and` of two; children: an `and` of two against one of three
# - partial: the walk finds another threshold in the first comparison, then another kind of
#   measure in the second: only the changed kind and the changed shape are told
TABLE = f"""
shape: {OUTPUT_3Y} | {OUTPUT_3Y} and pillar_industry
partial: total_output >= 40亿元 in the latest year and share of sme_output in total_output >= 70% in the \
latest year | soft: total_output >= 30亿元 in the latest year and average annual growth of total_output \
over the last 3 years >= 10%
children: pillar_industry and management_body | pillar_industry and management_body and chain_map
more-titles: number of enterprises titled little_giant >= 2 \
| number of enterprises titled little_giant, specialized_new_sme >= 2
fewer-titles: number of enterprises titled little_giant, high_tech >= 2 | number of enterprises titled high_tech >= 2
other-titles: number of enterprises titled little_giant >= 2 | number of enterprises titled high_tech >= 3
area-max: area_km2 <= 100 km2 | area_km2 <= 150 km2
area-strict: area_km2 < 100 km2 | area_km2 <= 100 km2
area-flip: area_km2 <= 100 km2 | area_km2 >= 100 km2
area-equal: area_km2 = 100 km2 | area_km2 = 120 km2
growth-window: average annual growth of total_output over the last 3 years >= 10% \
| average annual growth of total_output over the last 2 years >= 10%
one-year: total_output >= 40亿元 in the latest year | total_output >= 40亿元 in each of the last 1 years
value-measure: total_output >= 40亿元 in the latest year | sme_output >= 40亿元 in the latest year
share-measure: share of sme_output in total_output >= 70% in the latest year \
| share of leading_output in total_output >= 70% in the latest year
growth-measure: average annual growth of total_output over the last 3 years >= 10% \
| average annual growth of sme_output over the last 3 years >= 10%
per-capita-measure: invention_patents per 10000 employees >= 10 in the latest year \
| invention_patents per 1000 employees >= 10 in the latest year
"""


def side(text: str) -> tuple[str, str]:
    text = text.strip()
    return ("soft", text.removeprefix("soft:").strip()) if text.startswith("soft:") else ("hard", text)


CASES = {cid: tuple(side(text) for text in pair.split(" | "))
         for cid, _, pair in (line.partition(": ") for line in TABLE.strip().splitlines())}


def measure_text(pid: str, index: int) -> str:
    head = f'policy {pid} {{\n  title zh "边界"\n  title en "Edges (test)"\n  effective 2020-01-01\n}}\n'
    return head + "".join(f'criterion {cid} {{\n  kind {sides[index][0]}\n  article "1"\n'
                          f'  require {sides[index][1]}\n}}\n' for cid, sides in CASES.items())


@pytest.fixture(scope="module")
def policies(tmp_path_factory):
    folder = tmp_path_factory.mktemp("diff-edges")
    (folder / "a.policy").write_text(measure_text("edge-a", 0), encoding="utf-8")
    (folder / "b.policy").write_text(measure_text("edge-b", 1), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def pairs(policies):
    kb = KnowledgeBase.open(policies=[policies], shipped_policies=False)
    return {p.label: p for p in pair_criteria(kb.policy("edge-a"), kb.policy("edge-b"))}


def told(pair) -> tuple:
    return pair.category, [(d.aspect, d.a, d.b, d.looser) for d in pair.differences], pair.looser


def test_every_pair_is_paired_by_its_id(pairs):
    assert list(pairs) == list(CASES)
    assert {p.paired_by for p in pairs.values()} == {"id"}


def test_conditions_of_another_shape_are_one_undirected_difference(pairs):
    for label, b in (("shape", f"{OUTPUT_3Y} and pillar_industry"),
                     ("children", "pillar_industry and management_body and chain_map")):
        pair = pairs[label]
        assert pair.b.expression == b
        assert told(pair) == (DIFFERENT, [("condition", pair.a.expression, b, None)], None)


def test_what_the_walk_found_before_the_shapes_parted_is_dropped(pairs):
    pair = pairs["partial"]
    # 40亿元 vs 30亿元 in the first comparison is not told: the second one is another measure.
    assert told(pair) == (DIFFERENT, [("kind", "hard", "soft", "B"),
                                      ("condition", pair.a.expression, pair.b.expression, None)], None)


@pytest.mark.parametrize("label, expected", [
    # the side counting more titles counts at least as many enterprises: looser under a minimum
    ("more-titles", ("measure", "number of enterprises titled little_giant",
                     "number of enterprises titled little_giant, specialized_new_sme", "B")),
    ("fewer-titles", ("measure", "number of enterprises titled little_giant, high_tech",
                      "number of enterprises titled high_tech", "A")),
])
def test_a_count_of_more_titles_is_looser(pairs, label, expected):
    assert told(pairs[label]) == (DIFFERENT, [expected], expected[3])


def test_counts_of_other_titles_have_no_direction(pairs):
    assert told(pairs["other-titles"]) == (DIFFERENT, [
        ("measure", "number of enterprises titled little_giant", "number of enterprises titled high_tech", None),
        ("threshold", "2", "3", None)], None)


@pytest.mark.parametrize("label, expected", [
    ("area-max", (OTHER_NUMBERS, [("threshold", "100 km2", "150 km2", "B")], "B")),  # a higher maximum
    ("area-strict", (DIFFERENT, [("operator", "<", "<=", "B")], "B")),  # <= admits the bound itself
    ("area-flip", (DIFFERENT, [("operator", "<=", ">=", None)], None)),  # neither contains the other
    ("area-equal", (OTHER_NUMBERS, [("threshold", "100 km2", "120 km2", None)], None)),
])
def test_maxima_and_operators_of_both_families(pairs, label, expected):
    assert told(pairs[label]) == expected


def test_a_longer_growth_window_is_neither_looser_nor_stricter(pairs):
    assert told(pairs["growth-window"]) == (DIFFERENT, [("window", "over the last 3 years",
                                                         "over the last 2 years", None)], None)


def test_each_of_the_last_1_years_is_the_latest_year(pairs):
    # Both read year Y-1 only: the same condition, written two ways.
    assert told(pairs["one-year"]) == (IDENTICAL, [], None)


@pytest.mark.parametrize("label, a, b", [
    ("value-measure", "total_output", "sme_output"),
    ("share-measure", "share of sme_output in total_output", "share of leading_output in total_output"),
    ("growth-measure", "average annual growth of total_output", "average annual growth of sme_output"),
    ("per-capita-measure", "invention_patents per 10000 employees", "invention_patents per 1000 employees"),
])
def test_another_measure_of_one_kind_is_named_in_the_words_of_the_policy_language(pairs, label, a, b):
    assert told(pairs[label]) == (DIFFERENT, [("measure", a, b, None)], None)


def test_the_command_line_tells_the_same(policies, capsys):
    status = main(["diff", "edge-a", "edge-b", "--policies", str(policies), "--as-of", "2024", "--format", "json"])
    out = capsys.readouterr().out
    assert status == 0
    data = json.loads(out)
    assert data["summary"] == {IDENTICAL: 1, OTHER_NUMBERS: 2, DIFFERENT: 13, "only in A": 0, "only in B": 0}
    by_id = {c["a"]["id"]: c for c in data["criteria"]}
    assert by_id["more-titles"]["looser"] == "B" and by_id["one-year"]["class"] == IDENTICAL
    status = main(["diff", "edge-a", "edge-b", "--policies", str(policies), "--as-of", "2024"])
    lines = capsys.readouterr().out.splitlines()
    assert status == 0
    row = next(line for line in lines if line.startswith("partial "))
    assert row.split(None, 2)[1:] == ["different", "kind hard vs soft (B looser); condition differs"]
    row = next(line for line in lines if line.startswith("more-titles "))
    assert row.split(None, 2)[1:] == ["different", "measure differs: B is looser"]
