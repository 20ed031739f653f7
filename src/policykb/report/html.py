"""The report as ONE self-contained HTML file: inline CSS, the chart as inline SVG, no
fonts, scripts or images fetched from anywhere. Reads well on screen and printed (A4: each
cluster starts a page, table headers repeat, rows are not split)."""

from __future__ import annotations

from policykb import __version__
from policykb.report.htmlkit import STATUS_COLOURS, badge, esc
from policykb.report.i18n import BINDING_COLUMNS, HTML_LANG
from policykb.report.model import Report, chart_svg
from policykb.verdicts.model import CRITERION_STATUSES

# Latin fonts first for English, CJK first for Chinese; the CJK fonts common on Linux
# (Noto / Source Han, WenQuanYi), macOS (PingFang, Hiragino) and Windows (YaHei, SimSun);
# a generic family last, so the browser always has one.
LATIN = '"Segoe UI", "Helvetica Neue", Helvetica, Arial'
CJK = ('"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
       '"Microsoft YaHei", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", SimHei, SimSun')
FONTS = {"zh": f"{CJK}, {LATIN}, sans-serif", "en": f"{LATIN}, {CJK}, sans-serif"}

CSS = """
:root { --ink: #1a1a1a; --muted: #5f5f5f; --rule: #d0d0d0; --accent: #2166ac; }
* { box-sizing: border-box; }
html { font-family: %(fonts)s; color: var(--ink); line-height: 1.5; font-size: 15px; }
body { max-width: 1100px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 1.7rem; margin: 0 0 .2rem; line-height: 1.3; }
h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
.subtitle { color: var(--muted); margin: 0 0 1rem; }
.muted, .id { color: var(--muted); }
.id { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .85em;
      font-weight: normal; }
a { color: var(--accent); text-decoration: none; }
nav ol { margin: .3rem 0 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: .2rem 1.6rem; }
nav li { counter-increment: toc; }
nav li::before { content: counter(toc) ". "; color: var(--muted); }
table { border-collapse: collapse; width: 100%%; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { text-align: left; vertical-align: baseline; padding: 4px 8px; border-bottom: 1px solid var(--rule); }
thead th { border-bottom: 2px solid var(--ink); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.facts { width: auto; }
table.facts th { font-weight: 600; white-space: nowrap; padding-right: 1.5rem; }
table.counts { width: auto; min-width: 16rem; }
.counts-row { display: flex; gap: 2.5rem; flex-wrap: wrap; }
.note { border-left: 3px solid var(--accent); padding: .4rem .8rem; margin: .8rem 0; background: #f3f7fb; }
figure { margin: 1rem 0; text-align: center; }
figure svg { max-width: 100%%; height: auto; }
figcaption { color: var(--muted); font-size: .85rem; }
dl.defs { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; font-size: .85rem; }
dl.defs dt { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
dl.defs dd { margin: 0; color: var(--muted); }
table.changes { font-size: .85rem; }
table.changes td:first-child { width: 16%%; }
.miss h3 .status { font-size: .8rem; }
.outcome { color: var(--muted); font-style: italic; margin: -.5rem 0 1rem; font-size: .85rem; }
table.binding { width: auto; min-width: 60%%; }
.crit { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .85em; }
section.cluster h2 { display: flex; flex-wrap: wrap; align-items: baseline; gap: .2rem .8rem; }
section.cluster h2 .status { font-size: .8rem; }
.meta { color: var(--muted); margin: 0 0 .4rem; }
.tag-synthetic { color: #a6530a; border: 1px solid #a6530a; border-radius: 3px; padding: 0 .3em; font-size: .8em;
                 font-weight: 600; }
table.criteria { table-layout: fixed; }
table.criteria th:nth-child(1) { width: 14%%; }
table.criteria th:nth-child(2) { width: 13%%; }
table.criteria .status { font-size: .8em; }
table.criteria th:nth-child(3) { width: 19%%; }
table.criteria td { overflow-wrap: anywhere; }
table.criteria tr.status-met td:first-child { border-left: 4px solid %(met)s; }
table.criteria tr.status-unmet td:first-child { border-left: 4px solid %(unmet)s; }
table.criteria tr.status-unknown td:first-child { border-left: 4px solid #bdbdbd; }
table.criteria tr.status-review td:first-child { border-left: 4px solid %(review)s; }
.source-text { display: block; margin-top: .25rem; }
.source-text::before { content: "%(source_text)s："; color: var(--muted); }
ul.inputs { margin: .3rem 0 0; padding-left: 1rem; font-size: .85rem; }
ul.inputs .where { color: var(--muted); overflow-wrap: anywhere; }
.missing { margin-top: .3rem; font-size: .85rem; color: var(--muted); }
.back { font-size: .8rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: .8rem; }
@page { size: A4; margin: 14mm 12mm 16mm; }
@media print {
  html { font-size: 10.5pt; }
  body { max-width: none; padding: 0; }
  a { color: inherit; }
  .back { display: none; }
  section.cluster, #binding, #near-misses { break-before: page; }
  .outcome { break-before: avoid; }
  h2, h3 { break-after: avoid; }
  tr, figure, .note, li { break-inside: avoid; }
  thead { display: table-header-group; }
  .note { background: none; }
}
"""


