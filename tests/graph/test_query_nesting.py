"""A SPARQL query or update nested too deep is refused before rdflib parses it, with its place,
the limit and a suggestion: rdflib's parser recurses tens of Python frames per bracket, so deep
nesting used to end in "SPARQL query failed: maximum recursion depth exceeded" (no place), or,
for `query --update`, in an internal error."""

from __future__ import annotations

import pytest

from policykb.cli import main
from policykb.limits import MAX_SPARQL_NESTING

LIMIT = MAX_SPARQL_NESTING


def run(args: list[str], capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def too_deep(name: str, line: int, column: int) -> str:
    return (f"{name}:{line}:{column}: error: SPARQL nested too deep: brackets open more than {LIMIT} deep here. "
            f"Expected at most {LIMIT} '(', '[' and '{{' open at once. Write the nested part flat: join conditions "
            "with && and || rather than parentheses inside parentheses, and put patterns side by side in one "
            "group rather than groups inside groups.\n")


def coalesce(depth: int) -> str:
    """A query whose brackets nest `depth` deep: FILTER( and then COALESCE( inside one another,
    the deepest recursion per bracket of rdflib's parser (about 50 Python frames)."""
    return ("SELECT ?c WHERE { ?c a pkb:Cluster ; dcterms:identifier ?id\n  FILTER("
            + "COALESCE(" * (depth - 2) + "?id = 'js-xinwu-mems-sensors'" + ")" * (depth - 2) + ") }")


def test_a_query_at_the_limit_runs_and_one_past_it_is_refused_with_its_place(capsys):
    assert coalesce(LIMIT).count("(") + 1 == LIMIT  # the group's '{' is the first level
    status, out, err = run(["query", coalesce(LIMIT)], capsys)
    assert (status, err) == (0, "") and "(1 row)" in out
    status, out, err = run(["query", coalesce(LIMIT + 1)], capsys)
    # The bracket past the limit: line 2, after "  FILTER(" and LIMIT - 1 "COALESCE(".
    assert (status, out, err) == (1, "", too_deep("<query>", 2, 9 + (LIMIT - 1) * 9))
    # Brackets in comments, strings and IRIs are not nesting: the same query with many of them
    # in each runs.
    many = "(((([[[[{{{{" * 10
    noisy = (coalesce(LIMIT).replace("\n", f" # {many}\n")
             .replace("?id = ", f"?id = \"{many}\" || ?c = <http://example.org/{many.replace('{', '')}> || ?id = "))
    status, out, err = run(["query", noisy], capsys)
    assert (status, err) == (0, "") and "(1 row)" in out


@pytest.mark.parametrize("opening, closing", [("{ ", " }"), ("(", ")"), ("[ rdfs:label ", " ]")])
def test_each_kind_of_bracket_counts(opening, closing, capsys):
    inner = {"{ ": "?s ?p ?o", "(": "?s", "[ rdfs:label ": "?o"}[opening]
    body = opening * 100 + inner + closing * 100
    if opening == "{ ":
        query = "SELECT ?s WHERE " + body
    elif opening == "(":
        query = "SELECT ?s WHERE { ?s ?p ?o FILTER" + body + " }"
    else:
        query = "SELECT ?s WHERE { ?s rdfs:label " + body + " }"
    status, out, err = run(["query", query], capsys)
    first = query.index(opening.strip())
    outer = 1 if opening != "{ " else 0  # the WHERE group is a level of its own
    column = first + 1 + (LIMIT - outer) * len(opening)
    assert (status, out, err) == (1, "", too_deep("<query>", 1, column))


def test_an_update_nested_too_deep_is_refused_not_a_crash(capsys):
    update = ("INSERT { ?s rdfs:comment 'x' } WHERE {\n ?s ?p ?o FILTER" + "(" * 40 + "true" + ")" * 40 + " }")
    status, out, err = run(["query", "--update", update], capsys)
    column = 1 + len(" ?s ?p ?o FILTER") + LIMIT - 1
    assert (status, out, err) == (1, "", too_deep("<update>", 2, column))


def test_the_library_refuses_them_too():
    """KnowledgeGraph.query and .update (the notebook's way in) check before rdflib does."""
    from policykb.errors import PolicyKBError
    from policykb.graph.store import KnowledgeGraph

    graph = KnowledgeGraph.open()
    assert len(graph.query(coalesce(LIMIT)).rows) == 1
    with pytest.raises(PolicyKBError) as refused:
        graph.query(coalesce(LIMIT + 1))
    assert refused.value.render() + "\n" == too_deep("<query>", 2, 9 + (LIMIT - 1) * 9)
    update = "INSERT { ?s rdfs:comment 'x' } WHERE { ?s ?p ?o FILTER" + "(" * 40 + "true" + ")" * 40 + " }"
    with pytest.raises(PolicyKBError) as refused:
        graph.update(update)
    assert refused.value.render().startswith("<update>:1:")
