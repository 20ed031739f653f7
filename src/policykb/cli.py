"""The `policykb` command: parses arguments, calls the library, renders. Nothing else.

Exit status: 0 when the question was answered (whatever the verdict), 1 for bad input
(every message names the file, line and column or row), 2 for a malformed command line,
3 for a bug in policykb (one sentence; POLICYKB_DEBUG=1 shows the traceback), 130 when
interrupted."""

from __future__ import annotations

import argparse
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
    group.add_argument("--endpoint", metavar="URL",
                       help="the graph is in this SPARQL 1.1 server (e.g. http://127.0.0.1:7878 of `oxigraph serve`), "
                            "read with a few queries instead of loaded in process; load it with `policykb import DIR "
                            "--endpoint URL`")
    group.add_argument("--store", type=Path, metavar="DIR",
                       help="keep the graph in this Oxigraph folder: built from --kb, --data and the policies on "
                            "first use, opened in milliseconds afterwards (rebuilt when an input changes)")
    common.add_argument("--format", choices=("text", "json", "ttl", "jsonld"), default="text",
                        help="output format (default: text); ttl and jsonld (verdicts as RDF) for check and screen")
    return common


def build_parser() -> argparse.ArgumentParser:
    from policykb.commands import MODULES

    parser = argparse.ArgumentParser(prog="policykb", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"policykb {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = _common()
    for module in MODULES:
        module.configure(commands.add_parser(module.NAME, parents=[common], help=module.HELP,
                                             description=module.HELP))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        from policykb.commands import run
        from policykb.rdflib_log import rdflib_warnings

        with rdflib_warnings():  # what rdflib logs (with tracebacks) becomes one-line warnings
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
