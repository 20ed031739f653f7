"""`policykb report`: one self-contained HTML file, Markdown with its chart, XLSX; the
numbers in each are those of the knowledge base. No browser is needed: the HTML is checked
by its structure (html.parser), not by rendering it."""

import re
import struct
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

from policykb import report
from policykb.cli import main
from policykb.knowledge_base import KnowledgeBase
from policykb.report import xlsx
from policykb.report.i18n import STATUS
from policykb.research.binding import binding
from policykb.research.near_miss import near_misses
from policykb.verdicts.model import CRITERION_STATUSES, VERDICT_STATUSES

DATA = Path(__file__).resolve().parents[1] / "cli" / "data"  # syn-good, syn-bad, syn-sparse (SYNTHETIC)


# ---------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def shipped():
    return KnowledgeBase.open()


@pytest.fixture(scope="module")
def with_data():
    return KnowledgeBase.open(data=[DATA])


@pytest.fixture(scope="module")
def real_zh(shipped):
    """The shipped kb (real clusters only), jiangsu-2023, in Chinese, without near misses."""
    return report.build(shipped, "jiangsu-2023", 2025, "zh", near=0)


@pytest.fixture(scope="module")
def synthetic_en(with_data):
    """Real and synthetic clusters under henan-2023 in 2024, in English, two near misses."""
    return report.build(with_data, "henan-2023", 2024, "en", near=2)


@pytest.fixture(scope="module")
def real_zh_html(real_zh, tmp_path_factory):
    path = tmp_path_factory.mktemp("html") / "jiangsu.html"
    assert report.write(real_zh, path) == [path]
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def synthetic_en_html(synthetic_en, tmp_path_factory):
    path = tmp_path_factory.mktemp("html") / "henan.html"
    report.write(synthetic_en, path)
    return path.read_text(encoding="utf-8")


