"""`policykb report`: a measure over every cluster as a document (HTML, Markdown or XLSX).

The format is told by --output's suffix (.html, .md, .xlsx): the common --format option
names the formats of terminal output (text, json, ...), which a report file is not."""

from __future__ import annotations

from pathlib import Path

from policykb.commands.common import Output, add_policy, add_year, open_kb
from policykb.errors import PolicyKBError

NAME = "report"
HELP = "a measure over every cluster as a report: summary, binding criteria, near misses, every verdict explained"


def configure(parser) -> None:
    add_policy(parser)
    add_year(parser)
    parser.add_argument("--output", "-o", required=True, type=Path, metavar="FILE",
                        help="the report file; its suffix gives the format: .html (one self-contained file), "
                             ".md (with the chart as FILE-binding.png beside it) or .xlsx")
    parser.add_argument("--lang", choices=("zh", "en"), default="en",
                        help="language of headings and labels (default: en); zh uses the graph's Chinese labels")
    parser.add_argument("--near-misses", type=int, default=10, metavar="N", dest="near_misses",
                        help="list the N clusters closest to eligibility with their gaps (default: 10; 0: none)")


def run(args) -> Output:
    from policykb import report

    if args.format != "text":
        raise PolicyKBError.single(f"`policykb report` takes its format from --output's suffix, not --format "
                                   f"{args.format}", expected="--output FILE.html, FILE.md or FILE.xlsx")
    if args.near_misses < 0:
        raise PolicyKBError.single("--near-misses takes a whole number of at least 0")
    fmt = report.format_of(args.output)  # before the work, so a typo costs nothing
    kb = open_kb(args)
    built = report.build(kb, args.policy, args.as_of, args.lang, args.near_misses)
    written = report.write(built, args.output)
    counts = ", ".join(f"{n:,} {s}" for s, n in built.verdict_counts().items())
    lines = [f"{built.policy.id}, application year {built.as_of}: {len(built.verdicts):,} clusters ({counts})",
             *(f"wrote {path} ({fmt if path == args.output else 'chart'})" for path in written)]
    return Output("\n".join(lines) + "\n")
