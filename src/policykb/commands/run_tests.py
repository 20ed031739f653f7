"""`policykb test`: run the examples written inside policy files."""

from __future__ import annotations

from pathlib import Path

from policykb import resources
from policykb.commands.common import Output, style, require_format

NAME = "test"
HELP = "run the examples written inside policy files"


def configure(parser) -> None:
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE",
                        help="policy files (default: the shipped policies and any --policies)")


def run(args) -> Output:
    require_format(args)
    from policykb.graph.store import KnowledgeGraph
    from policykb.language.loader import load_policies, load_policy
    from policykb.policy_tests import run_examples

    if getattr(args, "endpoint", None) or getattr(args, "store", None):
        from policykb.errors import PolicyKBError

        raise PolicyKBError.single("`policykb test` runs each example in a graph of its own, built from the kb "
                                   "folder: --endpoint and --store do not apply", hint="leave them out (--kb DIR "
                                   "names the kb the examples use)")
    kb_dir = args.kb or resources.kb_dir()
    vocabulary = KnowledgeGraph.open(kb=kb_dir).vocabulary()
    context = [resources.policies_dir(), *args.policies]
    if args.files:
        policies = [load_policy(path, vocabulary, context)[0] for path in args.files]
    else:
        policies = list(load_policies(context, vocabulary).policies.values())
    results = [r for policy in policies for r in run_examples(policy, kb_dir)]
    return Output(render_tests(results, style()), 0 if all(r.passed for r in results) else 1)


def render_tests(results, style) -> str:
    lines, current = [], None
    for result in results:
        if result.policy.id != current:
            current = result.policy.id
            lines.append(f"{current} ({result.policy.file})")
        mark = style.paint("✔", "met") if result.passed else style.paint("✘", "unmet")
        lines.append(f"  {mark} {result.example.name} (line {result.example.span.line}, as of {result.example.as_of})")
        for problem in result.problems:
            lines.append("      " + problem.render())
        for miss in result.mismatches:
            lines.append(f"      {miss.target}: expected {miss.expected}, got {style.paint(miss.got, miss.got)}")
            if miss.explanation:
                lines.append(f"        {miss.explanation}")
    failed = sum(not r.passed for r in results)
    lines.append(f"{len(results) - failed} passed, {failed} failed")
    return "\n".join(lines) + "\n"
