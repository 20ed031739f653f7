"""The report as Markdown: headings and tables (GitHub-flavoured), the binding chart as an
image file written beside it and linked by its name."""

from __future__ import annotations

from policykb.report.i18n import BINDING_COLUMNS
from policykb.report.model import Report
from policykb.verdicts.model import CRITERION_STATUSES


def cell(value) -> str:
    """Text safe inside a table cell: pipes escaped, line breaks as <br>."""
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def table(header, rows, numeric=()) -> list[str]:
    numeric = set(numeric)
    align = ["---:" if i in numeric else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines + [""]


def render(report: Report, chart_name: str | None) -> str:
    w, policy = report.words, report.policy
    title = w.policy_title(policy)
    lines = [f"# {title}", "", f"{w['report']} · {policy.document or policy.id} · {w['as_of']} {report.as_of}", "",
             f"## {w['summary']}", ""]
    facts = [(w["measure_id"], f"`{policy.id}`"), (w["title"], title), (w["document"], policy.document or "—"),
             (w["issuer"], policy.issuer or "—"),
             (w["effective"], policy.effective.isoformat() if policy.effective else "—"),
             (w["source"], policy.source_url or "—"),
             (w["as_of"], f"{report.as_of} ({w['as_of_note']})"), (w["cluster_count"], len(report.verdicts))]
    if report.note:
        facts.append((w["version_note"], report.note))
    lines += table(["", ""], facts)
    lines += table([w["verdicts"], "status", w["count"]],
                   [(w.status(s), s, n) for s, n in report.verdict_counts().items()], numeric=[2])
    lines += table([w["criterion_statuses"], "status", w["count"]],
                   [(w.status(s), s, n) for s, n in report.criterion_counts().items()], numeric=[2])
    lines += [f"> **{w['provenance']}**{w['colon']}{report.provenance()}", ""]
    if w["explanations_note"]:
        lines += [w["explanations_note"], ""]
    lines += [f"### {w['overview']}", ""]
    rows = []
    for v in report.verdicts:
        record = report.clusters[v.cluster]
        name = w.cluster_name(record) + (f" ({w['synthetic']})" if record.synthetic else "")
        rows.append((name, f"`{v.cluster}`", record.province or "", w.status(v.status),
                     *(len(v.by_status(s)) for s in CRITERION_STATUSES)))
    lines += table([w["cluster"], w["cluster_id"], w["province"], w["status"],
                    *(w.status(s) for s in CRITERION_STATUSES)], rows, numeric=range(4, 8))

    lines += [f"## {w['binding']}", ""]
    if chart_name:
        target = f"<{chart_name}>" if any(ch in chart_name for ch in " ()") else chart_name
        lines += [f"![{w['chart']}]({target})", ""]
    lines += table([w["criterion"], w["kind"], *BINDING_COLUMNS],
                   [(f"`{r.criterion}`", w.kind(r.kind), *(getattr(r, c) for c in BINDING_COLUMNS))
                    for r in report.binding.rows], numeric=range(2, 2 + len(BINDING_COLUMNS)))
    lines += [f"- `{c}`: {w['def_' + c]}" for c in BINDING_COLUMNS] + [""]

    lines += [f"## {w['near_misses']}", ""]
    if report.near_misses is None:
        lines += [w["near_skipped"], ""]
    elif not report.near_misses:
        lines += [w["near_none"], ""]
    else:
        lines += [w["near_intro"].format(limit=report.near_limit) + " " + w["eg_note"], ""]
        rows = []
        for rank, miss in enumerate(report.near_misses, start=1):
            changes = [f"`{c}`: {text}" for c, text in report.change_lines(miss)]
            changes += [f"**{w['blockers']}**: {b}" for b in miss.gap.blockers]
            outcome = (w["reachable_yes"] if miss.gap.reachable
                       else w["reachable_no"].format(status=w.status(miss.gap.end.status)))
            rows.append((rank, f"{report.cluster_name(miss.cluster)} (`{miss.cluster}`)",
                         w.status(miss.gap.start.status), len(miss.failing), ", ".join(miss.failing),
                         "\n".join(changes + [f"*{outcome}*"])))
        lines += table([w["rank"], w["cluster"], w["status"], "n", w["failing"], w["changes"]], rows,
                       numeric=[0, 3])

    lines += [f"## {w['clusters']}", ""]
    for v in report.verdicts:
        lines += _cluster(report, v)
    return "\n".join(lines).rstrip() + "\n"


def _cluster(report: Report, verdict) -> list[str]:
    w = report.words
    record = report.clusters[verdict.cluster]
    meta = " · ".join(x for x in (record.province, record.county, record.leading_industry) if x)
    tag = f" · **{w['synthetic']}**" if record.synthetic else ""
    lines = [f"### {w.cluster_name(record)} (`{verdict.cluster}`) — {w.status(verdict.status)}", ""]
    if meta or tag:
        lines += [meta + tag, ""]
    lines += [f"{w['source']}{w['colon']}{record.provenance.source}", ""]
    lines += [f"> {n}" for n in verdict.notes] + ([""] if verdict.notes else [])
    rows = []
    for c in verdict.criteria:
        detail = [c.explanation.rstrip(".") + "."]
        for item in c.inputs:
            what, where = w.input_line(item)
            detail.append(f"· {what} — {where}")
        if c.missing and report.lang != "en":
            detail.append(f"{w['missing']}{w['colon']}" + "、".join(w.missing(m) for m in c.missing))
        rows.append((f"`{c.id}`", w.kind(c.kind), w.status(c.status), c.citation, c.source_text or "",
                     "\n".join(detail)))
    lines += table([w["criterion"], w["kind"], w["status"], w["citation"], w["source_text"], w["explanation"]], rows)
    return lines
