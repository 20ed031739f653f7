"""`policykb diff`: two measures' criteria side by side, and the clusters whose verdicts differ."""

from __future__ import annotations

import json

from policykb.commands.common import Output, add_year, open_kb, require_format
from policykb.explain.render_text import pad, width
from policykb.research.diff import CATEGORIES, IDENTICAL, ONLY_A, ONLY_B, CriterionPair, PolicyDiff, diff

NAME = "diff"
HELP = "compare two measures criterion by criterion, and the clusters whose verdicts differ"


def configure(parser) -> None:
    parser.add_argument("policy_a", metavar="POLICY_A", help="policy id (A)")
    parser.add_argument("policy_b", metavar="POLICY_B", help="policy id (B)")
    add_year(parser)


def run(args) -> Output:
    require_format(args)
    result = diff(open_kb(args), args.policy_a, args.policy_b, args.as_of)
    if args.format == "json":
        return Output(json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n")
    return Output("\n".join(_heading(result) + _criteria(result) + _verdicts(result)) + "\n")


def _heading(result: PolicyDiff) -> list[str]:
    lines, id_width = [], max(width(result.a.id), width(result.b.id))
    for side, policy in (("A", result.a), ("B", result.b)):
        title = policy.titles.get("zh") or policy.title
        lines.append(f"{side}  {pad(policy.id, id_width)}  {title}  {policy.document or ''}".rstrip())
    counts = " · ".join(f"{result.count(c)} {c}" for c in CATEGORIES if result.count(c))
    return lines + [f"   {len(result.pairs)} criteria: {counts}", ""]


def _criteria(result: PolicyDiff) -> list[str]:
    label_width = max(width(p.label) for p in result.pairs) if result.pairs else 0
    class_width = max(width(c) for c in CATEGORIES)
    lines = []
    for pair in result.pairs:
        lines.append(f"{pad(pair.label, label_width)}  {pad(pair.category, class_width)}  {_summary(pair)}".rstrip())
        if pair.category in (IDENTICAL, ONLY_A, ONLY_B):
            continue
        indent = " " * (label_width + 2)
        for side, criterion in (("A", pair.a), ("B", pair.b)):
            lines.append(f"{indent}{side}: {criterion.kind:<11} {criterion.expression or '(no condition)'}")
    return lines


def _summary(pair: CriterionPair) -> str:
    if pair.category in (ONLY_A, ONLY_B):
        criterion = pair.a or pair.b
        return f"{criterion.kind:<11} {criterion.expression or '(no condition)'}"
    if pair.category == IDENTICAL:
        return f"{pair.a.kind:<11} {pair.a.expression or '(no condition)'}"
    parts = []
    for d in pair.differences:
        # Each aspect's direction is worth its words only when the pair has no single one.
        looser = f" ({d.looser} looser)" if d.looser and pair.looser not in ("A", "B") else ""
        parts.append(f"{d.aspect} {d.a} vs {d.b}{looser}" if d.aspect not in ("condition", "measure")
                     else f"{d.aspect} differs{looser}")
    verdict = {"A": "A is looser", "B": "B is looser", "mixed": "looser on each side in some respect"}
    overall = f": {verdict[pair.looser]}" if pair.looser else ""
    return "; ".join(parts) + overall


def _verdicts(result: PolicyDiff) -> list[str]:
    lines = ["", f"Verdicts, application year {result.as_of}: "
                 f"{len(result.differing)} of {result.clusters} clusters differ",
             *(f"note: {n}" for n in result.notes)]
    if not result.differing:
        return lines
    header = ("cluster", f"A {result.a.id}", f"B {result.b.id}", "because")
    rows = [(d.cluster, d.a_status, d.b_status,
             "; ".join(f"{_ids(c)}: {c.a_status or '—'} vs {c.b_status or '—'}" for c in d.causes))
            for d in result.differing]
    widths = [max(width(r[i]) for r in [header, *rows]) for i in range(3)]
    lines.append("")
    for row in [header, *rows]:
        lines.append("  ".join(pad(cell, w) for cell, w in zip(row, widths)) + "  " + row[3])
    return lines


def _ids(cause) -> str:
    ids = [i for i in (cause.a, cause.b) if i]
    return ids[0] if len(set(ids)) == 1 else " ~ ".join(ids)
