"""`policykb test`: run the examples written inside policy files.

Each example's data goes through the same path as real data (CSV rows imported into an
RDF graph that holds only the kb vocabulary), then the policy answers, and each expected
status is compared with the one given. A mistake in an example's data is reported at the
example's line in the policy file, not at a temporary CSV file."""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from policykb.errors import Diagnostic, PolicyKBError
from policykb.explain.format import exact
from policykb.graph.store import KnowledgeGraph
from policykb.graph.turtle import turtle_files
from policykb.graph.vocabulary_writer import add_declared_vocabulary
from policykb.language.ast import Datum, Example, Policy
from policykb.language.declarations import declared_vocabulary
from policykb.language.loader import LoadedPolicies
from policykb.suggest import did_you_mean
from policykb.verdicts.model import CRITERION_STATUSES, VERDICT_STATUSES, Verdict

LAYOUT = {
    "clusters.csv": ("id", "name_zh", "name_en", "province", "county", "leading_industry", "area_km2"),
    "observations.csv": ("cluster", "indicator", "year", "value", "unit", "source"),
    "enterprises.csv": ("id", "name", "cluster", "in_leading_industry", "titles"),
    "incidents.csv": ("cluster", "year", "kind", "severity", "description"),
    "assessments.csv": ("cluster", "policy", "criterion", "result", "assessor", "date"),
}


@dataclass
class Mismatch:
    target: str
    expected: str
    got: str
    explanation: str = ""


@dataclass
class ExampleResult:
    policy: Policy
    example: Example
    mismatches: list[Mismatch] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.mismatches and not self.problems


def run_examples(policy: Policy, kb_dir: Path) -> list[ExampleResult]:
    """Run every example of the checked `policy`; kb_dir supplies the vocabulary."""
    from policykb.knowledge_base import KnowledgeBase

    results = []
    for number, example in enumerate(policy.examples, start=1):
        result = ExampleResult(policy, example)
        result.problems = _check_expectations(policy, example)
        if not result.problems:
            try:
                graph = _vocabulary_graph(kb_dir, policy)
                cluster = f"example-{number}"
                _import(graph, policy, example, cluster)
                knowledge_base = KnowledgeBase(graph, LoadedPolicies(policies={policy.id: policy}))
                verdict = knowledge_base.check(cluster, policy.id, example.as_of)
                result.mismatches = _compare(example, verdict)
            except PolicyKBError as error:
                # A problem with no place of its own (a year no version is in force) is the example's.
                result.problems = [d if d.file else Diagnostic(d.message, expected=d.expected, hint=d.hint,
                                                               **example.span.where())
                                   for d in error.diagnostics]
        results.append(result)
    return results


def _vocabulary_graph(kb_dir: Path, policy: Policy) -> KnowledgeGraph:
    """The kb's vocabulary without its data (Turtle files at the top of the kb folder)."""
    graph = KnowledgeGraph()
    for path in turtle_files(kb_dir):
        if path.parent == kb_dir:
            graph.add_turtle(path)
    add_declared_vocabulary(graph, declared_vocabulary(policy, graph.vocabulary())[0])
    return graph


def _check_expectations(policy: Policy, example: Example) -> list[Diagnostic]:
    problems = []
    ids = [c.id for c in policy.criteria]
    if not example.expect:
        problems.append(Diagnostic(f"example '{example.name}' expects nothing, so it tests nothing",
                                   **example.span.where(), hint="add e.g. 'expect { output met verdict eligible }'"))
    seen: dict[str, object] = {}
    for expectation in example.expect:
        if expectation.target in seen:
            problems.append(Diagnostic(f"'{expectation.target}' is expected twice in example '{example.name}' "
                                       f"(first at line {seen[expectation.target].span.line})",
                                       **expectation.span.where(), hint="keep one expectation"))
        seen.setdefault(expectation.target, expectation)
        allowed = VERDICT_STATUSES if expectation.target == "verdict" else CRITERION_STATUSES
        if expectation.target != "verdict" and expectation.target not in ids:
            problems.append(Diagnostic(f"example '{example.name}' expects a status of '{expectation.target}', "
                                       f"which is not a criterion of {policy.id}", **expectation.span.where(),
                                       hint=did_you_mean(expectation.target, ids + ["verdict"])))
        elif expectation.status not in allowed:
            problems.append(Diagnostic(f"'{expectation.status}' is not a status of "
                                       f"{'a verdict' if expectation.target == 'verdict' else 'a criterion'}",
                                       **expectation.span.where(), expected=" | ".join(allowed),
                                       hint=did_you_mean(expectation.status, allowed)))
    for datum in example.data:
        if datum.kind == "assessment" and datum.fields["criterion"] in ids and \
                policy.criterion(datum.fields["criterion"]).kind == "hard":
            problems.append(Diagnostic(f"'{datum.fields['criterion']}' is a hard criterion: an assessment does not "
                                       f"decide it", **datum.span.where(),
                                       hint="assessments decide soft and qualitative criteria only"))
        if datum.kind == "assessment" and datum.fields["criterion"] not in ids:
            problems.append(Diagnostic(f"the assessment names '{datum.fields['criterion']}', which is not a "
                                       f"criterion of {policy.id}", **datum.span.where(),
                                       hint=did_you_mean(datum.fields["criterion"], ids)))
    return problems


