"""`policykb sweep`: eligible / ineligible / undetermined clusters as one criterion's
threshold runs over a range."""

from __future__ import annotations

import json
from pathlib import Path

from policykb.commands.common import Output, add_policy, add_year, open_kb, require_format
from policykb.explain.render_text import pad, width
from policykb.research import charts
from policykb.research.sweep import MAX_THRESHOLDS, Sweep, plain, sweep

NAME = "sweep"
HELP = "how many clusters are eligible as one criterion's threshold varies"


def configure(parser) -> None:
    add_policy(parser)
    parser.add_argument("--criterion", required=True, metavar="CID",
                        help="criterion id; it must compare one measure with one threshold")
    parser.add_argument("--from", required=True, dest="start", metavar="A",
                        help="first threshold, with its unit, e.g. 50%% or 30亿元")
    parser.add_argument("--to", required=True, dest="stop", metavar="B",
                        help="last threshold (included when whole steps reach it)")
    parser.add_argument("--step", required=True, metavar="S",
                        help=f"step, e.g. 5%%; without a unit, in --from's unit (at most {MAX_THRESHOLDS} thresholds)")
    add_year(parser)
    parser.add_argument("--chart", type=Path, metavar="FILE",
                        help="also draw eligible clusters against the threshold (.png or .svg)")


def run(args) -> Output:
    require_format(args)
    if args.chart:
        charts.check_path(args.chart)  # before the work, so a typo costs nothing
    kb = open_kb(args)
    result = sweep(kb, args.policy, args.criterion, args.start, args.stop, args.step, args.as_of)
    if args.chart:
        titles = kb.policy(result.policy).titles
        charts.sweep_chart(result.points, result.shipped_number, chart_title(result, titles.get("zh")), args.chart,
                           unit=charts.label(result.unit, result.unit_name))
    if args.format == "json":
        return Output(json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n")
    return Output(render(result, args.chart))


def chart_title(result: Sweep, title_zh: str | None) -> str:
    en = f"{result.policy} · {result.criterion}: clusters by threshold, application year {result.as_of}"
    return charts.label(f"{title_zh}\n{en}" if title_zh else None, en)


def to_json(result: Sweep) -> list[dict]:
    return [{"threshold": result.written(p.number), "number": plain(p.number), "unit": result.unit,
             "eligible": p.eligible, "ineligible": p.ineligible, "undetermined": p.undetermined,
             "shipped": p.shipped} for p in result.points]


def render(result: Sweep, chart: Path | None = None) -> str:
    shipped = f"{result.op} {result.shipped.written}"
    if result.written(result.shipped_number) != result.shipped.written:
        shipped += f" (= {result.written(result.shipped_number)})"
    lines = [f"{result.policy} · {result.criterion} ({result.kind}): {result.expression or ''}".rstrip(),
             f"application year {result.as_of} · {result.clusters:,} clusters · shipped threshold {shipped}"]
    if result.note:
        lines.append(f"note: {result.note}")
    rows = [[result.written(p.number), f"{p.eligible:,}", f"{p.ineligible:,}", f"{p.undetermined:,}",
             "← shipped" if p.shipped else ""] for p in result.points]
    lines += ["", *table(["threshold", "eligible", "ineligible", "undetermined", ""], rows)]
    if not any(p.shipped for p in result.points):
        lines.append(f"(the shipped threshold {result.shipped.written} is not among the swept values)")
    if chart:
        lines.append(f"chart: {chart}")
    return "\n".join(lines) + "\n"


def table(header: list[str], rows: list[list[str]], left: int = 0) -> list[str]:
    """Aligned lines: the first `left` columns left-aligned, the others right-aligned (numbers);
    widths count CJK characters as two columns. (`policykb binding` uses it too.)"""
    widths = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        parts = [pad(c, w) if i < left else " " * (w - width(c)) + c for i, (c, w) in enumerate(zip(cells, widths))]
        return "  ".join(parts).rstrip()

    return [line(header), *(line(r) for r in rows)]
