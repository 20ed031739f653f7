"""`policykb program`: print the Datalog program a measure compiles to."""

from __future__ import annotations

from policykb.commands.common import Output, add_policy, add_year, open_kb, require_format

NAME = "program"
HELP = "print the Datalog program a measure compiles to"


def configure(parser) -> None:
    add_policy(parser)
    add_year(parser)


def run(args) -> Output:
    require_format(args)
    return Output(open_kb(args).compiled(args.policy, args.as_of).program.text())
