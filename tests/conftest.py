import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Test the working tree (src/), not whatever copy of policykb is installed; the installed
# command itself is exercised by tests/cli/test_installed.py.
sys.path.insert(0, str(HERE.parent / "src"))
# Tests import the helpers module beside them.
sys.path.insert(0, str(HERE))

import fuzz_summary  # noqa: E402 - needs the path set above
from readme_coverage import shown_in_readme  # noqa: E402


def pytest_runtest_logreport(report):
    fuzz_summary.collect(report)


def pytest_terminal_summary(terminalreporter, config):
    """The fuzzers' counts; after a `--cov` run, whether the README's figure is out of date."""
    fuzz_summary.show(terminalreporter)
    measured = getattr(config.pluginmanager.getplugin("_cov"), "cov_total", None)
    shown = shown_in_readme()
    if measured is None or shown is None or abs(shown - measured) < 0.5:
        return
    terminalreporter.write_line(f"README.md shows branch coverage {shown}%, this run measured {measured:.1f}%: "
                                "update the figure there.", yellow=True)
