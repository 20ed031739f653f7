"""`policykb validate`: check the knowledge graph against the SHACL shapes of the kb.

Prints one line per violation, `file:row: error: message. Hint.` (the row the offending record
was read from), then a summary; exit status 1 when there is a violation."""

from __future__ import annotations

import json

from policykb.commands import common
from policykb.commands.common import Output, open_kb

NAME = "validate"
HELP = "check the knowledge graph (kb and --data) against the SHACL shapes of kb/shapes.ttl"


def configure(parser) -> None:
    parser.add_argument("--cluster", action="append", default=[], metavar="ID", dest="clusters",
                        help="check only this cluster and its records (repeatable; default: the whole graph)")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the messages (default: en)")


def run(args) -> Output:
    if hasattr(common, "require_format"):  # refuses ttl and jsonld
        common.require_format(args)
    kb = open_kb(args)
    report = kb.validation(args.clusters or None, lang=args.lang)
    if args.format == "json":
        text = json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
    else:
        text = report.render_text()
    return Output(text, 0 if report.conforms else 1)
