"""Designations: which cluster is listed under which measure since when, and when its
review falls due.

The graph records each designation as a pkb:Designation (kb/ontology-designations.ttl):
cluster, measure, list year, list document, source. Dates are not stored but computed from
the measure's own `validity N years`: a list published in year L is valid from L+1 to L+N
and the review falls due in L+N. That is the MIIT reading (the 2022 list notice:
"有效期为2023年至2025年"); the provincial list notices are not in our sources, so the same
reading is applied to every measure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable
from urllib.parse import unquote

from rdflib import Literal, URIRef

from policykb.errors import Diagnostic, PolicyKBError
from policykb.graph.namespaces import DCTERMS, ID, PKB, PROV, RDF, RDFS


@dataclass(frozen=True)
class Designation:
    cluster: str
    cluster_name: str | None
    policy: str
    list_year: int
    document: str | None  # the list's title (zh first) or the literal as recorded
    source: str | None
    validity_years: int | None  # None: the measure is not loaded or states no validity

    @property
    def valid_from(self) -> int | None:
        return self.list_year + 1 if self.validity_years else None

    @property
    def valid_to(self) -> int | None:
        return self.list_year + self.validity_years if self.validity_years else None

    @property
    def review_due(self) -> int | None:
        return self.valid_to

    def standing(self, year: int) -> str | None:
        """How the designation stands in `year`, as far as the list alone tells (a review
        that passes extends it, and no review is on record): None if validity is unknown."""
        if self.valid_from is None or self.valid_to is None:
            return None
        if year < self.valid_from:
            return "not yet valid"
        return "valid" if year <= self.valid_to else "validity ended"

    def to_json(self, as_of: int | None = None) -> dict:
        data = {"cluster": self.cluster, "cluster_name": self.cluster_name, "policy": self.policy,
                "list_year": self.list_year, "list_document": self.document, "valid_from": self.valid_from,
                "valid_to": self.valid_to, "review_due": self.review_due, "source": self.source}
        if as_of is not None:
            data["standing"] = self.standing(as_of)
        return data

    def describe(self, as_of: int | None = None) -> str:
        """One line: '<policy> list of 2022 (title), valid 2023-2025, review due 2025'."""
        document = f" ({self.document})" if self.document else ""
        if self.valid_from is None:
            dates = "validity unknown (the measure states no validity or is not loaded)"
        else:
            dates = f"valid {self.valid_from}-{self.valid_to}, review due {self.review_due}"
            standing = self.standing(as_of) if as_of is not None else None
            if standing:
                dates += f"; in {as_of}: {standing}"
        return f"listed under {self.policy} in {self.list_year}{document}, {dates}"


def designations(kb) -> list[Designation]:
    """Every designation recorded in `kb`'s graph, by list year, measure and cluster.
    A record that lacks its cluster, measure or year is bad input, reported all at once."""
    graph = kb.graph.graph
    found, problems = [], []
    for node in sorted(graph.subjects(RDF.type, PKB.Designation)):
        cluster = graph.value(node, PKB.designatedCluster)
        policy = graph.value(node, PKB.underPolicy)
        year = graph.value(node, PKB.listYear)
        lacking = [name for name, value in (("pkb:designatedCluster", cluster), ("pkb:underPolicy", policy),
                                            ("pkb:listYear", year)) if value is None]
        if not lacking and not _is_year(year):
            lacking = [f"pkb:listYear as a year (found '{year}')"]
        if lacking:
            problems.append(Diagnostic(f"designation record lacks {', '.join(lacking)}", file=str(node),
                                       expected="pkb:designatedCluster, pkb:underPolicy and pkb:listYear "
                                                "(see kb/ontology-designations.ttl)"))
            continue
        policy_id = _policy_id(graph, policy)
        measure = kb.policies.get(policy_id)
        found.append(Designation(_identifier(graph, cluster), _label(graph, cluster, fallback=False), policy_id,
                                 int(year),
                                 _label(graph, graph.value(node, PKB.listDocument)),
                                 _label(graph, graph.value(node, PROV.hadPrimarySource)),
                                 measure.validity_years if measure is not None else None))
    if problems:
        raise PolicyKBError(problems)
    return sorted(found, key=lambda d: (d.list_year, d.policy, d.cluster))


def due(found: Iterable[Designation], year: int) -> list[Designation]:
    """The designations whose review falls due in `year`."""
    return [d for d in found if d.review_due == year]


def held(found: Iterable[Designation], cluster: str, policies: Iterable[str]) -> list[Designation]:
    """The designations `cluster` holds under any of `policies`."""
    wanted = set(policies)
    return [d for d in found if d.cluster == cluster and d.policy in wanted]


# ------------------------------------------------------------------ reading terms
def _is_year(value) -> bool:
    try:
        return isinstance(value, Literal) and 1000 <= int(value) <= 9999
    except (TypeError, ValueError):
        return False


def _identifier(graph, node) -> str:
    found = graph.value(node, DCTERMS.identifier)
    if found is not None:
        return str(found)
    text = str(node)
    return unquote(text.rsplit("/", 1)[-1]) if isinstance(node, URIRef) else text


def _policy_id(graph, node) -> str:
    """A policy named by IRI (policy_iri) or by its id as a literal."""
    if isinstance(node, Literal):
        return str(node)
    found = graph.value(node, DCTERMS.identifier)
    if found is not None:
        return str(found)
    # The policy need not be loaded, so its IRI may have no description: read the id from it.
    prefix = str(ID["policy/"])
    text = str(node)
    return unquote(text[len(prefix):]) if text.startswith(prefix) else text


def _label(graph, node, fallback: bool = True) -> str | None:
    """A node's rdfs:label (zh first); a literal as written; else the IRI if `fallback`."""
    if node is None:
        return None
    if isinstance(node, Literal):
        return str(node)
    labels = {getattr(lit, "language", None): str(lit) for lit in graph.objects(node, RDFS.label)}
    found = labels.get("zh") or labels.get("en") or next(iter(labels.values()), None)
    return found or (str(node) if fallback else None)
