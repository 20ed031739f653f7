"""Reading a compiled policy's results back from the engine, set at a time."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from policykb.datalog import schema
from policykb.datalog.compiler import CompiledPolicy
from policykb.datalog.program import Var
from policykb.engine.pydatalog_engine import DatalogEngine


@dataclass
class PolicyResults:
    """Per cluster: the overall status and each criterion's status."""

    compiled: CompiledPolicy
    verdicts: dict[str, str] = field(default_factory=dict)
    criteria: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))


def read_results(engine: DatalogEngine, compiled: CompiledPolicy, cluster: str | None = None) -> PolicyResults:
    """Results for every cluster, or only `cluster` (a bound query)."""
    c = cluster if cluster is not None else Var("C")
    results = PolicyResults(compiled)
    for row in engine.query(schema.VERDICT, c, compiled.key, Var("S")):
        who = cluster if cluster is not None else row[0]
        _put(results.verdicts, who, row[-1], "verdict")
    for row in engine.query(schema.CRITERION_STATUS, c, compiled.key, Var("K"), Var("S")):
        who = cluster if cluster is not None else row[0]
        criterion, status = row[-2], row[-1]
        _put(results.criteria[who], criterion, status, f"criterion {criterion} of {who}")
    return results


def _put(target: dict, key: str, value: str, what: str) -> None:
    # Two statuses for one thing would mean conflicting facts reached the engine (for
    # example two different assessments): refuse rather than pick one silently.
    if key in target and target[key] != value:
        raise RuntimeError(f"{what} derived as both {target[key]} and {value}")
    target[key] = value
