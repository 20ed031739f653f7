"""`--store DIR` at its edges: a Turtle file as data, an input that has gone, inputs given in
another order, a store built by another policykb, a manifest that cannot be read, a store
path that is no folder, and a store that may not be written. Each rebuild says why on
stderr; the store never answers from stale inputs. A kb folder of just the vocabulary and
one SYNTHETIC cluster per data file keep every build small."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from policykb import resources
from policykb.errors import PolicyKBError
from policykb.graph.persistent import MANIFEST, open_store

CLUSTER = """@prefix pkb: <https://w3id.org/policykb/ns#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://w3id.org/policykb/id/cluster/{id}> a pkb:Cluster ; dcterms:identifier "{id}" .
"""


@pytest.fixture
def inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("store-edges")
    kb_folder = root / "kb"
    kb_folder.mkdir()
    for name in ("ontology.ttl", "vocabulary.ttl"):
        shutil.copy(resources.kb_dir() / name, kb_folder / name)
    for name in ("t-one", "t-two"):
        (root / f"{name}.ttl").write_text(CLUSTER.format(id=name), encoding="utf-8")
    return root


def opened(inputs, *data: str, store: str = "store") -> list[str]:
    """The ids of the clusters whose facts the store answers with, built from `data` (Turtle
    files of `inputs`); reading every cluster's facts keeps them beside the store."""
    kb = open_store(inputs / store, kb=inputs / "kb", data=[inputs / f"{d}.ttl" for d in data],
                    shipped_policies=False)
    ids = [c.id for c in kb.graph.facts().clusters]
    kb.graph.backend.close()  # let the next open take the folder
    return ids


def note(inputs, reason: str) -> str:
    return f"note: store {inputs / 'store'}: {reason}; rebuilding it from the inputs\n"


def manifest(inputs) -> dict:
    return json.loads((inputs / "store" / MANIFEST).read_text(encoding="utf-8"))


def test_a_turtle_file_as_data_is_an_input_of_its_own(inputs, capsys):
    assert opened(inputs, "t-one") == ["t-one"]
    assert [(i["role"], i["path"]) for i in manifest(inputs)["inputs"]][-1] == ("data", str(inputs / "t-one.ttl"))
    kept = inputs / "store" / f"facts-{manifest(inputs)['build']}.pickle"
    assert kept.is_file()
    (inputs / "t-one.ttl").write_text(CLUSTER.format(id="t-uno"), encoding="utf-8")
    capsys.readouterr()
    assert opened(inputs, "t-one") == ["t-uno"]  # not the facts kept from the last build
    assert capsys.readouterr().err == note(inputs, f"input {inputs / 't-one.ttl'} changed")
    assert not kept.exists() and list((inputs / "store").glob("facts-*.pickle")) == [
        inputs / "store" / f"facts-{manifest(inputs)['build']}.pickle"]


def test_an_input_that_has_gone_is_never_answered_from_the_store(inputs, capsys):
    opened(inputs, "t-one")
    os.remove(inputs / "t-one.ttl")
    capsys.readouterr()
    with pytest.raises(PolicyKBError) as raised:
        opened(inputs, "t-one")
    assert capsys.readouterr().err == note(inputs, f"input {inputs / 't-one.ttl'} is missing")
    assert raised.value.render() == (f"{inputs / 't-one.ttl'}: error: data path does not exist. "
                                     "Expected a CSV folder, or a Turtle file or folder.")
    assert manifest(inputs)["complete"] is False  # the next open builds it again


def test_inputs_in_another_order_rebuild_the_store(inputs, capsys):
    assert opened(inputs, "t-one", "t-two") == ["t-one", "t-two"]
    capsys.readouterr()
    assert opened(inputs, "t-two", "t-one") == ["t-one", "t-two"]
    assert capsys.readouterr().err == note(inputs, "the inputs are given in another order")


@pytest.mark.parametrize("change, reason", [
    (lambda m: {**m, "policykb": "0.0.1"}, "it was built by policykb 0.0.1 (store format 1)"),
    (lambda m: {**m, "format": 0}, "it was built by policykb {version} (store format 0)"),
    (lambda m: "{ not json", "its last build did not finish"),
    (lambda m: [m], "its last build did not finish"),  # JSON, but not a manifest
])
def test_a_manifest_this_policykb_cannot_trust_rebuilds_the_store(inputs, capsys, change, reason):
    opened(inputs, "t-one")
    old = manifest(inputs)
    changed = change(old)
    (inputs / "store" / MANIFEST).write_text(changed if isinstance(changed, str) else json.dumps(changed),
                                             encoding="utf-8")
    capsys.readouterr()
    assert opened(inputs, "t-one") == ["t-one"]
    assert capsys.readouterr().err == note(inputs, reason.format(version=old["policykb"]))
    assert manifest(inputs)["complete"] is True and manifest(inputs)["build"] != old["build"]


def test_an_empty_folder_becomes_a_store_without_a_note(inputs, capsys):
    (inputs / "store").mkdir()
    assert opened(inputs, "t-one") == ["t-one"]
    assert capsys.readouterr().err == ""
    assert sorted(p.name for p in (inputs / "store").iterdir()) == [
        f"facts-{manifest(inputs)['build']}.pickle", "oxigraph", MANIFEST]


@pytest.mark.parametrize("store, message", [
    ("t-one.ttl", "the store path is not a folder. Expected a folder for policykb's Oxigraph store "
                  "(created if missing)."),
    ("t-one.ttl/store", "cannot prepare the store folder: Not a directory."),
])
def test_a_store_path_that_cannot_be_a_folder_is_bad_input(inputs, store, message):
    before = (inputs / "t-one.ttl").read_bytes()
    with pytest.raises(PolicyKBError) as raised:
        opened(inputs, "t-one", store=store)
    assert raised.value.render() == f"{inputs / store}: error: {message}"
    assert (inputs / "t-one.ttl").read_bytes() == before


def test_a_store_that_may_not_be_written_is_still_read(inputs, capsys, monkeypatch):
    opened(inputs, "t-one")
    data = inputs / "t-one.ttl"
    stat = data.stat()
    os.utime(data, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # touched, not changed: hashed again
    written = (inputs / "store" / MANIFEST).read_bytes()
    monkeypatch.setattr(os, "access", lambda path, mode, **kwargs: False)  # e.g. a read-only share
    capsys.readouterr()
    assert opened(inputs, "t-one") == ["t-one"]
    assert capsys.readouterr().err == ""  # not rebuilt
    assert (inputs / "store" / MANIFEST).read_bytes() == written  # the new time is not recorded
    monkeypatch.undo()
    opened(inputs, "t-one")
    assert manifest(inputs)["inputs"][-1]["mtime_ns"] == stat.st_mtime_ns + 10**9  # where it may, it is
