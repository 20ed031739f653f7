"""The branch-coverage figure the README shows (checked by test_packaging.py, compared with
each `--cov` run by conftest.py)."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
_FIGURE = re.compile(r"branch\s+coverage\s+of\s+`src/policykb`\s+was\s+([\d.]+)%")


def shown_in_readme() -> float | None:
    found = _FIGURE.search(README.read_text(encoding="utf-8"))
    return float(found.group(1)) if found else None
