"""`policykb binding`: per criterion of a measure, how many clusters fail it, fail it
alone, or cannot be decided on it."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from policykb.commands.common import Output, add_policy, add_year, open_kb, require_format
from policykb.commands.sweep import table
from policykb.research import charts
from policykb.research.binding import DEFINITIONS, Binding, binding

NAME = "binding"
HELP = "which criteria keep clusters from eligibility, and how many each"
VERDICT_ORDER = ("eligible", "ineligible", "undetermined")


def configure(parser) -> None:
    add_policy(parser)
    add_year(parser)
    parser.add_argument("--chart", type=Path, metavar="FILE",
                        help="also draw the counts as horizontal bars per criterion (.png or .svg)")


def run(args) -> Output:
    require_format(args)
    if args.chart:
        charts.check_path(args.chart)  # before the work, so a typo costs nothing
    kb = open_kb(args)
    result = binding(kb, args.policy, args.as_of)
    if args.chart:
        charts.binding_chart(result.rows, chart_title(result, kb.policy(result.policy).titles.get("zh")), args.chart)
    if args.format == "json":
        return Output(json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n")
    return Output(render(result, args.chart))


def chart_title(result: Binding, title_zh: str | None) -> str:
    en = f"{result.policy}: why clusters are not eligible, application year {result.as_of}"
    return charts.label(f"{title_zh}\n{en}" if title_zh else None, en)


def to_json(result: Binding) -> dict:
    return {"policy": result.policy, "as_of": result.as_of, "clusters": result.clusters,
            "verdicts": {v: result.verdicts.get(v, 0) for v in VERDICT_ORDER}, "note": result.note,
            "definitions": DEFINITIONS, "criteria": [asdict(r) for r in result.rows]}


def render(result: Binding, chart: Path | None = None) -> str:
    verdicts = ", ".join(f"{result.verdicts.get(v, 0):,} {v}" for v in VERDICT_ORDER)
    lines = [f"{result.policy}, application year {result.as_of}: {result.clusters:,} clusters ({verdicts})"]
    if result.note:
        lines.append(f"note: {result.note}")
    lines += ["", *(f"  {name:<14}{text}" for name, text in DEFINITIONS.items()), ""]
    rows = [[r.criterion, r.kind, *(f"{getattr(r, name):,}" for name in DEFINITIONS)] for r in result.rows]
    lines += table(["criterion", "kind", *DEFINITIONS], rows, left=2)
    if chart:
        lines.append(f"chart: {chart}")
    return "\n".join(lines) + "\n"
