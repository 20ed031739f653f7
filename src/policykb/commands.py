"""One function per `policykb` command: arguments in, rendered output out."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from policykb.errors import Diagnostic, PolicyKBError
from policykb.explain import render_json, render_text
from policykb import resources
from policykb.knowledge_base import KnowledgeBase


@dataclass
class Output:
    text: str
    status: int = 0


def run(args: argparse.Namespace) -> Output:
    return COMMANDS[args.command](args)


def _style() -> render_text.Style:
    return render_text.Style(colour=sys.stdout.isatty())


def _open(args: argparse.Namespace) -> KnowledgeBase:
    return KnowledgeBase.open(kb=args.kb, data=args.data, policies=args.policies)


def policies(args) -> Output:
    kb = _open(args)
    rows = [{"id": p.id, "title_zh": p.titles.get("zh"), "title_en": p.titles.get("en"),
             "issuer": p.issuer, "jurisdiction": p.jurisdiction, "document": p.document,
             "effective": p.effective.isoformat() if p.effective else None, "validity_years": p.validity_years,
             "criteria": len(p.criteria), "file": p.file} for p in kb.policies.values()]
    if args.format == "json":
        return Output(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    id_width = max((len(r["id"]) for r in rows), default=0)
    lines = [f"{r['id']:<{id_width}}  {r['effective'] or '?':<10}  {r['criteria']:>2} criteria  "
             f"{r['title_zh'] or ''}  {r['document'] or ''}" for r in rows]
    return Output("\n".join(lines) + "\n")


def check(args) -> Output:
    verdict = _open(args).check(args.cluster, args.policy, args.as_of)
    if args.format == "json":
        return Output(render_json.render_verdict(verdict))
    return Output(render_text.render_verdict(verdict, _style()))


def screen(args) -> Output:
    verdicts = _open(args).screen(args.policy, args.as_of)
    if args.format == "json":
        return Output(render_json.render_screen(verdicts))
    return Output(render_text.render_screen(verdicts, _style()))


def program(args) -> Output:
    return Output(_open(args).compiled(args.policy, args.as_of).program.text())


def lint(args) -> Output:
    from policykb.graph.store import KnowledgeGraph
    from policykb.language.loader import load_policy
    from policykb.lint import lint_policy

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


def test(args) -> Output:
    from policykb.graph.store import KnowledgeGraph
    from policykb.language.loader import load_policies, load_policy
    from policykb.policy_tests import run_examples

    kb_dir = args.kb or resources.kb_dir()
    vocabulary = KnowledgeGraph.open(kb=kb_dir).vocabulary()
    context = [resources.policies_dir(), *args.policies]
    if args.files:
        policies = [load_policy(path, vocabulary, context)[0] for path in args.files]
    else:
        policies = list(load_policies(context, vocabulary).policies.values())
    results = [r for policy in policies for r in run_examples(policy, kb_dir)]
    return Output(render_tests(results, _style()), 0 if all(r.passed for r in results) else 1)


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


def import_(args) -> Output:
    from policykb.graph.store import KnowledgeGraph

    into: Path = args.into
    base = into if into.is_dir() and any(into.glob("**/*.ttl")) else args.kb
    graph = KnowledgeGraph.open(kb=base, data=args.data)
    before = len(graph.graph)
    graph.add_csv_folder(args.folder)
    added = len(graph.graph) - before
    graph.write_turtle(into)
    return Output(f"imported {args.folder}: {added} triples; kb written to {into}\n")


def query(args) -> Output:
    result = _open(args).graph.query(args.sparql)
    if result.kind == "ASK":
        return Output(json.dumps({"boolean": result.answer}) + "\n" if args.format == "json"
                      else ("true" if result.answer else "false") + "\n")
    if result.kind in ("CONSTRUCT", "DESCRIBE"):
        return Output(result.graph.serialize(format="json-ld" if args.format == "json" else "turtle"))
    if args.format == "json":
        bindings = [{name: _term_json(value) for name, value in zip(result.variables, row) if value is not None}
                    for row in result.rows]
        return Output(json.dumps({"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}},
                                 ensure_ascii=False, indent=2) + "\n")
    rows = [["" if value is None else str(value) for value in row] for row in result.rows]
    names = list(result.variables)
    widths = [max([render_text.width(n)] + [render_text.width(r[i]) for r in rows]) for i, n in enumerate(names)]
    lines = ["  ".join(render_text.pad(n, w) for n, w in zip(names, widths)).rstrip()]
    lines += ["  ".join(render_text.pad(c, w) for c, w in zip(row, widths)).rstrip() for row in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return Output("\n".join(lines) + "\n")


def _term_json(term) -> dict:
    """A SPARQL 1.1 JSON results binding for an rdflib term."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    data = {"type": "literal", "value": str(term)}
    if isinstance(term, Literal) and term.language:
        data["xml:lang"] = term.language
    elif isinstance(term, Literal) and term.datatype:
        data["datatype"] = str(term.datatype)
    return data


COMMANDS = {"policies": policies, "check": check, "screen": screen, "program": program, "lint": lint, "test": test,
            "import": import_, "query": query}
