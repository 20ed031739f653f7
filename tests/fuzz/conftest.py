"""Shows the fuzzers' counts (inputs tried, failures found, inputs left out) at the end of
every run, also without -s and under pytest-xdist: each test's published lines travel with
its teardown report as user properties, and the terminal summary prints them."""

from __future__ import annotations

import pytest

import grammar_gen as gen

_KEY = "fuzz summary"
_LINES: list[str] = []


@pytest.fixture(autouse=True)
def _hand_on_summaries(request):
    gen.PUBLISHED.clear()
    yield
    request.node.user_properties.extend((_KEY, line) for line in gen.PUBLISHED)
    gen.PUBLISHED.clear()


def pytest_runtest_logreport(report):
    # The call report shares the item's list in-process; teardown's is the complete one.
    if report.when == "teardown":
        _LINES.extend(value for key, value in report.user_properties if key == _KEY)


def pytest_terminal_summary(terminalreporter):
    if _LINES:
        terminalreporter.write_sep("=", "fuzzing")
        for line in _LINES:
            terminalreporter.write_line(line)
