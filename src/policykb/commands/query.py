"""`policykb query`: run a read-only SPARQL query over the graph."""

from __future__ import annotations

import json

from policykb.commands.common import Output, open_kb, require_format
from policykb.explain import render_text

NAME = "query"
HELP = "run a read-only SPARQL query over the graph"


def configure(parser) -> None:
    parser.add_argument("sparql", help="SPARQL SELECT, ASK or CONSTRUCT; prefixes pkb:, id:, ind:, cluster:, "
                                        "qb:, prov:, skos:, dcterms:, rdfs:, xsd: are predefined")


def run(args) -> Output:
    require_format(args)
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
