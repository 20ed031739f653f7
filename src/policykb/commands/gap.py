"""`policykb gap`: what a cluster is missing to be eligible, as data changes."""

from __future__ import annotations

import json

from policykb.commands.common import Output, add_policy, add_what_if, add_year, open_kb, require_format, style
from policykb.research.gap import describe, gap

NAME = "gap"
HELP = "the smallest set of data changes that would make a cluster eligible"


def configure(parser) -> None:
    parser.add_argument("cluster", help="cluster id")
    add_policy(parser)
    add_year(parser)
    add_what_if(parser)


def run(args) -> Output:
    require_format(args)
    kb = open_kb(args)
    result = gap(kb, args.cluster, args.policy, args.as_of)
    if args.format == "json":
        return Output(json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n")
    return Output(render(result, kb.graph.vocabulary(), style()))


def render(result, vocabulary, painter) -> str:
    head = f"{result.cluster} under {result.policy}, application year {result.as_of}: " \
           f"{painter.paint(result.start.status, result.start.status)}"
    if result.start.status == "eligible":
        return head + "\nAlready eligible: nothing is missing.\n"
    lines = [head, ""]
    for change in result.changes:
        lines.append(f"  {change.criterion:<20} {describe(change, vocabulary)}")
    for blocker in result.blockers:
        lines.append(f"  {painter.paint('cannot', 'unmet')}: {blocker}")
    if result.reachable:
        lines += ["", f"With these {len(result.changes)} change(s) the cluster is "
                      f"{painter.paint('eligible', 'eligible')} (checked by evaluating them)."]
    else:
        lines += ["", f"With these changes the cluster would be {result.end.status}: no data change alone makes it "
                      f"eligible."]
    if any(c.before is None and not isinstance(getattr(c.step.change, "value", None), bool)
           for c in result.changes if type(c.step.change).__name__ == "SetValue"):
        lines.append("Values marked 'e.g.' stand for data to publish: any value meeting the stated bound will do.")
    return "\n".join(lines) + "\n"
