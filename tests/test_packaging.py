"""pyproject.toml lists every package of src/policykb, so `pip install .` ships all code."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_subpackage_is_listed():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT / "src").parts) for p in (ROOT / "src").rglob("__init__.py")}
    assert found <= listed, f"add to pyproject.toml: {sorted(found - listed)}"


def test_resource_folders_are_mapped():
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert setuptools["package-dir"]["policykb._resources.kb"] == "kb"
    assert setuptools["package-dir"]["policykb._resources.policies"] == "policies"
    assert setuptools["package-dir"]["policykb._resources.grammar"] == "grammar"
