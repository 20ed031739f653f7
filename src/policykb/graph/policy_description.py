"""Checked policies -> RDF, so SPARQL can ask about measures ("which require R&D intensity").

Each policy becomes a pkb:Policy with its criteria (kind, citation, source text, the
condition as written, the indicators it reads) and, per comparison in a criterion, a
pkb:Condition with its operator, exact threshold (canonical unit) and window."""

from __future__ import annotations

from typing import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from policykb.explain.format import exact
from policykb.graph.namespaces import PKB, bind_prefixes, criterion_iri, policy_iri
from policykb.language.ast import Criterion, Policy
from policykb.operators.comparison import comparisons

OPERATORS = {">=": PKB.ge, ">": PKB.gt, "<=": PKB.le, "<": PKB.lt, "=": PKB.eq}


def describe_policies(knowledge_graph, policies: Iterable[Policy]) -> None:
    """Add the description of `policies` to `knowledge_graph` (a KnowledgeGraph)."""
    graph = bind_prefixes(Graph())
    indicators = knowledge_graph.terms().indicators  # name -> the vocabulary's own IRI
    for policy in policies:
        _describe_policy(graph, policy, indicators)
    knowledge_graph.add_graph(graph)


def _describe_policy(graph: Graph, policy: Policy, indicators) -> None:
    node = policy_iri(policy.id)
    graph.add((node, RDF.type, PKB.Policy))
    graph.add((node, DCTERMS.identifier, Literal(policy.id)))
    for lang, title in policy.titles.items():
        graph.add((node, RDFS.label, Literal(title, lang=lang)))
    optional = ((PKB.documentNumber, policy.document), (DCTERMS.publisher, policy.issuer),
                (PKB.validityYears, policy.validity_years), (DCTERMS.description, policy.review))
    for prop, value in optional:
        if value is not None:
            graph.add((node, prop, Literal(value)))
    if policy.effective:
        graph.add((node, DCTERMS.issued, Literal(policy.effective.isoformat(), datatype=XSD.date)))
    if policy.source_url:
        graph.add((node, PROV.hadPrimarySource, URIRef(policy.source_url)))
    graph.add((node, DCTERMS.source, Literal(policy.file)))
    for criterion in policy.criteria:
        _describe_criterion(graph, policy, criterion, indicators)


def _describe_criterion(graph: Graph, policy: Policy, criterion: Criterion, indicators) -> None:
    node = criterion_iri(policy.id, criterion.id)
    policy_node = policy_iri(policy.id)
    graph.add((policy_node, PKB.hasCriterion, node))
    graph.add((node, RDF.type, PKB.Criterion))
    graph.add((node, DCTERMS.identifier, Literal(criterion.id)))
    graph.add((node, PKB.ofPolicy, policy_node))
    graph.add((node, PKB.kind, PKB[criterion.kind]))
    if str(criterion.citation):
        graph.add((node, PKB.citation, Literal(str(criterion.citation))))
    if criterion.source_text:
        graph.add((node, PKB.sourceText, Literal(criterion.source_text, lang="zh")))
    if criterion.summary:
        graph.add((node, DCTERMS.description, Literal(criterion.summary, lang="en")))
    if criterion.expression:
        graph.add((node, PKB.expression, Literal(criterion.expression)))
    if criterion.condition is None:
        return
    for indicator in sorted(criterion.condition.indicators()):
        graph.add((node, PKB.requiresIndicator, indicators[indicator]))
    for number, comparison in enumerate(comparisons(criterion.condition), start=1):
        condition = URIRef(f"{node}/condition/{number}")
        graph.add((node, PKB.hasCondition, condition))
        graph.add((condition, RDF.type, PKB.Condition))
        graph.add((condition, PKB.operator, OPERATORS[comparison.op]))
        graph.add((condition, PKB.threshold, Literal(exact(comparison.threshold_value), datatype=XSD.decimal)))
        graph.add((condition, PKB.window, Literal(str(comparison.window) if comparison.window else "none")))
        for indicator in sorted(comparison.indicators()):
            graph.add((condition, PKB.requiresIndicator, indicators[indicator]))
