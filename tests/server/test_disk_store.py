"""`--store DIR`: the graph in Oxigraph on disk, built from the inputs on first use, opened
without reading them afterwards, rebuilt when an input changes, and answering exactly as the
graph in process does."""

from __future__ import annotations

import json
import os
import shutil
from fractions import Fraction
from pathlib import Path

import pytest

from policykb.cli import main
from policykb.graph.persistent import MANIFEST, open_store
from policykb.graph.remote import OxigraphBackend, SparqlGraph
from policykb.graph.synthetic import write_synthetic_folder
from policykb.knowledge_base import KnowledgeBase


def run(args: list[str], capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return write_synthetic_folder(tmp_path_factory.mktemp("store") / "synthetic", 60, 7).folder


COMMANDS = [
    ["screen", "--policy", "miit-2022", "--as-of", "2024", "--format", "json"],
    ["check", "syn-00004", "--policy", "henan-2023", "--as-of", "2025", "--format", "json"],
    ["gap", "syn-00009", "--policy", "jiangsu-2023", "--as-of", "2024", "--format", "json"],
    ["binding", "--policy", "miit-2022", "--as-of", "2024", "--format", "json"],
    ["designations", "--format", "json"],
    ["query", "SELECT ?c ?v WHERE { ?o pkb:cluster ?c ; qb:measureType ind:total_output ; ind:total_output ?v ; "
              "pkb:year 2022 } ORDER BY ?c", "--format", "json"],
]


def test_a_store_answers_as_the_graph_in_process(data, tmp_path, capsys):
    store = tmp_path / "store"
    for args in COMMANDS:
        embedded = run(args + ["--data", str(data)], capsys)
        assert embedded[0] == 0, embedded[2]
        first = run(args + ["--data", str(data), "--store", str(store)], capsys)
        assert first == embedded
    assert (store / MANIFEST).is_file() and (store / "oxigraph").is_dir()
    # The facts of every cluster were kept beside the store by the first screen; the next
    # screen reads them back and answers the same.
    assert list(store.glob("facts-*.pickle"))
    assert run(COMMANDS[0] + ["--data", str(data), "--store", str(store)], capsys) == \
        run(COMMANDS[0] + ["--data", str(data)], capsys)


def test_a_second_open_reads_no_input(data, tmp_path, monkeypatch):
    store = tmp_path / "store"
    kb = KnowledgeBase.open(data=[data], store=store)
    expected = kb.graph.facts()
    del kb
    verdict = KnowledgeBase.open(data=[data]).check("syn-00004", "henan-2023", 2025)
    manifest = json.loads((store / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["complete"] and manifest["triples"] > 1000
    assert [i["role"] for i in manifest["inputs"]].count("data") == 5  # the five CSV files

    from policykb.graph import store as store_module, turtle

    def refuse(*args, **kwargs):
        raise AssertionError("an input was read although the store is up to date")

    monkeypatch.setattr(store_module, "import_csv_folder", refuse)
    monkeypatch.setattr(turtle, "load_turtle", refuse)
    again = KnowledgeBase.open(data=[data], store=store)
    assert isinstance(again.graph, SparqlGraph) and not again.graph.writable
    assert again.graph.facts() == expected
    assert again.check("syn-00004", "henan-2023", 2025) == verdict


def test_a_changed_input_rebuilds_the_store(data, tmp_path, capsys):
    own = tmp_path / "data"
    shutil.copytree(data, own)
    store = tmp_path / "store"
    args = ["check", "syn-00001", "--policy", "miit-2022", "--as-of", "2024", "--format", "json"]
    status, before, err = run(args + ["--data", str(own), "--store", str(store)], capsys)
    assert status == 0 and "rebuilding" not in err
    status, same, err = run(args + ["--data", str(own), "--store", str(store)], capsys)
    assert (status, same, err) == (0, before, "")

    clusters = own / "clusters.csv"
    text = clusters.read_text(encoding="utf-8")
    clusters.write_text(text.replace("SYNTHETIC cluster 1,", "SYNTHETIC cluster one,", 1), encoding="utf-8")
    status, after, err = run(args + ["--data", str(own), "--store", str(store)], capsys)
    assert status == 0 and "rebuilding" in err and "clusters.csv" in err
    assert after == run(args + ["--data", str(own)], capsys)[1]

    # Touching a file without changing it is not a change (it is hashed again, not rebuilt).
    os.utime(clusters, ns=(clusters.stat().st_atime_ns, clusters.stat().st_mtime_ns + 10**9))
    status, out, err = run(args + ["--data", str(own), "--store", str(store)], capsys)
    assert (status, out, err) == (0, after, "")

    # Other inputs (no --data): rebuilt, and answering about the shipped kb only.
    status, out, err = run(["policies", "--store", str(store)], capsys)
    assert status == 0 and "no longer given" in err


def test_a_folder_that_is_not_a_store_is_never_touched(tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    status, out, err = run(["policies", "--store", str(folder)], capsys)
    assert status == 1 and "is not a policykb store" in err
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_an_unfinished_build_is_built_again(data, tmp_path):
    store = tmp_path / "store"
    bad = tmp_path / "bad"
    shutil.copytree(data, bad)
    (bad / "observations.csv").write_text("cluster,indicator,year,value,unit,source\nsyn-00001,no_such,2022,1,,x\n",
                                          encoding="utf-8")
    with pytest.raises(Exception):
        open_store(store, data=[bad])
    assert json.loads((store / MANIFEST).read_text(encoding="utf-8"))["complete"] is False
    kb = open_store(store, data=[data])
    assert len(kb.graph.cluster_ids()) > 60


def test_values_stay_exact_in_the_store(tmp_path):
    """A decimal that no float holds comes back as the same Fraction."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "clusters.csv").write_text(
        "id,name_zh,name_en,province,county,leading_industry,area_km2\n"
        "syn-exact,精确集群,SYNTHETIC exact,Jiangsu,某县,SYNTHETIC 轴承,99.999999999999999999\n", encoding="utf-8")
    (folder / "observations.csv").write_text(
        "cluster,indicator,year,value,unit,source\n"
        "syn-exact,total_output,2022,4000000000.000000000000000001,CNY,test\n", encoding="utf-8")
    stored = KnowledgeBase.open(data=[folder], store=tmp_path / "store").graph.facts(["syn-exact"])
    local = KnowledgeBase.open(data=[folder]).graph.facts(["syn-exact"])
    assert stored == local
    values = {o.indicator: o.value for o in stored.observations}
    assert values["total_output"] == Fraction("4000000000.000000000000000001") != 4_000_000_000


def test_the_backend_can_be_in_memory():
    graph = SparqlGraph(OxigraphBackend(None), writable=True)
    from policykb.graph.remote import _start

    _start(graph, None, writable=True)
    assert "js-xinwu-mems-sensors" in graph.cluster_ids()
