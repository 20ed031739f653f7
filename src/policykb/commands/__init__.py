"""The `policykb` commands, one module each: NAME, HELP, configure(parser), run(args).

To add a command, write its module and list it in MODULES; cli.py builds the parser from it."""

from __future__ import annotations

import argparse

from policykb.commands import (binding, check, designations, diff, gap, import_data, lint, policies, program, query,
                               report, run_tests, screen, sweep, validate)
from policykb.commands.common import Output

MODULES = (policies, check, screen, gap, diff, designations, sweep, binding, report, lint, run_tests, program,
           import_data, validate, query)


def run(args: argparse.Namespace) -> Output:
    return next(m for m in MODULES if m.NAME == args.command).run(args)
