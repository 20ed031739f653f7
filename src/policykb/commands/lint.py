"""`policykb lint`: check policy files for mistakes."""

from __future__ import annotations

import json
from pathlib import Path

from policykb import resources
from policykb.commands.common import Output, require_format
from policykb.errors import Diagnostic, PolicyKBError

NAME = "lint"
HELP = "check policy files for mistakes"


def configure(parser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")


def run(args) -> Output:
    require_format(args)
    from policykb.graph.store import KnowledgeGraph
    from policykb.language.loader import load_policy
    from policykb.lint import lint_policy

    if getattr(args, "endpoint", None) or getattr(args, "store", None):  # the vocabulary of that graph
        from policykb.commands.common import open_kb

        vocabulary = open_kb(args).graph.vocabulary()
    else:
        vocabulary = KnowledgeGraph.open(kb=args.kb, data=args.data).vocabulary()
    context = [resources.policies_dir(), *args.policies]  # where `extends` and `uses` look
    found: list[Diagnostic] = []
    coverage: list[str] = []
    for path in args.files:
        try:
            policy, policies = load_policy(path, vocabulary, context)
        except PolicyKBError as error:
            found += error.diagnostics
            continue
        report = lint_policy(policy, policies, vocabulary)
        found += report.findings
        coverage += [f"{path}: {line}" for line in report.coverage]
    errors = [d for d in found if d.severity == "error"]
    if args.format == "json":
        text = json.dumps({"findings": [d.__dict__ for d in found], "coverage": coverage},
                          ensure_ascii=False, indent=2) + "\n"
    else:
        summary = f"{len(args.files)} file(s): {len(errors)} error(s), {len(found) - len(errors)} warning(s)"
        clauses = "".join(f"clause coverage: {line}\n" for line in coverage)
        text = "".join(d.render() + "\n" for d in found) + clauses + summary + "\n"
    return Output(text, 1 if errors else 0)
