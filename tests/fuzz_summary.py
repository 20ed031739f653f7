"""The fuzzers' counts (inputs tried, failures found, inputs left out), collected from the
test reports and shown at the end of every run (tests/conftest.py). The hooks live in the
top conftest because under pytest-xdist the controller loads only that one."""

from __future__ import annotations

KEY = "fuzz summary"
_LINES: list[str] = []


def collect(report) -> None:
    # The call report shares the item's list in-process; teardown's is the complete one.
    if report.when == "teardown":
        _LINES.extend(value for key, value in report.user_properties if key == KEY)


def show(terminalreporter) -> None:
    if _LINES:
        terminalreporter.write_sep("=", "fuzzing")
        for line in _LINES:
            terminalreporter.write_line(line)
