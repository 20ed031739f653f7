"""The installed `policykb` command (the README's first command) works from any folder:
grammar, policies and kb ship inside the package."""

import json
import shutil
import subprocess
import sys

import pytest

from policykb import __version__


def run(*args, cwd):
    command = shutil.which("policykb")
    assert command, "the policykb command is not installed: run `pip install .` first (the README's commands do)"
    return subprocess.run([command, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_version_matches_the_working_tree(tmp_path):
    result = run("--version", cwd=tmp_path)
    assert result.stdout.strip() == f"policykb {__version__}"


def test_check_a_real_cluster_from_another_folder(tmp_path):
    result = run("check", "js-xinwu-mems-sensors", "--policy", "jiangsu-2023", "--as-of", "2024",
                 "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    verdict = json.loads(result.stdout)
    assert (verdict["cluster"], verdict["policy"], verdict["as_of"]) == ("js-xinwu-mems-sensors", "jiangsu-2023", 2024)


def test_bad_input_gives_a_message_not_a_traceback(tmp_path):
    result = run("check", "no-such-cluster", "--policy", "miit-2022", cwd=tmp_path)
    assert result.returncode == 1
    assert "unknown cluster 'no-such-cluster'" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_every_command(tmp_path):
    result = run("--help", cwd=tmp_path)
    for command in ("policies", "check", "screen", "lint", "program", "import", "query"):
        assert command in result.stdout


def test_module_entry_point(tmp_path):
    result = subprocess.run([sys.executable, "-m", "policykb.cli", "policies"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert "jiangsu-2023" in result.stdout
