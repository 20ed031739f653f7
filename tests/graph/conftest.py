"""Shared fixtures for the knowledge-graph tests."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Callable

import pytest

from policykb.errors import Diagnostic, PolicyKBError
from policykb.graph.store import KnowledgeGraph

DATA = Path(__file__).resolve().parents[1] / "data" / "graph"


@pytest.fixture
def kg() -> KnowledgeGraph:
    """A fresh knowledge graph over the shipped kb (ontology, vocabulary, real clusters)."""
    return KnowledgeGraph.open()


@pytest.fixture
def write_folder(tmp_path: Path) -> Callable[..., Path]:
    """Write a CSV folder from {file name: text}; text is dedented and may hold a BOM."""

    def write(files: dict[str, str], name: str = "csv") -> Path:
        folder = tmp_path / name
        folder.mkdir()
        for file_name, text in files.items():
            (folder / file_name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return folder

    return write


def diagnostics(excinfo: pytest.ExceptionInfo[PolicyKBError]) -> list[Diagnostic]:
    return excinfo.value.diagnostics


def snapshot(kg: KnowledgeGraph) -> set:
    return set(kg.graph)
