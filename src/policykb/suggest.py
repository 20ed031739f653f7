"""'Did you mean ...' hints for unknown names."""

from __future__ import annotations

import difflib
from typing import Iterable


def did_you_mean(name: str, candidates: Iterable[str], n: int = 3) -> str | None:
    """A hint naming the closest known names, or None when nothing is close."""
    pool = list(candidates)
    # Short names (units such as 亿元) differ by one character at a ratio of 0.5.
    cutoff = 0.5 if len(name) <= 4 else 0.6
    matches = difflib.get_close_matches(name, pool, n=n, cutoff=cutoff)
    if not matches:
        # Case and separators are the usual slips ("Total-Output"); compare normalised too.
        folded = {_fold(c): c for c in pool}
        matches = [folded[m] for m in difflib.get_close_matches(_fold(name), list(folded), n=n, cutoff=cutoff)]
    if not matches:
        return None
    return "Did you mean " + " or ".join(f"'{m}'" for m in matches) + "?"


def _fold(text: str) -> str:
    return text.lower().replace("-", "_").replace(" ", "_")


def one_of(names: Iterable[str]) -> str:
    """'one of a, b, c' for an Expected ... text."""
    return "one of " + ", ".join(sorted(names))
