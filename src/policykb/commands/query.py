"""`policykb query`: run a read-only SPARQL query over the graph.

A SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY) is refused
unless --update is given; then it changes the graph in memory only, and nothing is saved
unless --into names a kb folder to write the result to."""

from __future__ import annotations

import json
from pathlib import Path

from policykb.commands.common import Output, open_kb, require_format
from policykb.errors import PolicyKBError
from policykb.explain import render_text

NAME = "query"
HELP = "run a read-only SPARQL query over the graph"


def configure(parser) -> None:
    parser.add_argument("sparql", help="SPARQL SELECT, ASK or CONSTRUCT; prefixes pkb:, id:, ind:, cluster:, "
                                        "qb:, prov:, skos:, dcterms:, rdfs:, xsd: are predefined")
    group = parser.add_argument_group("changing the graph (SPARQL Update)")
    group.add_argument("--update", action="store_true",
                       help="allow a SPARQL Update (INSERT DATA, DELETE ... WHERE, LOAD, CLEAR ...); it changes "
                            "the graph in memory only: the kb files are not touched and nothing is saved, "
                            "unless --into is given too")
    group.add_argument("--into", type=Path, metavar="KBDIR",
                       help="with --update: write the updated graph to this kb folder as Turtle, as `policykb "
                            "import --into` does (the update then sees the kb and --data, not the policies)")


def run(args) -> Output:
    require_format(args)
    from policykb.graph.sparql_nesting import check_nesting

    check_nesting(args.sparql, "<update>" if args.update else "<query>")  # before rdflib's parser recurses
    if args.update or args.into:
        from policykb.graph.store import sparql_update_operations

        operations = sparql_update_operations(args.sparql)
        if args.into and not (args.update and operations):
            raise PolicyKBError.single("--into writes the result of a SPARQL Update given with --update",
                                       expected="--update and an INSERT, DELETE, LOAD or CLEAR ..." if args.update
                                       else "--update", hint="a query does not change the graph: there is "
                                                             "nothing to write")
        if operations:
            return _update(args, operations)
    result = open_kb(args).graph.query(args.sparql)
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


def _update(args, operations: list[str]) -> Output:
    if args.into is None:
        graph = open_kb(args).graph
    else:  # the graph `import --into` would write: the kb folder itself if it holds one
        from policykb.graph.store import KnowledgeGraph

        into: Path = args.into
        base = into if into.is_dir() and any(into.glob("**/*.ttl")) else args.kb
        graph = KnowledgeGraph.open(kb=base, data=args.data)
    added, removed = graph.update(args.sparql)
    written = graph.write_turtle(args.into) if args.into is not None else None
    if args.format == "json":
        return Output(json.dumps({"update": operations, "added": added, "removed": removed,
                                  "written": str(written) if written else None}) + "\n")
    text = f"SPARQL Update ({', '.join(operations)}) applied to the graph in memory: {added} triple" \
           f"{'s' if added != 1 else ''} added, {removed} removed.\n"
    text += f"The updated graph was written to {written}.\n" if written else \
        "Nothing was saved: the kb files are unchanged (add --into KBDIR to write the updated graph).\n"
    return Output(text)


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
