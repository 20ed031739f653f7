"""kb/ontology.ttl defines every pkb: term the data uses, in both languages."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from policykb.graph.namespaces import PKB, RDFS

from .conftest import DATA

POLICY_TERMS = ["Policy", "Criterion", "Condition", "hasCondition", "Clause", "CriterionKind", "Operator", "hasCriterion", "ofPolicy",
                "hasClause", "statedIn", "kind", "requiresIndicator", "threshold", "operator", "window",
                "expression", "citation", "sourceText", "documentNumber", "jurisdiction", "validityYears",
                "hard", "soft", "qualitative", "ge", "gt", "le", "lt", "eq"]


def labels(kg, term: URIRef) -> set[str]:
    return {lit.language for lit in kg.graph.objects(term, RDFS.label) if isinstance(lit, Literal)}


def used_terms(kg) -> set[URIRef]:
    terms = set()
    for triple in kg.graph:
        terms |= {t for t in triple if isinstance(t, URIRef) and str(t).startswith(str(PKB))}
    return terms


def test_every_pkb_term_in_use_is_defined_with_zh_and_en_labels(kg):
    kg.add_csv_folder(DATA / "valid")
    undefined = {t for t in used_terms(kg) if not {"zh", "en"} <= labels(kg, t)}
    assert undefined == set()


@pytest.mark.parametrize("name", POLICY_TERMS)
def test_policy_terms_are_defined(kg, name):
    term = PKB[name]
    assert {"zh", "en"} <= labels(kg, term)


@pytest.mark.parametrize("name", ["Policy", "Criterion", "Clause", "requiresIndicator", "threshold", "operator",
                                  "citation", "sourceText", "kind"])
def test_policy_terms_are_explained(kg, name):
    assert list(kg.graph.objects(PKB[name], RDFS.comment))


def test_w3c_vocabularies_are_reused(kg):
    ask = kg.query("""ASK {
        pkb:Indicator rdfs:subClassOf qb:MeasureProperty . pkb:Enterprise rdfs:subClassOf org:Organization .
        pkb:Title rdfs:subClassOf skos:Concept . pkb:Unit rdfs:subClassOf skos:Concept .
        pkb:Severity rdfs:subClassOf skos:Concept . pkb:IncidentKind rdfs:subClassOf skos:Concept .
        ?o a qb:Observation ; qb:measureType ?m ; prov:hadPrimarySource ?s . ?s a prov:Entity . }""")
    assert ask.answer is True
