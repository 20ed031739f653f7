"""`policykb screen`: verdicts of every cluster under a measure."""

from __future__ import annotations

from policykb.commands.common import Output, add_policy, add_what_if, add_year, kb_paths, open_kb, style
from policykb.explain import render_json, render_rdf, render_text

NAME = "screen"
HELP = "verdicts of every cluster under a measure"


def configure(parser) -> None:
    add_policy(parser)
    add_year(parser)
    add_what_if(parser)
    parser.add_argument("--near-miss", type=int, metavar="K", dest="near_miss",
                        help="only clusters that are not eligible and fail at most K criteria, ranked, each with "
                             "its gap")
    parser.add_argument("--limit", type=int, default=20, metavar="N", help="at most N near misses (default 20)")


def run(args) -> Output:
    if args.near_miss is not None:
        return _near_misses(args)
    kb = open_kb(args)
    verdicts = kb.screen(args.policy, args.as_of)
    if args.format in render_rdf.FORMATS:
        return Output(render_rdf.render(verdicts, kb, args.format, used=kb_paths(args)))
    if args.format == "json":
        return Output(render_json.render_screen(verdicts))
    return Output(render_text.render_screen(verdicts, style()))


def _near_misses(args) -> Output:
    import json

    from policykb.commands.gap import render as render_gap
    from policykb.errors import PolicyKBError
    from policykb.research.near_miss import near_misses

    if args.near_miss < 1 or args.limit < 1:
        raise PolicyKBError.single("--near-miss and --limit take a whole number of at least 1")
    kb = open_kb(args)
    found = near_misses(kb, args.policy, args.as_of, args.near_miss, args.limit)
    if args.format == "json":
        return Output(json.dumps([m.to_json() for m in found], ensure_ascii=False, indent=2) + "\n")
    if not found:
        return Output(f"No cluster fails {args.near_miss} or fewer criteria of {args.policy} without being eligible.\n")
    parts = [f"{len(found)} near miss(es) under {args.policy}, failing at most {args.near_miss} criteria:\n"]
    for rank, miss in enumerate(found, start=1):
        parts.append(f"#{rank} failing {len(miss.failing)}: {', '.join(miss.failing)}\n"
                     + render_gap(miss.gap, kb.graph.vocabulary(), style()))
    return Output("\n".join(parts))
