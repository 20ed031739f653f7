"""A persistent embedded store (`--store DIR`): the knowledge graph in Oxigraph on disk,
built once from the kb folder, the --data paths and the policies, then opened without
reading any of them again.

DIR holds `oxigraph/` (the RocksDB store) and `policykb-store.json`, the manifest: every
input file the store was built from, in order, with its size, modification time and
SHA-256, and the policykb version that built it. An open lists the inputs named now and
compares them with the manifest. The same files with the same content: the store is opened
read-only (several processes may read it at once). A file whose size and modification time
are unchanged is taken as unchanged (as make and git do); otherwise it is hashed again.
Anything else (another file, other content, another order, another policykb version, a
build that did not finish) rebuilds the store from the inputs, with a note on stderr that
says why: the store is a cache of its inputs and never answers from stale ones. A folder
that is not a policykb store is never touched.

The store holds exactly the graph the in-process knowledge base is built from the same
inputs (kb, vocabulary declared by policies, data, the description of the policies), so
every command answers the same either way; the graph is read as in graph/remote.py. The
first command that needs every cluster's facts (screen, sweep, binding ...) reads them from
the store with one query per record kind and keeps them in `facts-BUILD.pickle` beside it:
reading millions of records out of RocksDB costs tens of microseconds a record, loading them
back a few. The file belongs to that build: a rebuild removes it.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import sys
from pathlib import Path
from typing import Iterable, Sequence

from policykb import __version__, resources
from policykb.errors import PolicyKBError
from policykb.safe_write import atomic_write_text

from .remote import OxigraphBackend, SparqlGraph, _start
from .turtle import turtle_files

MANIFEST = "policykb-store.json"
DATA = "oxigraph"
FORMAT = 1


def open_store(folder: Path, *, kb: Path | None = None, data: Sequence[Path] = (), policies: Iterable[Path] = (),
               shipped_policies: bool = True):
    """The KnowledgeBase of these inputs, its graph in the store folder `folder`."""
    from policykb.knowledge_base import KnowledgeBase

    policies = [Path(p) for p in policies]
    inputs = current_inputs(kb, data, policies, shipped_policies)
    manifest = read_manifest(folder)
    reason = stale(manifest, inputs)
    if reason is None:
        _refresh_times(folder, manifest, inputs)  # type: ignore[arg-type]
        graph = SparqlGraph(OxigraphBackend(folder / DATA, read_only=True), snapshot=_snapshot(folder, manifest))
        graph.vocabulary()
        return _with_sources(KnowledgeBase.assemble(graph, (), policies, shipped_policies), kb, data)
    if manifest is not None:
        print(f"note: store {folder}: {reason}; rebuilding it from the inputs", file=sys.stderr)
    _prepare(folder, manifest)
    backend = OxigraphBackend(folder / DATA)
    graph = SparqlGraph(backend, writable=True)
    try:
        _start(graph, kb, writable=True)
        knowledge_base = KnowledgeBase.assemble(graph, data, policies, shipped_policies)
        backend.flush()
        manifest = _write_manifest(folder, inputs, complete=True, triples=backend.count())
    finally:
        backend.close()
    graph.use_backend(OxigraphBackend(folder / DATA, read_only=True), writable=False)
    graph.snapshot = _snapshot(folder, manifest)
    return _with_sources(knowledge_base, kb, data)


def _with_sources(knowledge_base, kb: Path | None, data: Sequence[Path]):
    """The files the graph was built from, where validation finds the line of a Turtle node."""
    knowledge_base.sources = (Path(kb) if kb is not None else resources.kb_dir(), *(Path(p) for p in data))
    return knowledge_base


def _snapshot(folder: Path, manifest: dict) -> Path:
    """The file that keeps every cluster's facts once they have been read (graph/remote.py):
    named after the build, so a rebuilt store never reads an older build's."""
    return folder / f"facts-{manifest.get('build', 'unknown')}.pickle"


