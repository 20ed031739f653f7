"""Vocabulary declared in policy files, written into the graph in the shape of
kb/vocabulary.ttl, so CSV import, the facts reader and explanations know the new names."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from policykb.graph.namespaces import ID, PKB, QB, bind_prefixes, indicator_iri, segment
from policykb.vocabulary import Indicator, Title, Vocabulary


def title_iri(name: str) -> URIRef:
    return ID[f"title/{segment(name)}"]


def add_declared_vocabulary(knowledge_graph, declared: Vocabulary) -> int:
    """Add the indicators and titles of `declared` that the graph does not have yet."""
    terms = knowledge_graph.terms()
    known = terms.vocabulary
    graph = bind_prefixes(Graph())
    titles = {name: terms.titles.get(name, title_iri(name)) for name in declared.titles}
    for title in declared.titles.values():
        if title.name not in known.titles:
            _title(graph, title, titles[title.name])
    new = [indicator for indicator in declared.indicators.values() if indicator.name not in known.indicators]
    if new:  # looked up only when needed: in a SPARQL store each lookup is a query
        dimensions = {str(graph_value): node for node, graph_value in
                      knowledge_graph.graph.subject_objects(SKOS.notation)
                      if (node, RDF.type, PKB.Dimension) in knowledge_graph.graph}
        for indicator in new:
            _indicator(graph, indicator, dimensions[indicator.dimension], terms.units[indicator.unit], titles)
    return knowledge_graph.add_graph(graph) if len(graph) else 0


def _labels(graph: Graph, node: URIRef, item) -> None:
    for text, lang in ((item.label_zh, "zh"), (item.label_en, "en")):
        if text:
            graph.add((node, RDFS.label, Literal(text, lang=lang)))


def _title(graph: Graph, title: Title, node: URIRef) -> None:
    graph.add((node, RDF.type, PKB.Title))
    graph.add((node, SKOS.notation, Literal(title.name)))
    _labels(graph, node, title)


def _indicator(graph: Graph, indicator: Indicator, dimension: URIRef, unit: URIRef, titles: dict) -> None:
    node = indicator_iri(indicator.name)
    for cls in (PKB.Indicator, QB.MeasureProperty):
        graph.add((node, RDF.type, cls))
    graph.add((node, SKOS.notation, Literal(indicator.name)))
    graph.add((node, PKB.dimension, dimension))
    graph.add((node, PKB.unit, unit))
    graph.add((node, PKB.perYear, Literal(indicator.per_year)))
    if indicator.counts_title:
        graph.add((node, PKB.countsTitle, titles[indicator.counts_title]))
    if indicator.description:
        graph.add((node, DCTERMS.description, Literal(indicator.description, lang="en")))
    _labels(graph, node, indicator)

