"""policykb: government measures for SME characteristic industrial clusters as logic.

Flow, one direction: policy text -> parse tree -> checked AST (`policykb.language`)
-> Datalog program (`policykb.datalog`) -> results (`policykb.engine`) -> verdicts and
explanations (`policykb.verdicts`, `policykb.explain`) -> rendering. Facts come from the
RDF knowledge graph (`policykb.graph`), the single source of facts.
"""

__version__ = "0.1.0"


def __getattr__(name: str):
    # `from policykb import KnowledgeBase` (the notebook-friendly front door, policykb.api),
    # imported on first use so that `import policykb` stays light.
    if name == "KnowledgeBase":
        from policykb.api import KnowledgeBase

        return KnowledgeBase
    raise AttributeError(f"module 'policykb' has no attribute {name!r}")