# ------------------------------------------------------------------ inputs
def current_inputs(kb: Path | None, data: Sequence[Path], policies: Sequence[Path],
                   shipped_policies: bool = True) -> list[dict]:
    """Every file the build reads, in the order it reads them: role, path as given (records
    and explanations cite it), size and modification time (None when missing)."""
    from policykb.language.loader import policy_files

    kb_path = Path(kb) if kb is not None else resources.kb_dir()
    files: list[tuple[str, Path]] = [("kb", p) for p in (turtle_files(kb_path) if kb_path.is_dir() else [kb_path])]
    for path in map(Path, data):
        if path.is_dir():
            csv = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
            listed = csv or turtle_files(path)
            files += [("data", p) for p in listed] or [("data", path)]
        else:
            files.append(("data", path))
    folders = ([resources.policies_dir()] if shipped_policies else []) + list(policies)
    files += [("policy", p) for p in policy_files(folders)]
    out = []
    for role, path in files:
        try:
            info = path.stat()
            size, mtime = (info.st_size, info.st_mtime_ns) if path.is_file() else (None, None)
        except OSError:
            size = mtime = None
        out.append({"role": role, "path": str(path), "size": size, "mtime_ns": mtime})
    return out


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def stale(manifest: dict | None, inputs: list[dict]) -> str | None:
    """Why a store with `manifest` cannot answer for `inputs` (None: it can). Fills in the
    SHA-256 of each input that had to be hashed."""
    if manifest is None:
        return "new store"
    if not manifest.get("complete"):
        return "its last build did not finish"
    if manifest.get("format") != FORMAT or manifest.get("policykb") != __version__:
        return f"it was built by policykb {manifest.get('policykb')} (store format {manifest.get('format')})"
    recorded = manifest.get("inputs", [])
    if [(i["role"], i["path"]) for i in recorded] != [(i["role"], i["path"]) for i in inputs]:
        before = {(i["role"], i["path"]) for i in recorded}
        now = {(i["role"], i["path"]) for i in inputs}
        added, gone = sorted(now - before), sorted(before - now)
        if added or gone:
            which = [f"new input {p}" for _, p in added[:3]] + [f"input {p} no longer given" for _, p in gone[:3]]
            return "the inputs changed (" + "; ".join(which) + ")"
        return "the inputs are given in another order"
    changed = []
    for old, new in zip(recorded, inputs):
        if new["size"] is None:
            return f"input {new['path']} is missing"
        if (old["size"], old["mtime_ns"]) == (new["size"], new["mtime_ns"]) and old.get("sha256"):
            new["sha256"] = old["sha256"]
            continue
        new["sha256"] = sha256(Path(new["path"]))
        if new["sha256"] != old.get("sha256"):
            changed.append(new["path"])
    if changed:
        more = f" and {len(changed) - 1} more" if len(changed) > 1 else ""
        return f"input {changed[0]}{more} changed"
    return None


# ------------------------------------------------------------------ the folder
def read_manifest(folder: Path) -> dict | None:
    """The manifest of store folder `folder`; None for a new (missing or empty) folder; a
    PolicyKBError for a folder that is not a policykb store."""
    if not folder.exists():
        return None
    if not folder.is_dir():
        raise PolicyKBError.single("the store path is not a folder", file=str(folder),
                                   expected="a folder for policykb's Oxigraph store (created if missing)")
    path = folder / MANIFEST
    if not path.is_file():
        if any(folder.iterdir()):
            raise PolicyKBError.single(
                f"folder is not a policykb store (it has no {MANIFEST}) and is not empty", file=str(folder),
                hint="give a new or empty folder; policykb never writes into a folder it did not create")
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"complete": False}  # unreadable: rebuilt
    return manifest if isinstance(manifest, dict) else {"complete": False}


def _prepare(folder: Path, manifest: dict | None) -> None:
    """An empty store folder whose manifest says the build has not finished."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if (folder / DATA).exists():
            shutil.rmtree(folder / DATA)
        for old in folder.glob("facts-*.pickle"):
            old.unlink()
    except OSError as exc:
        raise PolicyKBError.single(f"cannot prepare the store folder: {exc.strerror or exc}", file=str(folder)) from None
    _write_manifest(folder, [], complete=False)


def _write_manifest(folder: Path, inputs: list[dict], *, complete: bool, triples: int | None = None,
                    build: str | None = None) -> dict:
    for item in inputs:
        if complete and "sha256" not in item and item["size"] is not None:
            item["sha256"] = sha256(Path(item["path"]))
    manifest = {"format": FORMAT, "policykb": __version__, "complete": complete,
                "build": build or secrets.token_hex(8), "triples": triples, "inputs": inputs}
    atomic_write_text(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    return manifest


def _refresh_times(folder: Path, manifest: dict, inputs: list[dict]) -> None:
    """Record new modification times of unchanged files, so they are not hashed again."""
    recorded = manifest.get("inputs", [])
    if any((old["size"], old["mtime_ns"]) != (new["size"], new["mtime_ns"]) for old, new in zip(recorded, inputs)):
        if os.access(folder, os.W_OK):
            _write_manifest(folder, inputs, complete=True, triples=manifest.get("triples"), build=manifest.get("build"))
