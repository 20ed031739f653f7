"""`policykb import`: read a CSV folder into a kb folder as Turtle (--into), or send it to a
SPARQL 1.1 server (--endpoint; an empty server first gets the kb, the policies' description
and --data, so it then answers every command as the files do).

All or nothing either way: everything is read and checked (CSV rows, Turtle files, the
vocabulary, the SHACL shapes unless --allow-invalid) before the first byte is written, and a
server gets the whole import in one request, which it applies as one transaction."""

from __future__ import annotations

from pathlib import Path

from policykb import resources
from policykb.commands.common import Output, require_format
from policykb.errors import PolicyKBError

NAME = "import"
HELP = "read a CSV folder into a kb folder as Turtle, or into a SPARQL server (--endpoint)"


def configure(parser) -> None:
    parser.add_argument("folder", type=Path, metavar="DIR", nargs="?",
                        help="folder in the CSV layout (optional with --endpoint)")
    parser.add_argument("--into", type=Path, metavar="KBDIR",
                        help="kb folder to write (created if new); or --endpoint URL: send the triples to that "
                             "SPARQL server (an empty server first gets the kb, the policies and --data)")
    parser.add_argument("--allow-invalid", action="store_true", dest="allow_invalid",
                        help="write the kb (or send the data to the server) even if the data breaks the SHACL "
                             "shapes (kb/shapes.ttl); "
                             "the violations are printed as warnings")


def run(args) -> Output:
    require_format(args)
    from policykb.graph.store import KnowledgeGraph
    from policykb.graph.validation import validate

    if getattr(args, "store", None):
        raise PolicyKBError.single("`policykb import` does not write a --store folder",
                                   hint="a store is built from its inputs: give the folder as --data with --store")
    if (args.into is None) == (not getattr(args, "endpoint", None)):
        raise PolicyKBError.single("say where to import to: give exactly one of --into KBDIR and --endpoint URL")
    if args.endpoint:
        return _to_endpoint(args)
    if args.folder is None:
        raise PolicyKBError.single("give the CSV folder to import", expected="policykb import DIR --into KBDIR")

    into: Path = args.into
    base = into if into.is_dir() and any(into.glob("**/*.ttl")) else args.kb
    graph = KnowledgeGraph.open(kb=base, data=args.data)
    before = len(graph.graph)
    graph.add_csv_folder(args.folder)
    added = len(graph.graph) - before
    report = validate(graph, files=[base or resources.kb_dir(), *args.data])  # before anything is written
    _refuse_invalid(report, args, str(args.folder), "nothing was written", "write the kb",
                    f"{args.into} written with data")
    graph.write_turtle(into)
    return Output(f"imported {args.folder}: {added} triples; kb written to {into}\n")


def _to_endpoint(args) -> Output:
    """Send to the server what it lacks of the kb, the policies' descriptions, --data and the
    folder: all read and checked in process first (rows, files, vocabulary, SHACL shapes), then
    sent in one request, so bad input sends nothing (graph/remote_writes.py)."""
    from policykb.graph.remote_writes import open_staged, validate_staged
    from policykb.knowledge_base import KnowledgeBase

    graph = open_staged(args.endpoint, kb=args.kb)
    KnowledgeBase.assemble(graph, args.data, args.policies)
    added = graph.add_csv_folder(args.folder) if args.folder is not None else 0
    report = validate_staged(graph, files=[args.kb or resources.kb_dir(), *args.data])
    what = str(args.folder) if args.folder is not None else ", ".join(map(str, args.data)) or "the kb"
    _refuse_invalid(report, args, what, f"nothing was sent to {args.endpoint}", "send the data",
                    f"{args.endpoint} was sent data")
    graph.commit()
    what = f"imported {args.folder}: {added} triples" if args.folder is not None else "kb, policies and data loaded"
    return Output(f"{what}; sent to {args.endpoint} ({len(graph):,} triples there now)\n")


def _refuse_invalid(report, args, what: str, nothing: str, anyway: str, written: str) -> None:
    """Refuse the import (nothing written) when the validation `report` finds data that breaks
    the shapes, unless --allow-invalid, which writes and warns on stderr."""
    import dataclasses
    import sys

    from policykb.errors import Diagnostic

    if report.conforms:
        return
    count = sum(d.severity == "error" for d in report.diagnostics)
    if not getattr(args, "allow_invalid", False):
        raise PolicyKBError([*report.diagnostics, Diagnostic(
            f"{what} not imported: the data breaks {count} rule(s) of the SHACL shapes; {nothing}",
            hint=f"correct the rows above, or give --allow-invalid to {anyway} anyway")])
    for diagnostic in report.diagnostics:
        print(dataclasses.replace(diagnostic, severity="warning").render(), file=sys.stderr)
    print(f"warning: {written} that breaks {count} rule(s) of the SHACL shapes (--allow-invalid); "
          "`policykb check` will warn about the clusters concerned", file=sys.stderr)
