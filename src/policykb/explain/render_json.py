"""Verdicts as JSON (the documented shape; see `Verdict.to_json`)."""

from __future__ import annotations

import json

from policykb.verdicts.model import Verdict


def render_verdict(verdict: Verdict) -> str:
    return json.dumps(verdict.to_json(), ensure_ascii=False, indent=2) + "\n"


def render_screen(verdicts: list[Verdict]) -> str:
    return json.dumps([v.to_json() for v in verdicts], ensure_ascii=False, indent=2) + "\n"
