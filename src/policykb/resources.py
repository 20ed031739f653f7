"""Where the shipped grammar, policies and kb live.

In a source checkout they are the top-level `grammar/`, `policies/` and `kb/` folders (so
authors edit them in place); in an installed wheel they are shipped as package data under
`policykb/_resources/` (see pyproject.toml), so the command works from any folder.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[2]


@cache
def resource_dir(name: str) -> Path:
    """The folder of shipped resource `name` ("grammar", "policies" or "kb")."""
    installed = Path(__file__).resolve().parent / "_resources" / name
    if installed.is_dir():
        return installed
    in_checkout = _CHECKOUT / name
    if (_CHECKOUT / "pyproject.toml").is_file() and in_checkout.is_dir():
        return in_checkout
    raise FileNotFoundError(f"policykb is installed without its {name}/ folder; reinstall it with `pip install .`")


def grammar_file() -> Path:
    return resource_dir("grammar") / "policy.lark"


def policies_dir() -> Path:
    return resource_dir("policies")


def kb_dir() -> Path:
    return resource_dir("kb")