def render(report: Report) -> str:
    w = report.words
    title = w.policy_title(report.policy)
    css = CSS % {"fonts": FONTS[report.lang], "met": STATUS_COLOURS["met"], "unmet": STATUS_COLOURS["unmet"],
                 "review": STATUS_COLOURS["review"], "source_text": w["source_text"]}
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{HTML_LANG[report.lang]}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="policykb {esc(__version__)}">',
        f"<title>{esc(title)} · {esc(w['report'])} · {report.as_of}</title>",
        f"<style>{css}</style>",
        "</head>",
        "<body>",
        '<header id="top">',
        f"<h1>{esc(title)}</h1>",
        f'<p class="subtitle">{esc(w["report"])} · {esc(report.policy.document or report.policy.id)} · '
        f'{esc(w["as_of"])} {report.as_of}</p>',
        "</header>",
        _contents(report),
        _summary(report),
        _binding(report),
        _near_misses(report),
        *(_cluster(report, v) for v in report.verdicts),
        f'<footer>{esc(w["generated_by"].format(version=__version__))}</footer>',
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def cluster_anchor(cluster_id: str) -> str:
    return "cluster-" + "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in cluster_id)


def _contents(report: Report) -> str:
    w = report.words
    return (f'<nav><strong>{esc(w["contents"])}</strong><ol>'
            f'<li><a href="#summary">{esc(w["summary"])}</a></li>'
            f'<li><a href="#binding">{esc(w["binding"])}</a></li>'
            f'<li><a href="#near-misses">{esc(w["near_misses"])}</a></li>'
            f'<li><a href="#clusters">{esc(w["clusters"])}</a> ({len(report.verdicts)})</li>'
            "</ol></nav>")


def _summary(report: Report) -> str:
    w, policy = report.words, report.policy
    facts = [(w["measure_id"], f'<span class="id">{esc(policy.id)}</span>'),
             (w["title"], esc(w.policy_title(policy))),
             (w["document"], esc(policy.document or "—")),
             (w["issuer"], esc(policy.issuer or "—")),
             (w["effective"], esc(policy.effective.isoformat() if policy.effective else "—")),
             (w["as_of"], f'{report.as_of} <span class="muted">({esc(w["as_of_note"])})</span>'),
             (w["cluster_count"], str(len(report.verdicts)))]
    if policy.source_url:  # as text: the report loads nothing from the network
        facts.insert(5, (w["source"], f'<span class="muted">{esc(policy.source_url)}</span>'))
    other = policy.titles.get("en" if report.lang == "zh" else "zh")
    if other:
        facts.insert(2, ("", f'<span class="muted">{esc(other)}</span>'))
    if report.note:
        facts.append((w["version_note"], esc(report.note)))
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in facts)
    verdicts = _count_table(report, w["verdicts"], report.verdict_counts(), "verdict-counts")
    criteria = _count_table(report, w["criterion_statuses"], report.criterion_counts(), "criterion-counts")
    notes = [f'<p class="note"><strong>{esc(w["provenance"])}{esc(w["colon"])}</strong>{esc(report.provenance())}</p>']
    if w["explanations_note"]:
        notes.append(f'<p class="muted">{esc(w["explanations_note"])}</p>')
    return (f'<section id="summary"><h2>{esc(w["summary"])}</h2>'
            f'<table class="facts">{rows}</table>'
            f'<div class="counts-row">{verdicts}{criteria}</div>'
            + "".join(notes) + _overview(report) + "</section>")


