"""The notebook front door at its edges: empty answers, lookups that fail, an eligible
cluster's gap, a diff with no differing verdict, the charts, and what IPython and `copy`
ask of the objects. tests/cli/data holds the SYNTHETIC clusters syn-good (eligible under
henan-2023 in 2024), syn-bad and syn-sparse."""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path

import pytest

from policykb import api, resources
from policykb.cli import main

DATA = Path(__file__).resolve().parents[1] / "cli" / "data"
POLICY, AS_OF = "henan-2023", 2024
CHART = re.compile(r"<Chart: SVG, [0-9,]+ characters; shown inline in Jupyter, \.save\(path\) as \.svg or \.png>")


@pytest.fixture(scope="module")
def kb():
    return api.KnowledgeBase.open(data=DATA)


@pytest.fixture(scope="module")
def empty(tmp_path_factory):
    """The vocabulary and the shipped measures, but not one cluster."""
    folder = tmp_path_factory.mktemp("empty-kb")
    for name in ("ontology.ttl", "vocabulary.ttl"):
        shutil.copy(resources.kb_dir() / name, folder / name)
    return api.KnowledgeBase.open(kb=folder)


def test_a_screen_iterates_as_verdict_views_and_refuses_an_unknown_cluster(kb):
    screen = kb.screen(POLICY, AS_OF)
    views = list(screen)
    assert [type(v) for v in views] == [api.VerdictView] * 28
    assert [v.cluster for v in views] == [v.cluster for v in screen.raw]
    assert [v.status for v in views] == [v.status for v in screen.raw]
    with pytest.raises(KeyError, match="syn-nope"):
        screen["syn-nope"]
    assert repr(screen) == (f"<ScreenView: {POLICY} ({screen.raw[0].policy_title}), application year {AS_OF}: "
                            f"28 clusters>")


def test_with_no_clusters_the_views_say_so(empty):
    screen = empty.screen(POLICY, AS_OF)
    assert (len(screen), screen.criteria, screen.counts()) == (0, [], {"eligible": 0, "ineligible": 0,
                                                                      "undetermined": 0})
    assert repr(screen) == "<ScreenView: No clusters in the knowledge base.>"
    assert "<strong>No clusters in the knowledge base.</strong>" in screen._repr_html_()
    assert screen.to_dataframe(long=True).empty and list(screen.to_dataframe().columns) == ["cluster", "name",
                                                                                            "synthetic", "status"]
    misses = empty.near_misses(POLICY, AS_OF)
    assert (len(misses), list(misses), repr(misses)) == (0, [], "<NearMissesView: No near misses.>")


def test_near_misses_iterate_as_gap_views(kb):
    misses = kb.near_misses(POLICY, AS_OF, limit=2)
    views = list(misses)
    assert [type(v) for v in views] == [api.GapView] * 2
    assert [v.cluster for v in views] == [m.cluster for m in misses.raw] == ["syn-sparse",
                                                                           "js-jingjiang-car-body-parts"]
    assert repr(misses) == f"<NearMissesView: 2 near miss(es) under {POLICY}, application year {AS_OF}>"
    assert f"<strong>2 near miss(es) under {POLICY}, application year {AS_OF}</strong>" in misses._repr_html_()


def test_the_gap_of_an_eligible_cluster_is_empty(kb):
    gap = kb.gap("syn-good", POLICY, AS_OF)
    assert gap._title() == [f"syn-good under {POLICY}, application year {AS_OF}: eligible",
                            "Already eligible: nothing is missing."]
    assert gap.to_json() == gap.raw.to_json()
    assert (gap.to_json()["status"], gap.to_json()["changes"]) == ("eligible", [])
    assert gap.to_dataframe().empty and repr(gap) == f"<GapView: {gap._title()[0]}>"


def test_a_diff_whose_verdicts_all_agree_shows_no_cluster_table(kb):
    same = kb.diff(POLICY, POLICY, AS_OF)
    assert same.to_json() == same.raw.to_json()
    assert same.to_json()["verdicts"] == {"clusters": 28, "differ": []}
    html = same._repr_html_()
    assert "Clusters whose verdicts differ" not in html and html.endswith("</table></div>")
    assert "verdicts: 0 of 28 clusters differ" in html
    other = kb.diff("miit-2022", POLICY, AS_OF)  # syn-good differs: the table follows
    assert "<div><strong>Clusters whose verdicts differ</strong></div>" in other._repr_html_()


def test_the_binding_chart_is_the_one_the_command_line_draws(kb, tmp_path, capsys):
    chart = kb.binding(POLICY, AS_OF).chart()
    assert CHART.fullmatch(repr(chart)) and f"{len(chart.svg):,} characters" in repr(chart)
    assert main(["binding", "--policy", POLICY, "--as-of", str(AS_OF), "--data", str(DATA),
                 "--chart", str(tmp_path / "cli.svg")]) == 0
    capsys.readouterr()
    assert (tmp_path / "cli.svg").read_text(encoding="utf-8") == chart._repr_svg_()


def test_what_ipython_and_copy_ask_is_not_passed_to_the_result(kb):
    view = kb.check("syn-bad", POLICY, AS_OF)
    assert repr(view) == ("<VerdictView: 合成集群乙 (syn-bad) [SYNTHETIC DATA] under henan-2023, application year "
                          "2024: ineligible>")
    # IPython probes for other representations and for a canary: none of them is the verdict's
    for probe in ("_repr_latex_", "_repr_json_", "_ipython_canary_method_should_not_exist_", "__array__"):
        assert not hasattr(view, probe) and not hasattr(kb, probe)
    copied = copy.copy(view)
    assert copied.raw is view.raw and copied.status == "ineligible"
    same = copy.copy(kb)
    assert same.core is kb.core and same.check("syn-bad", POLICY, AS_OF).raw == view.raw
