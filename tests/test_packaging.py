"""pyproject.toml lists every package of src/policykb, so `pip install .` ships all code."""

import tomllib
from pathlib import Path

from readme_coverage import shown_in_readme

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


def _readme_commands() -> list[str]:
    """The commands of the README's first code block (the two a newcomer starts with)."""
    block = (ROOT / "README.md").read_text(encoding="utf-8").split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_ci_runs_exactly_the_readme_test_command():
    install_and_run, test = _readme_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert install_and_run.startswith("pip install . && policykb ")
    assert ci[-1] == test, "`.ci/run` must call exactly the README's test command"


def test_the_test_command_measures_branch_coverage_with_a_floor():
    coverage = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["coverage"]
    assert _readme_commands()[1].endswith("python -m pytest --cov")
    assert coverage["run"]["branch"] is True and coverage["run"]["source_pkgs"] == ["policykb"]
    assert coverage["report"]["fail_under"] >= 90
    shown = shown_in_readme()
    assert shown is not None, "the README shows the measured branch coverage (conftest.py keeps it honest)"
    assert shown >= coverage["report"]["fail_under"]
