"""policykb: government measures for SME characteristic industrial clusters as logic.

Flow, one direction: policy text -> parse tree -> checked AST (`policykb.language`)
-> Datalog program (`policykb.datalog`) -> results (`policykb.engine`) -> verdicts and
explanations (`policykb.verdicts`, `policykb.explain`) -> rendering. Facts come from the
RDF knowledge graph (`policykb.graph`), the single source of facts.
"""

__version__ = "0.1.0"
