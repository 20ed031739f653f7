"""The notebook front door (`from policykb import KnowledgeBase`): answers that render as
HTML tables with status colours and convert to pandas DataFrames with the kb's numbers."""

import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

import policykb
from policykb import api
from policykb.report.htmlkit import STATUS_COLOURS
from policykb.research.binding import binding
from policykb.research.diff import CATEGORIES

DATA = Path(__file__).resolve().parents[1] / "cli" / "data"  # syn-good, syn-bad, syn-sparse (SYNTHETIC)
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(scope="module")
def kb():
    from policykb import KnowledgeBase

    return KnowledgeBase.open(data=DATA)  # one folder, given bare


class Cells(HTMLParser):
    """The status of every element that carries one (data-status), in document order."""

    def __init__(self, html: str):
        super().__init__()
        self.statuses, self.rows, self.styles = [], 0, []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-status" in attrs:
            self.statuses.append(attrs["data-status"])
            self.styles.append(attrs.get("style", ""))
        self.rows += tag == "tr"


def test_import_policykb_stays_light_and_the_front_door_is_lazy():
    code = ("import sys, policykb; light = not any(m in sys.modules for m in ('policykb.api', 'rdflib', 'pyDatalog',"
            " 'pandas')); from policykb import KnowledgeBase; import policykb.api as a; "
            "print(light, KnowledgeBase is a.KnowledgeBase)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(SRC), "PATH": ""}).stdout
    assert out.split() == ["True", "True"]
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        policykb.Nothing  # noqa: B018


def test_the_front_door_reaches_the_library(kb):
    assert isinstance(kb, api.KnowledgeBase)
    assert repr(kb) == ("<policykb.KnowledgeBase: 28 clusters, "
                        "measures guangdong-2023, henan-2023, jiangsu-2023, miit-2022>")
    assert kb.statuses("henan-2023", 2024)["syn-good"]["*"] == "eligible"  # the library's method, through
    assert len(kb.graph.cluster_ids()) == 28
    with pytest.raises(AttributeError):
        kb.no_such_thing  # noqa: B018


def test_check_renders_every_criterion_in_its_colour(kb):
    view = kb.check("syn-bad", "henan-2023", 2024)
    verdict = kb.core.check("syn-bad", "henan-2023", 2024)
    assert view.status == "ineligible" and view.raw.cluster == "syn-bad"  # attributes of the Verdict
    assert view.to_json() == verdict.to_json()
    html = view._repr_html_()
    cells = Cells(html)
    assert cells.statuses == ["ineligible"] + [c.status for c in verdict.criteria]
    assert cells.rows == 1 + len(verdict.criteria)
    for status, style in zip(cells.statuses, cells.styles):
        assert f"color:{STATUS_COLOURS[status]}" in style
    assert "[SYNTHETIC DATA]" in html and "合成集群乙" in html
    markdown = view._repr_markdown_()
    assert "| leading-share | hard | unmet |" in markdown


def test_check_to_dataframe(kb):
    frame = kb.check("syn-bad", "henan-2023", 2024).to_dataframe()
    verdict = kb.core.check("syn-bad", "henan-2023", 2024)
    assert list(frame.columns) == ["cluster", "policy", "as_of", "verdict", "criterion", "kind", "status", "citation",
                                   "source_text", "explanation", "inputs", "missing"]
    assert list(frame["criterion"]) == [c.id for c in verdict.criteria]
    assert list(frame["status"]) == [c.status for c in verdict.criteria]
    row = frame.set_index("criterion").loc["leading-share"]
    assert row["verdict"] == "ineligible" and row["as_of"] == 2024
    assert "leading-industry output 2023 = 22.75亿元" in row["inputs"]


def test_screen_matches_the_statuses(kb):
    view = kb.screen("henan-2023", 2024)
    statuses = kb.statuses("henan-2023", 2024)
    assert len(view) == 28 and view["syn-good"].status == "eligible" and view[0].cluster == "ha-changyuan-cranes"
    assert view.counts() == {"eligible": 1, "ineligible": 1, "undetermined": 26} == \
        dict(Counter(r["*"] for r in statuses.values()))
    frame = view.to_dataframe()
    criteria = [c.id for c in kb.core.policy("henan-2023").criteria]
    assert list(frame.columns) == ["cluster", "name", "synthetic", "status", *criteria]
    for _, row in frame.iterrows():
        assert {k: row[k] for k in ["status", *criteria]} == {"status": statuses[row["cluster"]]["*"],
                                                              **{k: statuses[row["cluster"]][k] for k in criteria}}
    assert list(frame.loc[frame["synthetic"], "cluster"]) == ["syn-bad", "syn-good", "syn-sparse"]
    long = view.to_dataframe(long=True)
    assert len(long) == 28 * len(criteria)
    assert Counter(long["status"]) == Counter(s for r in statuses.values() for k, s in r.items() if k != "*")
    # in HTML: one row per cluster, its verdict then a coloured mark per criterion
    cells = Cells(view._repr_html_())
    assert cells.rows == 1 + 28
    assert cells.statuses == [s for c in sorted(statuses)
                              for s in [statuses[c]["*"], *(statuses[c][k] for k in criteria)]]


def test_gap_to_dataframe_has_the_exact_values(kb):
    view = kb.gap("syn-bad", "henan-2023", 2024)
    assert not view.reachable  # an attribute of the Gap
    frame = view.to_dataframe()
    change = frame[frame["criterion"] == "leading-share"].iloc[0]
    assert change["indicator"] == "leading_output"
    assert change["value"] == 2_275_000_001 and change["before"] == 2_275_000_000  # one yuan above 65% of 35亿元
    assert change["value_exact"] == "2275000001"
    html = view._repr_html_()
    assert "cannot: compliance: a disqualifying incident in 2022 cannot be undone" in html
    assert Cells(html).rows == 1 + len(view.raw.changes)


def test_what_if_answers_as_if_the_gap_were_closed(kb):
    gap = kb.gap("syn-bad", "henan-2023", 2024).raw
    year = next(c.step.change.year for c in gap.changes if c.criterion == "leading-share")
    changed = kb.what_if(f"syn-bad.leading_output[{year}]=2275000001元")
    assert changed.check("syn-bad", "henan-2023", 2024).raw.criterion("leading-share").status == "met"
    assert kb.check("syn-bad", "henan-2023", 2024).raw.criterion("leading-share").status == "unmet"
    looser = kb.what_if(thresholds=["henan-2023.leading-share=64%"])
    assert looser.check("syn-bad", "henan-2023", 2024).raw.criterion("leading-share").status == "met"


def test_near_misses(kb):
    view = kb.near_misses("henan-2023", 2024, limit=2)
    assert [m.cluster for m in view.raw] == ["syn-sparse", "js-jingjiang-car-body-parts"]
    assert len(view) == 2 and view[0].reachable and len(view[0].changes) == 21
    frame = view.to_dataframe()
    assert list(frame["cluster"]) == ["syn-sparse", "js-jingjiang-car-body-parts"]
    assert list(frame["failing"]) == [13, 13] and list(frame["changes"]) == [21, 22]


def test_diff(kb):
    view = kb.diff("miit-2022", "henan-2023", 2024)
    frame = view.to_dataframe()
    assert Counter(frame["class"]) == {c: view.raw.count(c) for c in CATEGORIES if view.raw.count(c)}
    assert frame.set_index("criterion").loc["output", "differences"] == "threshold: 40亿元 vs 30亿元 (B looser)"
    verdicts = view.verdicts_dataframe()
    assert verdicts.to_dict("records") == [{"cluster": "syn-good", "a": "ineligible", "b": "eligible",
                                            "because": "output: unmet vs met; sme-share: unmet vs met; "
                                                       "leading-share: unmet vs met"}]
    assert Cells(view._repr_html_()).statuses == ["ineligible", "eligible"]


def test_sweep(kb, tmp_path):
    view = kb.sweep("henan-2023", "sme-share", "50%", "80%", "5%", as_of=2024)
    frame = view.to_dataframe()
    assert list(frame["threshold"]) == [50, 55, 60, 65, 70, 75, 80]
    assert list(frame["eligible"]) == [1, 1, 1, 1, 0, 0, 0]
    assert list(frame["shipped"]) == [False, False, False, True, False, False, False]
    assert list(frame["eligible"] + frame["ineligible"] + frame["undetermined"]) == [28] * 7
    assert "← shipped" in view._repr_html_()
    chart = view.chart()
    assert "<svg" in chart._repr_svg_()
    assert chart.save(tmp_path / "sweep.png").read_bytes()[:4] == b"\x89PNG"


def test_binding(kb):
    view = kb.binding("henan-2023", 2024)
    result = binding(kb.core, "henan-2023", 2024)
    frame = view.to_dataframe()
    assert frame.to_dict("records") == [{"criterion": r.criterion, "kind": r.kind, "unmet": r.unmet, "alone": r.alone,
                                         "alone_not_met": r.alone_not_met, "unknown": r.unknown, "review": r.review}
                                        for r in result.rows]
    assert "28 clusters (1 eligible, 1 ineligible, 26 undetermined)" in view._repr_html_()


def test_report_from_python(kb, tmp_path):
    written = kb.report("henan-2023", tmp_path / "henan.md", as_of=2024, lang="zh", near_misses=0)
    assert written == [tmp_path / "henan.md", tmp_path / "henan-binding.png"]
    text = written[0].read_text(encoding="utf-8")
    assert text.startswith("# 河南省中小企业特色产业集群认定管理办法\n")
    assert "| 符合条件 | eligible | 1 |" in text


def test_to_dataframe_without_pandas_says_what_to_install(kb, monkeypatch):
    view = kb.check("syn-good", "henan-2023", 2024)
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if not installed
    with pytest.raises(ImportError, match=r"to_dataframe\(\) needs pandas, which is not installed: pip install pandas"):
        view.to_dataframe()
    assert "eligible" in view._repr_html_()  # the rest works without it


def test_chinese_labels(kb):
    kb_zh = api.KnowledgeBase(kb.core, lang="zh")
    frame = kb_zh.check("syn-bad", "henan-2023", 2024).to_dataframe()
    assert "主导产业产值 2023 = 22.75亿元" in frame.set_index("criterion").loc["leading-share", "inputs"]
    gap = kb_zh.gap("syn-bad", "henan-2023", 2024).to_dataframe()
    assert gap.set_index("criterion").loc["leading-share", "change"].startswith("主导产业产值 2023: 22.75亿元 → ")