class Page(HTMLParser):
    """What the tests look at in an HTML page: elements, attributes, style text, text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self.doctype = None
        self._in_style = False
        self.feed(text)
        self.close()

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        (self.styles if self._in_style else self.text).append(data)

    def all(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    @property
    def plain(self) -> str:
        return " ".join(self.text)


def verdict_tally(kb, policy, as_of) -> dict[str, int]:
    tally = Counter(row["*"] for row in kb.statuses(policy, as_of).values())
    return {s: tally[s] for s in VERDICT_STATUSES}


def criterion_tally(kb, policy, as_of) -> dict[str, int]:
    tally = Counter(s for row in kb.statuses(policy, as_of).values() for k, s in row.items() if k != "*")
    return {s: tally[s] for s in CRITERION_STATUSES}


def html_counts(page: Page, table_id: str) -> dict[str, int]:
    """The counts of one table: the count cells after its <table id=...>, before the next table."""
    start = next(i for i, (t, a) in enumerate(page.elements) if t == "table" and a.get("id") == table_id)
    end = next((i for i, (t, _) in enumerate(page.elements) if i > start and t == "table"), len(page.elements))
    return {a["data-status"]: int(a["data-count"]) for t, a in page.elements[start:end]
            if t == "td" and "data-count" in a}


# ---------------------------------------------------------------------- HTML
EXTERNAL = re.compile(r"^\s*(https?:)?//", re.I)
LINKING = ("href", "src", "xlink:href", "srcset", "action", "poster", "data", "background")


def test_html_is_one_self_contained_file(real_zh_html):
    page = Page(real_zh_html)
    assert page.doctype.lower() == "doctype html"
    assert page.all("html")[0]["lang"] == "zh-CN"
    assert page.all("meta", charset="utf-8")
    # nothing is fetched: no scripts, stylesheets, frames or images from anywhere
    for tag in ("script", "link", "iframe", "img", "object", "embed"):
        assert not page.all(tag), tag
    for tag, attrs in page.elements:
        for name in LINKING:
            value = attrs.get(name)
            assert value is None or not EXTERNAL.match(value), (tag, name, value)
            assert value is None or name not in ("href", "xlink:href") or value.startswith("#"), (tag, name, value)
    css = "".join(page.styles)
    assert "@import" not in css and "@font-face" not in css
    assert not re.search(r"url\(\s*['\"]?(?!#)", real_zh_html)  # only url(#clip) references inside the SVG
    # the chart is inline SVG, in the binding section
    assert len(page.all("svg")) == 1
    svg_at = real_zh_html.index("<svg")
    assert real_zh_html.index('id="binding"') < svg_at < real_zh_html.index('id="near-misses"')
    assert "<?xml" not in real_zh_html and "<!DOCTYPE svg" not in real_zh_html


def test_html_fonts_and_print_css(real_zh_html, synthetic_en_html):
    css = "".join(Page(real_zh_html).styles)
    family = re.search(r"html \{ font-family: ([^;]+);", css)[1]
    assert family.startswith('"Noto Sans CJK SC"') and family.rstrip().endswith("sans-serif")
    assert "Microsoft YaHei" in family and "PingFang SC" in family
    english = re.search(r"html \{ font-family: ([^;]+);", "".join(Page(synthetic_en_html).styles))[1]
    assert not english.startswith('"Noto') and "Noto Sans CJK SC" in english  # Chinese names still render
    printing = css[css.index("@media print"):]
    assert re.search(r"section\.cluster[^{]*\{ break-before: page; \}", printing)
    assert "thead { display: table-header-group; }" in printing
    assert "@page { size: A4;" in css


def test_html_counts_equal_the_statuses(shipped, real_zh_html, with_data, synthetic_en_html):
    for kb, policy, as_of, html in ((shipped, "jiangsu-2023", 2025, real_zh_html),
                                    (with_data, "henan-2023", 2024, synthetic_en_html)):
        page = Page(html)
        assert html_counts(page, "verdict-counts") == verdict_tally(kb, policy, as_of)
        assert html_counts(page, "criterion-counts") == criterion_tally(kb, policy, as_of)
        statuses = kb.statuses(policy, as_of)
        # one section per cluster, each with one row per criterion, in the status the kb gives
        sections = page.all("section", **{"class": "cluster"})
        assert len(sections) == len(statuses)
        overview = {a["data-cluster"] for a in page.all("tr") if "data-cluster" in a}
        assert overview == set(statuses)
    # the synthetic test clusters, known by construction
    page = Page(synthetic_en_html)
    assert html_counts(page, "verdict-counts") == {"eligible": 1, "ineligible": 1, "undetermined": 26}


def test_html_cluster_sections_hold_the_explanations(with_data, synthetic_en_html):
    verdict = with_data.check("syn-bad", "henan-2023", 2024)
    start = synthetic_en_html.index('id="cluster-syn-bad"')
    section = synthetic_en_html[start:synthetic_en_html.index("</section>", start)]
    rows = Page(section).all("tr")
    assert [a.get("class") for a in rows[1:]] == [f"status-{c.status}" for c in verdict.criteria]
    text = Page(section).plain
    leading = verdict.criterion("leading-share")
    assert leading.status == "unmet"
    assert leading.explanation.rstrip(".") in text
    assert leading.citation in text
    # inputs with their values and sources down to the CSV row
    assert "leading-industry output 2023 = 22.75亿元" in text
    assert "synthetic test data [" in text and "observations.csv:" in text
    assert "SYNTHETIC" in text  # the cluster is marked


def test_html_in_chinese_uses_the_graph_labels(shipped, real_zh, real_zh_html):
    text = Page(real_zh_html).plain
    for record in shipped.graph.clusters():
        assert record.name_zh and record.name_zh in text
    assert "江苏省促进中小企业特色产业集群发展管理办法" in text  # title zh of the policy file
    label = shipped.graph.vocabulary().indicators["total_output"].label_zh
    assert label == "集群总产值"
    assert "集群总产值 2023 = 250.41亿元" in text  # an input of js-xinwu-mems-sensors, labelled in Chinese
    for heading in ("概要", "约束性条件", "接近符合的集群", "各集群说明", "数据来源"):
        assert heading in text
    assert "真实集群（25个）只载有公开发布的数字" in text
    assert "合成集群" not in text.split("数据来源")[1][:200]  # no synthetic clusters in the shipped kb
    assert "待定" in text and "undetermined" not in Page(real_zh_html[real_zh_html.index('id="summary"'):]).plain


def test_html_in_english_says_where_the_data_comes_from(synthetic_en_html):
    text = Page(synthetic_en_html).plain
    assert "Real clusters (25) carry only the published figures" in text
    assert "Synthetic clusters (3) are test data and are marked SYNTHETIC." in text
    assert "概要" not in text and "Summary" in text
    assert "Henan Measures for the Identification and Management of SME Characteristic Industrial Clusters" in text


def test_near_misses_are_those_of_the_research_module(with_data, synthetic_en, synthetic_en_html):
    expected = near_misses(with_data, "henan-2023", 2024, most=15, limit=2)
    assert [m.cluster for m in expected] == ["syn-sparse", "js-jingjiang-car-body-parts"]
    assert [m.cluster for m in synthetic_en.near_misses] == [m.cluster for m in expected]
    page = Page(synthetic_en_html)
    shown = [a["data-cluster"] for a in page.all("div") if a.get("class") == "miss"]
    assert shown == ["syn-sparse", "js-jingjiang-car-body-parts"]
    first = synthetic_en_html.index('class="miss" data-cluster="syn-sparse"')
    block = Page(synthetic_en_html[first:synthetic_en_html.index("</table>", first)])
    assert len(block.all("tr")) - 1 == len(expected[0].gap.changes) == 21
    assert "eligible with these changes (checked by evaluating them)" in synthetic_en_html


def test_binding_section_matches_the_binding_module(with_data, synthetic_en_html):
    result = binding(with_data, "henan-2023", 2024)
    start = synthetic_en_html.index('<table class="binding">')
    rows = re.findall(r"<tr><td class=\"crit\">([^<]+)</td><td>[^<]*</td>((?:<td class=\"num\">[\d,]+</td>)+)</tr>",
                      synthetic_en_html[start:synthetic_en_html.index("</table>", start)])
    assert [r[0] for r in rows] == [r.criterion for r in result.rows]
    for (criterion, cells), row in zip(rows, result.rows):
        numbers = [int(n) for n in re.findall(r">([\d,]+)<", cells)]
        assert numbers == [row.unmet, row.alone, row.alone_not_met, row.unknown, row.review], criterion


# ---------------------------------------------------------------------- Markdown
def test_markdown_has_the_tables_and_the_chart_beside_it(with_data, synthetic_en, tmp_path):
    path = tmp_path / "henan report.md"
    written = report.write(synthetic_en, path)
    chart = tmp_path / "henan report-binding.png"
    assert written == [path, chart]
    png = chart.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24])[0] > 400  # a real image
    text = path.read_text(encoding="utf-8")
    assert "![Figure: clusters not meeting each criterion](<henan report-binding.png>)" in text
    lines = text.splitlines()
    assert lines[0] == ("# Henan Measures for the Identification and Management of SME Characteristic "
                        "Industrial Clusters")
    assert "| eligible | eligible | 1 |" in lines and "| ineligible | ineligible | 1 |" in lines
    assert "| undetermined | undetermined | 26 |" in lines
    # every table is well formed: as many cells in each row as in its header
    cells = lambda line: len(re.split(r"(?<!\\)\|", line.strip())) - 2  # noqa: E731
    tables, current = [], []
    for line in lines + [""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    assert len(tables) >= 5 + len(synthetic_en.verdicts)  # facts, 2 counts, overview, binding, near misses, clusters
    for table in tables:
        assert re.fullmatch(r"\|( -{3}:? \|)+", table[1]), table[1]
        assert {cells(row) for row in table} == {cells(table[0])}, table[0]
    verdict = with_data.check("syn-bad", "henan-2023", 2024)
    heading = lines.index("### SYNTHETIC cluster B (fails several conditions) (`syn-bad`) — ineligible")
    end = next(i for i in range(heading + 1, len(lines)) if lines[i].startswith("### "))
    rows = [line for line in lines[heading:end] if line.startswith("| `")]
    assert [r.split(" | ")[2] for r in rows] == [c.status for c in verdict.criteria]


# ---------------------------------------------------------------------- XLSX
def test_xlsx_counts_equal_the_statuses(with_data, synthetic_en, tmp_path):
    path = tmp_path / "henan.xlsx"
    assert report.write(synthetic_en, path) == [path]
    book = load_workbook(path)
    assert book.sheetnames == list(xlsx.SHEETS) == ["Summary", "Binding", "Near misses", "Criteria"]
    summary = {row[0]: row[2] for row in book["Summary"].iter_rows(values_only=True) if row[0] in STATUS["en"]}
    assert {s: summary[s] for s in VERDICT_STATUSES} == verdict_tally(with_data, "henan-2023", 2024) == \
        {"eligible": 1, "ineligible": 1, "undetermined": 26}
    assert {s: summary[s] for s in CRITERION_STATUSES} == criterion_tally(with_data, "henan-2023", 2024)
    # Criteria: one row per cluster x criterion, in the statuses of the kb
    statuses = with_data.statuses("henan-2023", 2024)
    rows = list(book["Criteria"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == sum(len(r) - 1 for r in statuses.values()) == 28 * 15
    assert {(r[0], r[4]): r[6] for r in rows} == {(c, k): s for c, row in statuses.items()
                                                  for k, s in row.items() if k != "*"}
    assert {r[0]: r[3] for r in rows} == {c: row["*"] for c, row in statuses.items()}
    bad = [r for r in rows if r[0] == "syn-bad" and r[4] == "leading-share"][0]
    assert bad[2] == "yes" and "leading-industry output 2023 = 22.75亿元" in bad[10]
    # Binding: the table and the chart as an image
    result = binding(with_data, "henan-2023", 2024)
    table = list(book["Binding"].iter_rows(min_row=2, max_row=1 + len(result.rows), values_only=True))
    assert [(r[0], *r[2:7]) for r in table] == [(r.criterion, r.unmet, r.alone, r.alone_not_met, r.unknown, r.review)
                                                for r in result.rows]
    assert len(book["Binding"]._images) == 1
    misses = list(book["Near misses"].iter_rows(min_row=2, values_only=True))
    assert [(m[0], m[1]) for m in misses] == [(1, "syn-sparse"), (2, "js-jingjiang-car-body-parts")]
    assert misses[0][7].count("\n") + 1 == 21


def test_xlsx_in_chinese(real_zh, tmp_path):
    path = tmp_path / "jiangsu.xlsx"
    report.write(real_zh, path)
    book = load_workbook(path)
    rows = list(book["Summary"].iter_rows(values_only=True))
    assert rows[0][0] == "江苏省促进中小企业特色产业集群发展管理办法"
    assert ("undetermined", "待定", 25) in rows
    criteria = list(book["Criteria"].iter_rows(values_only=True))
    assert criteria[0][:4] == ("cluster", "集群", "合成数据", "认定结论")
    assert ("js-xinwu-mems-sensors", "无锡市新吴区物联网MEMS传感器产业集群") in {r[:2] for r in criteria}
    assert [r[0] for r in book["Near misses"].iter_rows(values_only=True)][1] is None  # not computed: --near-misses 0


# ---------------------------------------------------------------------- the command
def test_command_writes_the_report(tmp_path, capsys):
    out = tmp_path / "r.html"
    status = main(["report", "--policy", "henan-2023", "--as-of", "2024", "--data", str(DATA), "--lang", "zh",
                   "--near-misses", "0", "--output", str(out)])
    assert status == 0
    assert capsys.readouterr().out == ("henan-2023, application year 2024: 28 clusters "
                                       f"(1 eligible, 1 ineligible, 26 undetermined)\nwrote {out} (html)\n")
    page = Page(out.read_text(encoding="utf-8"))
    assert html_counts(page, "verdict-counts") == {"eligible": 1, "ineligible": 1, "undetermined": 26}
    assert "合成集群甲" in page.plain and "（未计算：--near-misses 0）" in page.plain
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]  # no temporary left behind


@pytest.mark.parametrize("argv, message", [
    (["--output", "{tmp}/r.pdf"], "the report's format is told by the file name's suffix"),
    (["--output", "{tmp}/no-such-folder/r.html"], "the report's folder does not exist"),
    (["--output", "{tmp}/r.html", "--format", "json"], "takes its format from --output's suffix"),
    (["--output", "{tmp}/r.html", "--near-misses", "-1"], "--near-misses takes a whole number of at least 0"),
])
def test_command_refuses_bad_options(tmp_path, capsys, argv, message):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(["report", "--policy", "henan-2023", *argv]) == 1
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_failed_report_leaves_the_old_file(tmp_path, capsys):
    out = tmp_path / "r.md"
    out.write_text("old report\n", encoding="utf-8")
    assert main(["report", "--policy", "no-such-policy", "--output", str(out)]) == 1
    assert "no policy with id 'no-such-policy'" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "old report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r.md"]


def test_the_format_is_told_by_the_suffix(shipped):
    assert [report.format_of(Path(n)) for n in ("a.html", "a.HTM", "a.md", "a.markdown", "a.xlsx")] == \
        ["html", "html", "md", "md", "xlsx"]
    with pytest.raises(ValueError):
        report.build(shipped, "miit-2022", 2025, "fr")


def test_xlsx_without_openpyxl_is_refused_before_any_work(tmp_path, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "openpyxl", None)  # as if not installed
    with pytest.raises(Exception, match="writing .xlsx needs openpyxl, which is not installed"):
        report.format_of(tmp_path / "r.xlsx")
    assert report.format_of(tmp_path / "r.html") == "html"


def test_names_from_the_data_are_escaped(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "clusters.csv").write_text(
        "id,name_zh,name_en,province,county,leading_industry,area_km2\n"
        'syn-odd,"<script>alert(1)</script>集群","A & B <i>cluster</i>",Henan,某县,"x<y",50\n', encoding="utf-8")
    kb = KnowledgeBase.open(data=[folder])
    path = tmp_path / "r.html"
    report.write(report.build(kb, "henan-2023", 2024, "zh", near=0), path)
    html = path.read_text(encoding="utf-8")
    page = Page(html)
    assert not page.all("script") and not page.all("i")
    assert "<script>alert(1)</script>集群" in page.plain and "x<y" in page.plain
    assert "&lt;script&gt;alert(1)&lt;/script&gt;集群" in html
