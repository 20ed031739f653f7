"""`policykb designations`: the recorded designations, their validity and review dates."""

from __future__ import annotations

import json

from policykb.commands.common import Output, open_kb, require_format
from policykb.explain.render_text import pad, width
from policykb.research.designations import designations, due

NAME = "designations"
HELP = "designations on record: measure, list year, validity and review due date"


def configure(parser) -> None:
    parser.add_argument("--due", type=int, metavar="YEAR",
                        help="only the designations whose review falls due in this year")


def run(args) -> Output:
    require_format(args)
    found = designations(open_kb(args))
    if args.due is not None:
        found = due(found, args.due)
    if args.format == "json":
        return Output(json.dumps([d.to_json() for d in found], ensure_ascii=False, indent=2) + "\n")
    title = f"Designations whose review falls due in {args.due}" if args.due is not None else "Designations"
    if not found:
        return Output(f"{title}: none on record.\n")
    header = ("cluster", "measure", "listed", "valid", "review due", "list")
    rows = [(d.cluster, d.policy, str(d.list_year),
             f"{d.valid_from}-{d.valid_to}" if d.valid_from is not None else "?",
             str(d.review_due) if d.review_due is not None else "?", d.document or "") for d in found]
    widths = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [f"{title}: {len(found)}", ""]
    lines += ["  ".join(pad(cell, w) for cell, w in zip(row, widths)).rstrip() for row in [header, *rows]]
    unknown = sorted({d.policy for d in found if d.valid_from is None})
    if unknown:
        lines += ["", "validity unknown for " + ", ".join(unknown) + ": the measure is not loaded or states no "
                  "`validity N years`"]
    return Output("\n".join(lines) + "\n")
