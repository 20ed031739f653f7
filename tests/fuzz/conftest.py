"""Each fuzz test's published summary lines (grammar_gen.publish) travel with its teardown
report as user properties: tests/conftest.py prints them at the end of the run, also
without -s and from pytest-xdist workers."""

from __future__ import annotations

import pytest

import grammar_gen as gen
from fuzz_summary import KEY


@pytest.fixture(autouse=True)
def _hand_on_summaries(request):
    gen.PUBLISHED.clear()
    yield
    request.node.user_properties.extend((KEY, line) for line in gen.PUBLISHED)
    gen.PUBLISHED.clear()
