"""Smoke test of the benchmark (bench/run.py): it runs end to end at a tiny size, prints its
table and finds policykb's statuses equal to the plain-Python reference's. Not a timed test:
nothing here asserts on a time."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_bench_quick_runs_and_agrees_with_the_reference():
    done = subprocess.run([sys.executable, "bench/run.py", "--quick", "--sizes", "200"], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    assert "| N | phase | policykb | reference | ratio |" in out
    assert "| target (issue \"Fast at national scale\") | measured | limit | result |" in out
    agreement = [line for line in out.splitlines() if line.startswith("agreement N=200")]
    assert agreement, out
    assert all(" 0 disagreements" in line for line in agreement), "\n".join(agreement)
    assert any("SetEngine" in line for line in agreement)
