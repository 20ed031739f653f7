"""Records in Turtle data that the facts reader cannot take: each is bad input naming the
record and what it lacks, reported when the facts of its cluster are read (never skipped,
never read as a value). One SYNTHETIC cluster per broken record, all in one file."""

from __future__ import annotations

import pytest

from policykb.cli import main
from policykb.errors import PolicyKBError
from policykb.graph.store import KnowledgeGraph

NS = "https://w3id.org/policykb/id/"
HINT = "Fix the Turtle or CSV data that states it."
RECORDS = """\
@base <https://w3id.org/policykb/id/> .
@prefix pkb: <https://w3id.org/policykb/ns#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix ind: <https://w3id.org/policykb/id/indicator/> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<cluster/t-fr-noid> a pkb:Cluster .
<cluster/t-fr-good> a pkb:Cluster ; dcterms:identifier "t-fr-good" .
<r/good> a qb:Observation ; pkb:cluster <cluster/t-fr-good> ; qb:measureType ind:area_km2 ; ind:area_km2 80 .
<r/verdict> a pkb:Verdict ; pkb:cluster <cluster/t-fr-good> ; pkb:status pkb:eligible .
""" + "".join(f'<cluster/t-fr-{name}> a pkb:Cluster ; dcterms:identifier "t-fr-{name}" .\n'
              f'<r/{name}> pkb:cluster <cluster/t-fr-{name}> ; {record} .\n' for name, record in {
                  "indicator": "a qb:Observation ; qb:measureType ind:no_such ; ind:no_such 1 ; pkb:year 2023",
                  "no-year": "a qb:Observation ; qb:measureType ind:total_output ; ind:total_output 4000000000",
                  "half-year": "a qb:Observation ; qb:measureType ind:total_output ; ind:total_output 1 ; "
                               "pkb:year 2022.5",
                  "static-year": "a qb:Observation ; qb:measureType ind:area_km2 ; ind:area_km2 80 ; pkb:year 2023",
                  "static-half-year": "a qb:Observation ; qb:measureType ind:area_km2 ; ind:area_km2 80 ; "
                                      "pkb:year 2022.5",
                  "leading": "a pkb:Enterprise ; dcterms:identifier \"e1\"",
                  "title": "a pkb:Enterprise ; pkb:inLeadingIndustry true ; pkb:holdsTitle <title/no_such>",
                  "incident": "a pkb:Incident",
                  "complete": "a pkb:CompletenessDeclaration",
                  "assessment": "a pkb:Assessment ; pkb:result \"maybe\"",
              }.items())

MISSING_YEAR = "pkb:year is missing or not an integer"
EXPECTED = {
    "indicator": ["qb:measureType names no indicator of the vocabulary"],
    "no-year": [MISSING_YEAR],
    "half-year": [MISSING_YEAR],
    "static-year": ["'area_km2' is not per year but the observation has a pkb:year"],
    "static-half-year": [MISSING_YEAR],
    "leading": ["pkb:inLeadingIndustry is missing or not a boolean"],
    "title": [f"title <{NS}title/no_such> is not declared in the vocabulary"],
    "incident": [MISSING_YEAR, "incident kind is missing or not declared in the vocabulary",
                 "severity is missing or not declared in the vocabulary"],
    "complete": ["a completeness declaration needs a pkb:recordKind"],
    "assessment": ["an assessment needs a criterion with dcterms:identifier and pkb:ofPolicy, and a pkb:result "
                   "'met' or 'unmet'"],
}


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    path = tmp_path_factory.mktemp("facts-reader") / "records.ttl"
    path.write_text(RECORDS, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def graph(records):
    return KnowledgeGraph.open(data=[records])  # loading accepts them: they are read later


@pytest.mark.parametrize("name", EXPECTED)
def test_a_broken_record_is_bad_input_naming_it(graph, name):
    with pytest.raises(PolicyKBError) as raised:
        graph.facts([f"t-fr-{name}"])
    assert [d.render() for d in raised.value.diagnostics] == [f"error: <{NS}r/{name}>: {message}. {HINT}"
                                                             for message in EXPECTED[name]]


def test_a_cluster_without_an_identifier_is_bad_input(graph):
    iri = f"{NS}cluster/t-fr-noid"
    assert iri in graph.cluster_ids()  # indexed by its IRI, the only name it has
    for read in (lambda: graph.facts([iri]), lambda: graph.cluster(iri)):
        with pytest.raises(PolicyKBError) as raised:
            read()
        assert raised.value.render() == f"error: <{iri}>: a pkb:Cluster needs a dcterms:identifier (its id). {HINT}"


def test_the_clusters_around_them_read_as_usual(graph):
    # a verdict (as `--format ttl` writes it) hangs off its cluster too, and is no fact
    facts = graph.facts(["t-fr-good"])
    assert [(c.id, c.name_en) for c in facts.clusters] == [("t-fr-good", None)]
    assert [(o.indicator, o.year, o.value) for o in facts.observations] == [("area_km2", None, 80)]


def test_a_screen_reports_every_broken_record_at_once(records, capsys):
    status = main(["screen", "--policy", "miit-2022", "--as-of", "2024", "--data", str(records)])
    captured = capsys.readouterr()
    assert (status, captured.out) == (1, "")
    lines = captured.err.splitlines()
    assert len(lines) == 1 + sum(len(m) for m in EXPECTED.values()) and "Traceback" not in captured.err
    # each at the line of the file where its subject is written
    assert lines[0] == (f"{records}:{_line_of('<cluster/t-fr-noid>')}:1: error: <{NS}cluster/t-fr-noid>: a pkb:Cluster "
                        f"needs a dcterms:identifier (its id). {HINT}")
    assert (f"{records}:{_line_of('<r/leading>')}:1: error: <{NS}r/leading>: pkb:inLeadingIndustry is missing or not "
            f"a boolean. {HINT}") in lines
    assert all(line.startswith(f"{records}:") for line in lines)


def _line_of(name: str) -> int:
    """The line of RECORDS whose statement starts with `name`."""
    return next(n for n, line in enumerate(RECORDS.splitlines(), 1) if line.startswith(name + " "))
