"""What every command shares: the output value, opening the knowledge base, styling,
and the options most commands take."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from policykb import resources
from policykb.errors import PolicyKBError
from policykb.explain import render_text
from policykb.knowledge_base import KnowledgeBase


@dataclass
class Output:
    text: str
    status: int = 0


def style() -> render_text.Style:
    return render_text.Style(colour=sys.stdout.isatty())


def require_format(args: argparse.Namespace, allowed: tuple[str, ...] = ("text", "json")) -> None:
    """Refuse a --format this command does not write (ttl and jsonld are for check and screen)."""
    if args.format not in allowed:
        raise PolicyKBError.single(f"`policykb {args.command}` cannot write --format {args.format}",
                                   expected="--format " + " or ".join(allowed),
                                   hint="--format ttl and jsonld (verdicts as RDF) are for check and screen")


def kb_paths(args: argparse.Namespace) -> list[Path | str]:
    """The kb folder and data paths an answer was read from, or the SPARQL endpoint (for the
    provenance of verdicts)."""
    if getattr(args, "endpoint", None):
        return [args.endpoint]  # type: ignore[list-item]  # the server's graph answered
    return [args.kb or resources.kb_dir(), *args.data]


def open_kb(args: argparse.Namespace) -> KnowledgeBase:
    """The knowledge base the options name, with any --set / --set-threshold laid over it."""
    from policykb.research.scenario import parse_set, parse_set_threshold

    kb = KnowledgeBase.open(kb=args.kb, data=args.data, policies=args.policies, **graph_location(args))
    vocabulary = kb.graph.vocabulary()
    changes = [parse_set(text, vocabulary) for text in getattr(args, "set", None) or ()]
    changes += [parse_set_threshold(text) for text in getattr(args, "set_threshold", None) or ()]
    return kb.with_changes(changes) if changes else kb


def graph_location(args: argparse.Namespace, *, writable: bool = False) -> dict:
    """Where the graph lives: in process (the default), in a SPARQL server (--endpoint) or in
    an Oxigraph folder (--store); as keyword arguments of KnowledgeBase.open."""
    endpoint, store = getattr(args, "endpoint", None), getattr(args, "store", None)
    if endpoint and store:
        raise PolicyKBError.single("give --endpoint or --store, not both",
                                   hint="--endpoint reads a graph from a server, --store keeps one in a folder")
    if endpoint and not writable and (args.kb or args.data):
        raise PolicyKBError.single(f"with --endpoint the graph is the server's: --{'kb' if args.kb else 'data'} "
                                   "is not read", hint="load a kb or data folder into the server with "
                                                       "`policykb import DIR --endpoint URL [--kb DIR]`")
    if endpoint:
        return {"endpoint": endpoint, "writable": writable}
    return {"store": store} if store else {}


def add_what_if(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("what if")
    group.add_argument("--set", action="append", default=[], metavar="CLUSTER.INDICATOR[YEAR]=VALUE",
                       help="answer as if this value were so (repeatable; the kb is not changed), "
                            "e.g. js-xinwu-mems-sensors.total_output[2023]=260亿元")
    group.add_argument("--set-threshold", action="append", default=[], metavar="POLICY.CRITERION=VALUE",
                       dest="set_threshold", help="answer under a changed threshold (repeatable), "
                                                  "e.g. henan-2023.sme-share=60%%")


def add_year(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=int, metavar="YEAR", dest="as_of",
                        help="application year; windows look at the completed years before it "
                             "(default: the current year)")


def add_policy(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--policy", required=True, metavar="ID", help="policy id (see `policykb policies`)")