def _count_table(report: Report, caption: str, counts: dict[str, int], css_id: str) -> str:
    w = report.words
    rows = "".join(f'<tr><td>{badge(s, w.status(s))}</td>'
                   f'<td class="num" data-status="{s}" data-count="{n}">{n:,}</td></tr>' for s, n in counts.items())
    total = sum(counts.values())
    return (f'<table class="counts" id="{css_id}"><thead><tr><th>{esc(caption)}</th>'
            f'<th class="num">{esc(w["count"])}</th></tr></thead><tbody>{rows}</tbody>'
            f'<tfoot><tr><td></td><td class="num">{total:,}</td></tr></tfoot></table>')


def _overview(report: Report) -> str:
    w = report.words
    head = "".join(f'<th class="num" title="{esc(w.status(s))}">{esc(w.status(s))}</th>' for s in CRITERION_STATUSES)
    rows = []
    for v in report.verdicts:
        record = report.clusters[v.cluster]
        tag = f' <span class="tag-synthetic">{esc(w["synthetic"])}</span>' if record.synthetic else ""
        counts = "".join(f'<td class="num">{len(v.by_status(s)) or ""}</td>' for s in CRITERION_STATUSES)
        rows.append(f'<tr data-cluster="{esc(v.cluster)}"><td><a href="#{cluster_anchor(v.cluster)}">'
                    f'{esc(w.cluster_name(record))}</a>{tag}<br><span class="id">{esc(v.cluster)}</span></td>'
                    f'<td>{esc(record.province or "")}</td><td>{badge(v.status, w.status(v.status))}</td>{counts}</tr>')
    return (f'<h3>{esc(w["overview"])}</h3><table class="overview"><thead><tr><th>{esc(w["cluster"])}</th>'
            f'<th>{esc(w["province"])}</th><th>{esc(w["status"])}</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _binding(report: Report) -> str:
    w, result = report.words, report.binding
    svg = inline_svg(chart_svg(report))
    head = "".join(f'<th class="num">{esc(c)}</th>' for c in BINDING_COLUMNS)
    rows = "".join(f'<tr><td class="crit">{esc(r.criterion)}</td><td>{esc(w.kind(r.kind))}</td>'
                   + "".join(f'<td class="num">{getattr(r, c):,}</td>' for c in BINDING_COLUMNS) + "</tr>"
                   for r in result.rows)
    defs = "".join(f"<dt>{c}</dt><dd>{esc(w['def_' + c])}</dd>" for c in BINDING_COLUMNS)
    return (f'<section id="binding"><h2>{esc(w["binding"])}</h2>'
            f'<figure>{svg}<figcaption>{esc(w["chart"])}</figcaption></figure>'
            f'<table class="binding"><thead><tr><th>{esc(w["criterion"])}</th><th>{esc(w["kind"])}</th>{head}'
            f'</tr></thead><tbody>{rows}</tbody></table>'
            f'<p><strong>{esc(w["definitions"])}</strong></p><dl class="defs">{defs}</dl></section>')


def inline_svg(svg: str) -> str:
    """matplotlib's SVG document as an element for HTML: without the XML declaration,
    DOCTYPE and comments before the <svg> tag."""
    start = svg.find("<svg")
    return svg[start:].strip() if start >= 0 else svg


def _near_misses(report: Report) -> str:
    w = report.words
    head = f'<section id="near-misses"><h2>{esc(w["near_misses"])}</h2>'
    if report.near_misses is None:
        return head + f'<p class="muted">{esc(w["near_skipped"])}</p></section>'
    if not report.near_misses:
        return head + f"<p>{esc(w['near_none'])}</p></section>"
    parts = [head, f"<p>{esc(w['near_intro'].format(limit=report.near_limit))} {esc(w['eg_note'])}</p>"]
    for rank, miss in enumerate(report.near_misses, start=1):
        record = report.clusters[miss.cluster]
        rows = "".join(f'<tr><td class="crit">{esc(c)}</td><td>{esc(text)}</td></tr>'
                       for c, text in report.change_lines(miss))
        rows += "".join(f'<tr><td><strong>{esc(w["blockers"])}</strong></td><td>{esc(b)}</td></tr>'
                        for b in miss.gap.blockers)
        outcome = (w["reachable_yes"] if miss.gap.reachable
                   else w["reachable_no"].format(status=w.status(miss.gap.end.status)))
        parts.append(
            f'<div class="miss" data-cluster="{esc(miss.cluster)}">'
            f'<h3><span class="rank">{rank}.</span> <a href="#{cluster_anchor(miss.cluster)}">'
            f'{esc(w.cluster_name(record))}</a> <span class="id">{esc(miss.cluster)}</span> '
            f'{badge(miss.gap.start.status, w.status(miss.gap.start.status))}</h3>'
            f'<p class="meta">{esc(w["failing"])} ({len(miss.failing)}): '
            f'<span class="crit">{esc(", ".join(miss.failing))}</span></p>'
            f'<table class="changes"><thead><tr><th>{esc(w["criterion"])}</th><th>{esc(w["changes"])}</th></tr>'
            f'</thead><tbody>{rows}</tbody></table><p class="outcome">{esc(outcome)}</p></div>')
    parts.append("</section>")
    return "".join(parts)


def _cluster(report: Report, verdict) -> str:
    w = report.words
    record = report.clusters[verdict.cluster]
    meta = [x for x in (record.province, record.county, record.leading_industry) if x]
    tag = f' <span class="tag-synthetic">{esc(w["synthetic"])}</span>' if record.synthetic else ""
    counts = " · ".join(f"{len(verdict.by_status(s))} {esc(w.status(s))}" for s in CRITERION_STATUSES
                        if verdict.by_status(s))
    notes = "".join(f'<p class="note">{esc(n)}</p>' for n in verdict.notes)
    rows = "".join(_criterion_row(report, c) for c in verdict.criteria)
    first = ' id="clusters"' if verdict is report.verdicts[0] else ""
    return (f'<section class="cluster"{first}><h2 id="{cluster_anchor(verdict.cluster)}">'
            f'<span>{esc(w.cluster_name(record))}</span><span class="id">{esc(verdict.cluster)}</span>'
            f'{badge(verdict.status, w.status(verdict.status))}</h2>'
            f'<p class="meta">{esc(" · ".join(meta))}{tag}</p>'
            f'<p class="meta">{esc(w["source"])}{esc(w["colon"])}{esc(record.provenance.source)}</p>'
            f"<p>{counts}</p>{notes}"
            f'<table class="criteria"><thead><tr><th>{esc(w["criterion"])}</th><th>{esc(w["status"])}</th>'
            f'<th>{esc(w["citation"])}</th><th>{esc(w["explanation"])}</th></tr></thead><tbody>{rows}</tbody></table>'
            f'<p class="back"><a href="#top">↑ {esc(w["back"])}</a></p></section>')


def _criterion_row(report: Report, criterion) -> str:
    w = report.words
    source = f'<span class="source-text" lang="zh-CN">{esc(criterion.source_text)}</span>' \
        if criterion.source_text else ""
    inputs = ""
    if criterion.inputs:
        items = []
        for item in criterion.inputs:
            what, where = w.input_line(item)
            items.append(f'<li>{esc(what)} <span class="where">— {esc(where)}</span></li>')
        inputs = f'<ul class="inputs" title="{esc(w["inputs"])}">{"".join(items)}</ul>'
    missing = ""
    if criterion.missing and report.lang != "en":  # English explanations name what is missing already
        missing = (f'<div class="missing">{esc(w["missing"])}{esc(w["colon"])}'
                   f'{esc("、".join(w.missing(m) for m in criterion.missing))}</div>')
    explanation = criterion.explanation.rstrip(".") + "."
    return (f'<tr class="status-{esc(criterion.status)}"><td><span class="crit">{esc(criterion.id)}</span><br>'
            f'<span class="muted">{esc(w.kind(criterion.kind))}</span></td>'
            f"<td>{badge(criterion.status, w.status(criterion.status))}</td>"
            f"<td>{esc(criterion.citation)}{source}</td>"
            f"<td>{esc(explanation)}{inputs}{missing}</td></tr>")
