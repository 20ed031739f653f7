"""`policykb import`: read a CSV folder into a kb folder as Turtle."""

from __future__ import annotations

from pathlib import Path

from policykb.commands.common import Output, require_format

NAME = "import"
HELP = "read a CSV folder into a kb folder as Turtle"


def configure(parser) -> None:
    parser.add_argument("folder", type=Path, metavar="DIR", help="folder in the CSV layout")
    parser.add_argument("--into", type=Path, required=True, metavar="KBDIR",
                        help="kb folder to write (created if new)")


def run(args) -> Output:
    require_format(args)
    from policykb.graph.store import KnowledgeGraph

    into: Path = args.into
    base = into if into.is_dir() and any(into.glob("**/*.ttl")) else args.kb
    graph = KnowledgeGraph.open(kb=base, data=args.data)
    before = len(graph.graph)
    graph.add_csv_folder(args.folder)
    added = len(graph.graph) - before
    graph.write_turtle(into)
    return Output(f"imported {args.folder}: {added} triples; kb written to {into}\n")
