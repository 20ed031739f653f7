"""`policykb screen`: verdicts of every cluster under a measure."""

from __future__ import annotations

from policykb.commands.common import Output, add_policy, add_what_if, add_year, open_kb, style
from policykb.explain import render_json, render_text

NAME = "screen"
HELP = "verdicts of every cluster under a measure"


def configure(parser) -> None:
    add_policy(parser)
    add_year(parser)
    add_what_if(parser)


def run(args) -> Output:
    verdicts = open_kb(args).screen(args.policy, args.as_of)
    if args.format == "json":
        return Output(render_json.render_screen(verdicts))
    return Output(render_text.render_screen(verdicts, style()))
