"""The `policykb` command: parses arguments, calls the library, renders. Nothing else.

Exit status: 0 when the question was answered (whatever the verdict), 1 for bad input
(every message names the file, line and column or row), 2 for a malformed command line."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from policykb import __version__
from policykb.errors import PolicyKBError

DESCRIPTION = """Eligibility of SME characteristic industrial clusters under government measures,
with explanations. Facts come from an RDF knowledge graph (the shipped kb/ plus any --data
folders); measures come from policy files (the shipped policies/ plus any --policies)."""

EPILOG = """examples:
  policykb policies
  policykb check js-xinwu-mems-sensors --policy jiangsu-2023 --as-of 2024
  policykb screen --policy henan-2023 --format json
  policykb screen --policy miit-2022 --data my-clusters/
  policykb lint policies/*.policy
  policykb test policies/jiangsu-2023.policy
  policykb import my-clusters/ --into my-kb/
  policykb query 'SELECT ?p WHERE { ?c pkb:requiresIndicator ind:rd_expenditure ; pkb:ofPolicy ?p }'"""


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("knowledge base")
    group.add_argument("--kb", type=Path, metavar="DIR", help="use this kb folder instead of the shipped one")
    group.add_argument("--data", type=Path, action="append", default=[], metavar="DIR",
                       help="a folder of CSV files (clusters.csv, observations.csv, ...) to add; repeatable")
    group.add_argument("--policies", type=Path, action="append", default=[], metavar="DIR",
                       help="a folder (or file) of extra .policy files; repeatable")
    common.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    return common


def _with_year(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=int, metavar="YEAR", dest="as_of",
                        help="application year; windows look at the completed years before it "
                             "(default: the current year)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policykb", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"policykb {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = _common()

    commands.add_parser("policies", parents=[common], help="list the measures that are loaded")

    check = commands.add_parser("check", parents=[common], help="is one cluster eligible under a measure, and why")
    check.add_argument("cluster", help="cluster id (see `policykb screen` for the ids)")
    check.add_argument("--policy", required=True, metavar="ID", help="policy id (see `policykb policies`)")
    _with_year(check)

    screen = commands.add_parser("screen", parents=[common], help="verdicts of every cluster under a measure")
    screen.add_argument("--policy", required=True, metavar="ID", help="policy id (see `policykb policies`)")
    _with_year(screen)

    lint = commands.add_parser("lint", parents=[common], help="check policy files for mistakes")
    lint.add_argument("files", nargs="+", type=Path, metavar="FILE")

    test = commands.add_parser("test", parents=[common], help="run the examples written inside policy files")
    test.add_argument("files", nargs="*", type=Path, metavar="FILE",
                      help="policy files (default: the shipped policies and any --policies)")

    program = commands.add_parser("program", parents=[common], help="print the Datalog program a measure compiles to")
    program.add_argument("--policy", required=True, metavar="ID")
    _with_year(program)

    imp = commands.add_parser("import", parents=[common], help="read a CSV folder into a kb folder as Turtle")
    imp.add_argument("folder", type=Path, metavar="DIR", help="folder in the CSV layout")
    imp.add_argument("--into", type=Path, required=True, metavar="KBDIR", help="kb folder to write (created if new)")

    query = commands.add_parser("query", parents=[common], help="run a read-only SPARQL query over the graph")
    query.add_argument("sparql", help="SPARQL SELECT, ASK or CONSTRUCT; prefixes pkb:, id:, ind:, cluster:, "
                                      "qb:, prov:, skos:, dcterms:, rdfs:, xsd: are predefined")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        from policykb.commands import run

        output = run(args)
    except PolicyKBError as error:
        print(error.render(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # never a traceback for the user; POLICYKB_DEBUG=1 shows it
        if os.environ.get("POLICYKB_DEBUG"):
            raise
        print(f"internal error: {type(error).__name__}: {error}. This is a bug in policykb; "
              "run again with POLICYKB_DEBUG=1 to see where it happened and report it.", file=sys.stderr)
        return 3
    sys.stdout.write(output.text)
    return output.status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
