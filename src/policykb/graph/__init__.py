"""The RDF knowledge graph: the single source of facts.

CSV folders and Turtle files go in (`KnowledgeGraph.add_csv_folder`, `add_turtle`);
records for the engine come out (`KnowledgeGraph.facts`, see `records.py`), as do SPARQL
results and Turtle. Modules: `namespaces` (IRIs), `vocabulary_reader`, `turtle`,
`csv_rows` + `csv_import`, `facts_reader`, `store`, `synthetic`.
"""

from __future__ import annotations

from .store import KnowledgeGraph, QueryResult

__all__ = ["KnowledgeGraph", "QueryResult"]