def _compare(example: Example, verdict: Verdict) -> list[Mismatch]:
    mismatches = []
    for expectation in example.expect:
        if expectation.target == "verdict":
            if verdict.status != expectation.status:
                mismatches.append(Mismatch("verdict", expectation.status, verdict.status))
            continue
        got = verdict.criterion(expectation.target)
        if got.status != expectation.status:
            mismatches.append(Mismatch(expectation.target, expectation.status, got.status, got.explanation))
    return mismatches


# ------------------------------------------------------------------ example data -> CSV
def _import(graph: KnowledgeGraph, policy: Policy, example: Example, cluster: str) -> None:
    rows: dict[str, list[tuple[tuple, Datum | None]]] = {name: [] for name in LAYOUT}
    county = next((d.fields["county"] for d in example.data if d.kind == "county"), "")
    rows["clusters.csv"].append(((cluster, f"示例 {example.name}", f"SYNTHETIC example: {example.name}",
                                  "", county, "", ""), None))
    source = f"example '{example.name}' ({policy.file})"
    for datum in example.data:
        for file, row in _rows(datum, cluster, policy.id, source):
            rows[file].append((row, datum))
    with tempfile.TemporaryDirectory(prefix="policykb-example-") as folder:
        for name, entries in rows.items():
            if entries or (name == "incidents.csv" and _incidents_complete(example)):
                _write(Path(folder) / name, LAYOUT[name], [row for row, _ in entries])
        try:
            graph.add_csv_folder(Path(folder))
        except PolicyKBError as error:
            raise PolicyKBError([_at_datum(d, rows, folder) for d in error.diagnostics]) from None


def _incidents_complete(example: Example) -> bool:
    return any(d.kind in ("incident", "no_incidents") for d in example.data)


def _rows(datum: Datum, cluster: str, policy_id: str, source: str):
    f = datum.fields
    if datum.kind == "value":
        value = f["value"]
        if isinstance(value, bool):
            yield "observations.csv", (cluster, f["indicator"], _year(f["year"]), str(value).lower(), "", source)
        else:
            yield "observations.csv", (cluster, f["indicator"], _year(f["year"]), exact(value.number),
                                       value.unit_text or "", source)
    elif datum.kind == "enterprise":
        yield "enterprises.csv", (f"{cluster}-{f['id']}", f["id"], cluster, str(f["leading"]).lower(),
                                  ";".join(f["titles"]))
    elif datum.kind == "incident":
        yield "incidents.csv", (cluster, str(f["year"]), f["kind"], f["severity"], "")
    elif datum.kind == "assessment":
        yield "assessments.csv", (cluster, policy_id, f["criterion"], f["result"], "example", "")


def _year(year: int | None) -> str:
    return "" if year is None else str(year)


def _write(path: Path, header: tuple, rows: list[tuple]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _at_datum(diagnostic: Diagnostic, rows: dict, folder: str) -> Diagnostic:
    """Move a CSV row's diagnostic to the example line that produced the row."""
    name = Path(diagnostic.file or "").name
    entries = rows.get(name, [])
    index = (diagnostic.line or 0) - 2  # line 1 is the header
    datum = entries[index][1] if 0 <= index < len(entries) else None
    if datum is None:
        return diagnostic
    column = f" ({diagnostic.column})" if isinstance(diagnostic.column, str) else ""
    message = diagnostic.message.replace(folder + "/", "") + column
    return Diagnostic(message, expected=diagnostic.expected, hint=diagnostic.hint, **datum.span.where())
