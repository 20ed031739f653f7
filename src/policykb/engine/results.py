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
    verdicts, criteria = results.verdicts, results.criteria
    # Screening reads a row per cluster and criterion: the loops stay inline, and the
    # message of a conflict is only built when there is one.
    for row in engine.query(schema.VERDICT, c, compiled.key, Var("S")):
        who = cluster if cluster is not None else row[0]
        if verdicts.setdefault(who, row[-1]) != row[-1]:
            _conflict("verdict", verdicts[who], row[-1])
    for row in engine.query(schema.CRITERION_STATUS, c, compiled.key, Var("K"), Var("S")):
        who = cluster if cluster is not None else row[0]
        criterion, status = row[-2], row[-1]
        if criteria[who].setdefault(criterion, status) != status:
            _conflict(f"criterion {criterion} of {who}", criteria[who][criterion], status)
    return results


def _conflict(what: str, first: str, second: str) -> None:
    # Two statuses for one thing would mean conflicting facts reached the engine (for
    # example two different assessments): refuse rather than pick one silently.
    raise RuntimeError(f"{what} derived as both {first} and {second}")
