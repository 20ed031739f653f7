"""`policykb check`: is one cluster eligible under a measure, and why."""

from __future__ import annotations

from policykb.commands.common import Output, add_policy, add_what_if, add_year, open_kb, style
from policykb.explain import render_json, render_text

NAME = "check"
HELP = "is one cluster eligible under a measure, and why"


def configure(parser) -> None:
    parser.add_argument("cluster", help="cluster id (see `policykb screen` for the ids)")
    add_policy(parser)
    add_year(parser)
    add_what_if(parser)


def run(args) -> Output:
    verdict = open_kb(args).check(args.cluster, args.policy, args.as_of)
    if args.format == "json":
        return Output(render_json.render_verdict(verdict))
    return Output(render_text.render_verdict(verdict, style()))
