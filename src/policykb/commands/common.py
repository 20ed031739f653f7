"""What every command shares: the output value, opening the knowledge base, styling,
and the options most commands take."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from policykb.explain import render_text
from policykb.knowledge_base import KnowledgeBase


@dataclass
class Output:
    text: str
    status: int = 0


def style() -> render_text.Style:
    return render_text.Style(colour=sys.stdout.isatty())


def open_kb(args: argparse.Namespace) -> KnowledgeBase:
    return KnowledgeBase.open(kb=args.kb, data=args.data, policies=args.policies)


def add_year(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=int, metavar="YEAR", dest="as_of",
                        help="application year; windows look at the completed years before it "
                             "(default: the current year)")


def add_policy(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--policy", required=True, metavar="ID", help="policy id (see `policykb policies`)")
