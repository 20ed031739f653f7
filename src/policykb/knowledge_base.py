"""The library's front door: a knowledge graph, the policies, one engine.

    kb = KnowledgeBase.open()                      # shipped kb and policies
    verdict = kb.check("js-xinwu-mems-sensors", "jiangsu-2023", as_of=2025)
    verdicts = kb.screen("henan-2023", as_of=2025)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Sequence

from policykb import resources
from policykb.datalog.compiler import CompiledPolicy, compile_policy
from policykb.engine.facts import base_facts
from policykb.engine.pydatalog_engine import DatalogEngine
from policykb.engine.set_engine import SetEngine
from policykb.engine.results import read_results
from policykb.errors import PolicyKBError
from policykb.progress import progress
from policykb.explain.cluster_view import cluster_views
from policykb.explain.verdict_builder import build_verdict, node_status
from policykb.graph.facts_reader import FactsError
from policykb.operators.base import ExplainContext
from policykb.graph.policy_description import describe_policies
from policykb.graph.store import KnowledgeGraph
from policykb.graph.vocabulary_writer import add_declared_vocabulary
from policykb.language.declarations import declared_vocabulary
from policykb.language.ast import Policy
from policykb.language.loader import LoadedPolicies, load_policies
from policykb.language.versions import select
from policykb.suggest import did_you_mean
from policykb.research.scenario import Change, apply_to_facts, apply_to_policies, concerns, describe
from policykb.verdicts.model import Verdict

EARLIEST_AS_OF, LATEST_AS_OF = 1990, 2100


def current_year() -> int:
    return dt.date.today().year


REFERENCE, BATCH = "pydatalog", "batch"
ENGINES = {REFERENCE: DatalogEngine, BATCH: SetEngine}
MAX_CLUSTER_ENGINES = 8  # single-cluster engines kept warm for repeated questions


@dataclass
class EngineSlot:
    engine: object
    version: int
    loaded: set = field(default_factory=set)  # programs evaluated in it


@dataclass
class ClusterEvaluation:
    verdict: Verdict
    compiled: CompiledPolicy
    context: ExplainContext


class KnowledgeBase:
    def __init__(self, graph: KnowledgeGraph, policies: LoadedPolicies, changes: Sequence[Change] = (),
                 only: Iterable[str] | None = None):
        self.graph = graph
        self.loaded = policies
        self.changes = tuple(changes)  # what-if changes laid over the graph's facts
        self.only = frozenset(only) if only is not None else None  # answer about these clusters only
        self.engine_choice: dict[str, str] = {}  # e.g. {BATCH: REFERENCE} to screen with pyDatalog
        # Two back ends run the same compiled programs: pyDatalog (the reference semantics)
        # answers about single clusters; the set engine screens many at once.
        self._engines: dict[tuple[str, str | None], EngineSlot] = {}
        self._compiled: dict[tuple[str, int], CompiledPolicy] = {}
        self.sources: tuple[Path, ...] = ()  # kb folder and data paths, where validation finds Turtle lines
        self._validations: dict[tuple, object] = {}  # validation reports by (data_version, clusters, lang)

    def with_changes(self, changes: Sequence[Change], only: Iterable[str] | None = None) -> "KnowledgeBase":
        """The same knowledge base answering as if `changes` held (the graph is untouched);
        `only` limits it to some clusters, which makes repeated what-ifs about one cluster
        cheap."""
        changes = [*self.changes, *changes]
        policies = apply_to_policies(self.loaded.policies, changes, self.graph.vocabulary())
        for change in changes:
            if hasattr(change, "cluster"):
                self._known_cluster(change)
        changed = KnowledgeBase(self.graph, LoadedPolicies(policies, self.loaded.libraries), changes,
                                only if only is not None else self.only)
        changed.engine_choice = dict(self.engine_choice)
        changed.sources, changed._validations = self.sources, self._validations  # the same graph
        return changed

    def _known_cluster(self, change: Change) -> None:
        """A clear error for a what-if change about a cluster the graph does not hold,
        naming the change (the cluster id alone may not say which --set it came from)."""
        try:
            self.graph.cluster(change.cluster)
        except PolicyKBError as error:
            written = describe(change).removeprefix("what-if: ")
            raise PolicyKBError([replace(d, message=f"{d.message} in the what-if change {written}")
                                 for d in error.diagnostics]) from None

    def facts(self, clusters: Iterable[str] | None = None):
        """The graph's facts about `clusters` (all if None), with any what-if changes."""
        if clusters is None and self.only is not None:
            clusters = sorted(self.only)
        try:
            facts = self.graph.facts(clusters)
        except FactsError as error:  # name the Turtle file and line of each refused record
            raise error.at_files(self.sources) from None
        return apply_to_facts(facts, self.changes)

    @classmethod
    def open(cls, kb: Path | None = None, data: Sequence[Path] = (), policies: Iterable[Path] = (),
             shipped_policies: bool = True, *, endpoint: str | None = None, store: Path | None = None,
             writable: bool = False) -> "KnowledgeBase":
        """The kb folder, data and policies; `endpoint`: the graph is in that SPARQL server
        (`writable`: additions are sent to it); `store`: in that Oxigraph folder, built from
        the same inputs on first use (graph/remote.py, graph/persistent.py)."""
        if store is not None:
            from policykb.graph.persistent import open_store

            return open_store(Path(store), kb=kb, data=data, policies=policies, shipped_policies=shipped_policies)
        if endpoint is not None:
            graph = KnowledgeGraph.open_endpoint(endpoint, kb=kb, writable=writable)
        else:
            graph = KnowledgeGraph.open(kb=kb)
        opened = cls.assemble(graph, data, policies, shipped_policies)
        opened.sources = (Path(kb) if kb is not None else resources.kb_dir(), *(Path(p) for p in data))
        return opened

    @classmethod
    def assemble(cls, graph: KnowledgeGraph, data: Sequence[Path] = (), policies: Iterable[Path] = (),
                 shipped_policies: bool = True) -> "KnowledgeBase":
        """Policies and data on top of `graph` (which holds the kb)."""
        # Policies first: the vocabulary they declare must be in the graph before data that
        # uses it is imported.
        folders = ([resources.policies_dir()] if shipped_policies else []) + [Path(p) for p in policies]
        loaded = load_policies(folders, graph.vocabulary())
        for policy in [*loaded.libraries.values(), *loaded.policies.values()]:
            add_declared_vocabulary(graph, declared_vocabulary(policy, graph.vocabulary())[0])
        for folder in data:
            graph.add_data(Path(folder))
        describe_policies(graph, loaded.policies.values())
        return cls(graph, loaded)

    def validation(self, clusters: Iterable[str] | None = None, lang: str = "en"):
        """The graph checked against the SHACL shapes of the kb (graph/validation.py): every
        cluster, or only `clusters` and their records (fast). Computed when first asked for,
        then kept while the graph does not change."""
        from policykb.graph.validation import validate

        wanted = None if clusters is None else tuple(sorted(set(clusters)))
        key = (self.graph.data_version, wanted, lang)
        if key not in self._validations:
            whole = self._validations.get((self.graph.data_version, None, lang))
            if whole is not None and wanted is not None:  # the whole graph is checked already
                self.graph._resolve(wanted)  # an unknown id is an error either way
                self._validations[key] = whole.restricted(wanted)
            else:
                self._validations[key] = validate(self.graph, clusters=wanted, files=self.sources, lang=lang)
        return self._validations[key]

    # ------------------------------------------------------------ lookups
    @property
    def policies(self) -> dict[str, Policy]:
        return self.loaded.policies

    def policy(self, policy_id: str) -> Policy:
        found = self.policies.get(policy_id)
        if found is None:
            known = sorted(self.policies)
            raise PolicyKBError.single(
                f"no policy with id '{policy_id}'",
                expected="one of " + ", ".join(known) if known else "a policy file",
                hint=did_you_mean(policy_id, known) or "list them with `policykb policies`")
        return found

    # ------------------------------------------------------------ answers
    def check(self, cluster: str, policy_id: str, as_of: int | None = None) -> Verdict:
        """The explained verdict of one cluster under one measure."""
        return self.evaluation(cluster, policy_id, as_of).verdict

    def evaluation(self, cluster: str, policy_id: str, as_of: int | None = None) -> "ClusterEvaluation":
        """The verdict of one cluster with what produced it: the compiled policy and a
        context in which each condition node can explain or repair itself."""
        self.graph.cluster(cluster)  # a clear error for an unknown id
        compiled = self._compiled_for(policy_id, as_of)
        engine = self._engine_with(compiled, REFERENCE, cluster)
        results = read_results(engine, compiled, cluster)
        view = cluster_views(self.facts([cluster]))[cluster]
        verdict = build_verdict(compiled, view, self.graph.vocabulary(), results.verdicts[cluster],
                                results.criteria[cluster], lambda pred, c: engine.holds(pred, c))
        context = ExplainContext(view, self.graph.vocabulary(), compiled.as_of,
                                 lambda node: node_status(compiled, node, cluster, engine.holds))
        return ClusterEvaluation(self._noted(verdict), compiled, context)

    def screen(self, policy_id: str, as_of: int | None = None) -> list[Verdict]:
        """Explained verdicts of every cluster in the graph, in cluster id order."""
        compiled = self._compiled_for(policy_id, as_of)
        engine = self._engine_with(compiled, BATCH)
        results = read_results(engine, compiled)
        views = cluster_views(self.facts())
        members: dict[str, set[str]] = {}

        def holds(pred: str, cluster: str) -> bool:
            if pred not in members:
                members[pred] = engine.clusters_in(pred)
            return cluster in members[pred]

        return [self._noted(build_verdict(compiled, views[cid], self.graph.vocabulary(), results.verdicts[cid],
                                          results.criteria[cid], holds))
                for cid in progress(sorted(views), label=f"explaining verdicts under {policy_id}", unit="clusters")]

    def _noted(self, verdict: Verdict) -> Verdict:
        """Say in the verdict which what-if changes it assumes."""
        verdict.notes += [describe(c) for c in self.changes if concerns(c, verdict.cluster, verdict.policy)]
        return verdict

    def statuses(self, policy_id: str, as_of: int | None = None) -> dict[str, dict[str, str]]:
        """Per cluster, each criterion's status and the overall one (key "*"), unexplained."""
        compiled = self._compiled_for(policy_id, as_of)
        results = read_results(self._engine_with(compiled, BATCH), compiled)
        return {c: {**results.criteria[c], "*": v} for c, v in results.verdicts.items()}

    def jurisdiction_applies(self, policy_id: str, cluster: str) -> bool | None:
        """Does the measure apply where the cluster lies? National measures (jurisdiction CN
        or none) apply everywhere; a provincial one where the cluster's province has the same
        code (skos:notation, e.g. CN-JS). None when the cluster's province code is unknown."""
        code = self.policy(policy_id).jurisdiction
        if not code or code == "CN":
            return True
        from policykb.graph.namespaces import cluster_iri

        rows = self.graph.query(f"SELECT ?code WHERE {{ <{cluster_iri(cluster)}> pkb:province/skos:notation ?code }}")
        codes = {str(row[0]) for row in rows.rows}
        return (code in codes) if codes else None

    # ------------------------------------------------------------ machinery
    def compiled(self, policy_id: str, as_of: int | None = None) -> CompiledPolicy:
        return self._compiled_for(policy_id, as_of)

    def version(self, policy_id: str, as_of: int | None = None) -> tuple[Policy, str | None]:
        """The version of `policy_id` in force in application year `as_of`, and a note when
        it is another version than the one named."""
        self.policy(policy_id)
        return select(policy_id, self._year(as_of), self.policies)

    @staticmethod
    def _year(as_of: int | None) -> int:
        as_of = current_year() if as_of is None else as_of
        if not EARLIEST_AS_OF <= as_of <= LATEST_AS_OF:
            raise PolicyKBError.single(f"application year {as_of} is out of range",
                                       expected=f"a year from {EARLIEST_AS_OF} to {LATEST_AS_OF}")
        return as_of

    def _compiled_for(self, policy_id: str, as_of: int | None) -> CompiledPolicy:
        as_of = self._year(as_of)
        version, note = self.version(policy_id, as_of)
        key = (version.id, as_of)
        if key not in self._compiled:
            compiled = compile_policy(version, self.graph.vocabulary(), as_of)
            compiled.note = note
            self._compiled[key] = compiled
        self._compiled[key].note = note
        return self._compiled[key]

    def _engine_with(self, compiled: CompiledPolicy, kind: str = REFERENCE, cluster: str | None = None):
        """An engine of `kind` holding the current facts (of one cluster, or of all) and
        `compiled`'s program. Rules never relate two clusters, so a single cluster's verdict
        needs only its own facts: cheap to evaluate with pyDatalog."""
        slot_key = (kind, cluster)
        slot = self._engines.get(slot_key)
        if slot is None or slot.version != self.graph.data_version:
            if cluster is not None and len([k for k in self._engines if k[1] is not None]) >= MAX_CLUSTER_ENGINES:
                for key in [k for k in self._engines if k[1] is not None]:
                    self._engines.pop(key).engine.close()
            engine = ENGINES[self.engine_choice.get(kind, kind)]()
            engine.assert_facts(base_facts(self.facts(None if cluster is None else [cluster]),
                                           self.graph.vocabulary()))
            slot = self._engines[slot_key] = EngineSlot(engine, self.graph.data_version)
        key = (compiled.policy.id, compiled.as_of, id(compiled))
        if key not in slot.loaded:
            slot.engine.load_program(compiled.program)
            slot.loaded.add(key)
        return slot.engine
