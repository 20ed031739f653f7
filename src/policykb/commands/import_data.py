"""`policykb import`: read a CSV folder into a kb folder as Turtle (--into), or send it to a
SPARQL 1.1 server (--endpoint; an empty server first gets the kb, the policies' description
and --data, so it then answers every command as the files do)."""

from __future__ import annotations

from pathlib import Path

from policykb.commands.common import Output, graph_location, require_format
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
                        help="write the kb even if the data breaks the SHACL shapes (kb/shapes.ttl); "
                             "the violations are printed as warnings")


def run(args) -> Output:
    require_format(args)
    from policykb.graph.store import KnowledgeGraph

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
    _refuse_invalid(graph, args, base)  # before anything is written
    graph.write_turtle(into)
    return Output(f"imported {args.folder}: {added} triples; kb written to {into}\n")


def _to_endpoint(args) -> Output:
    """Send to the server what it lacks of the kb, the policies' descriptions, --data and the folder."""
    from policykb.knowledge_base import KnowledgeBase

    kb = KnowledgeBase.open(kb=args.kb, data=args.data, policies=args.policies,
                            **graph_location(args, writable=True))
    added = kb.graph.add_csv_folder(args.folder) if args.folder is not None else 0
    what = f"imported {args.folder}: {added} triples" if args.folder is not None else "kb, policies and data loaded"
    return Output(f"{what}; sent to {args.endpoint} ({len(kb.graph):,} triples there now)\n")


def _refuse_invalid(graph, args, base) -> None:
    """Validate the graph with the folder added: refuse it (nothing written) when it breaks the
    shapes, unless --allow-invalid, which writes and warns on stderr."""
    import dataclasses
    import sys

    from policykb import resources
    from policykb.errors import Diagnostic
    from policykb.graph.validation import validate

    report = validate(graph, files=[base or resources.kb_dir(), *args.data])
    if report.conforms:
        return
    count = sum(d.severity == "error" for d in report.diagnostics)
    if not getattr(args, "allow_invalid", False):
        raise PolicyKBError([*report.diagnostics, Diagnostic(
            f"{args.folder} not imported: the data breaks {count} rule(s) of the SHACL shapes; nothing was written",
            hint="correct the rows above, or give --allow-invalid to write the kb anyway")])
    for diagnostic in report.diagnostics:
        print(dataclasses.replace(diagnostic, severity="warning").render(), file=sys.stderr)
    print(f"warning: {args.into} written with data that breaks {count} rule(s) of the SHACL shapes "
          "(--allow-invalid); `policykb check` will warn about the clusters concerned", file=sys.stderr)
