"""Namespaces and the IRI scheme of policykb instance data.

Terms of the model live under `pkb:` (kb/ontology.ttl); every individual (cluster,
observation, indicator, policy ...) lives under `https://w3id.org/policykb/id/`. The helpers
below are the one place that mints instance IRIs, so the CSV importer, the shipped Turtle and
the policy writer agree on them: the same cluster id always gives the same IRI, which makes
re-imports detectable and `write_turtle` round trips exact (no blank nodes anywhere).
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

PKB = Namespace("https://w3id.org/policykb/ns#")
ID = Namespace("https://w3id.org/policykb/id/")
QB = Namespace("http://purl.org/linked-data/cube#")

__all__ = [
    "PKB", "ID", "QB", "PROV", "SKOS", "ORG", "DCTERMS", "RDF", "RDFS", "XSD",
    "PREFIXES", "bind_prefixes", "segment", "cluster_iri", "enterprise_iri", "observation_iri",
    "incident_iri", "assessment_iri", "completeness_iri", "source_iri", "region_iri",
    "indicator_iri", "policy_iri", "criterion_iri", "clause_iri",
]

# Prefixes bound on every graph and known to every SPARQL query without a PREFIX line.
PREFIXES: dict[str, Namespace] = {
    "pkb": PKB, "id": ID, "qb": QB, "prov": PROV, "skos": SKOS, "org": ORG,
    "dcterms": DCTERMS, "rdf": RDF, "rdfs": RDFS, "xsd": XSD,
    "cluster": Namespace(ID["cluster/"]), "ind": Namespace(ID["indicator/"]),
}


def bind_prefixes(graph: Graph) -> Graph:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


def segment(text: str) -> str:
    """One IRI path segment for a user-supplied id (ids may be Chinese or hold spaces)."""
    return quote(text, safe="-._~")


def _digest(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def cluster_iri(cluster_id: str) -> URIRef:
    return ID[f"cluster/{segment(cluster_id)}"]


def enterprise_iri(enterprise_id: str) -> URIRef:
    return ID[f"enterprise/{segment(enterprise_id)}"]


def indicator_iri(name: str) -> URIRef:
    """IRI the shipped vocabulary uses; other vocabularies may use any IRI (read by name)."""
    return ID[f"indicator/{segment(name)}"]


def observation_iri(cluster_id: str, indicator: str, year: int | None) -> URIRef:
    """(cluster, indicator, year) is the key of an observation: one value per key."""
    tail = "" if year is None else f"/{year}"
    return ID[f"observation/{segment(cluster_id)}/{segment(indicator)}{tail}"]


def incident_iri(record: str, cluster_id: str) -> URIRef:
    # Incidents have no natural key (two alike incidents in one year are possible), so the
    # IRI comes from the row that stated it.
    return ID[f"incident/{segment(cluster_id)}/{_digest(record)}"]


def assessment_iri(cluster_id: str, policy: str, criterion: str) -> URIRef:
    """One expert decision per (cluster, policy, criterion)."""
    return ID[f"assessment/{segment(cluster_id)}/{segment(policy)}/{segment(criterion)}"]


def completeness_iri(kind: str, cluster_id: str, record: str) -> URIRef:
    return ID[f"completeness/{segment(kind)}/{segment(cluster_id)}/{_digest(record)}"]


def source_iri(text: str) -> URIRef:
    """Sources are shared nodes: thousands of rows citing one yearbook make one node."""
    return ID[f"source/{_digest(text)}"]


def region_iri(*path: str) -> URIRef:
    return ID["region/" + "/".join(segment(p) for p in path)]


def policy_iri(policy_id: str) -> URIRef:
    return ID[f"policy/{segment(policy_id)}"]


def criterion_iri(policy_id: str, criterion_id: str) -> URIRef:
    return ID[f"policy/{segment(policy_id)}/criterion/{segment(criterion_id)}"]


def clause_iri(policy_id: str, clause_id: str) -> URIRef:
    return ID[f"policy/{segment(policy_id)}/clause/{segment(clause_id)}"]


class T:
    """The terms used in per-row and per-record loops, looked up once.

    `PKB.cluster` builds a new URIRef on every attribute access (and RDF.type goes through
    DefinedNamespace.__getattr__); at millions of rows that is seconds.
    """

    type = RDF.type
    label = RDFS.label
    identifier = DCTERMS.identifier
    description = DCTERMS.description
    date = DCTERMS.date
    source = PROV.hadPrimarySource
    entity = PROV.Entity
    observation = QB.Observation
    measure_type = QB.measureType
    cluster = PKB.cluster
    year = PKB.year
    record = PKB.record
    Cluster = PKB.Cluster
    Enterprise = PKB.Enterprise
    Incident = PKB.Incident
    Assessment = PKB.Assessment
    CompletenessDeclaration = PKB.CompletenessDeclaration
