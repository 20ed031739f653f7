"""Verdicts as text for a terminal: aligned, coloured only on a TTY, Chinese clause text
shown as written."""

from __future__ import annotations

import os
import shutil
import textwrap
import unicodedata
from collections import Counter

from policykb.verdicts.model import CriterionVerdict, Verdict

MARKS = {"met": "✔", "unmet": "✘", "unknown": "?", "review": "!"}
COLOURS = {"met": "32", "unmet": "31", "unknown": "33", "review": "36",
           "eligible": "1;32", "ineligible": "1;31", "undetermined": "1;33"}


class Style:
    def __init__(self, colour: bool):
        self.colour = colour and "NO_COLOR" not in os.environ

    def paint(self, text: str, status: str) -> str:
        code = COLOURS.get(status)
        return f"\033[{code}m{text}\033[0m" if self.colour and code else text

    def dim(self, text: str) -> str:
        return f"\033[2m{text}\033[0m" if self.colour else text


def width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def truncate(text: str, columns: int) -> str:
    if width(text) <= columns:
        return text
    while width(text) > columns - 1:
        text = text[:-1]
    return text + "…"


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def counts(verdict: Verdict) -> str:
    tally = Counter(c.status for c in verdict.criteria)
    return " · ".join(f"{tally[s]} {s}" for s in ("met", "unmet", "unknown", "review") if tally[s])


def render_verdict(verdict: Verdict, style: Style, columns: int | None = None) -> str:
    columns = columns or shutil.get_terminal_size((100, 24)).columns
    name = f"{verdict.cluster_name} ({verdict.cluster})" if verdict.cluster_name else verdict.cluster
    synthetic = " [SYNTHETIC DATA]" if verdict.synthetic else ""
    lines = [f"{name}{synthetic}",
             f"under {verdict.policy} ({verdict.policy_title}), application year {verdict.as_of}: "
             + style.paint(verdict.status.upper(), verdict.status),
             f"  {counts(verdict)}", *(f"  note: {n}" for n in verdict.notes), ""]
    id_width = max(width(c.id) for c in verdict.criteria) if verdict.criteria else 0
    for criterion in verdict.criteria:
        lines += _criterion_lines(criterion, style, id_width, columns)
    return "\n".join(lines).rstrip() + "\n"


def _criterion_lines(criterion: CriterionVerdict, style: Style, id_width: int, columns: int) -> list[str]:
    head = f"{MARKS[criterion.status]} {pad(criterion.status, 7)} {pad(criterion.id, id_width)}  " \
           f"{criterion.kind:<11} {criterion.citation}"
    indent = " " * 4
    wrap = lambda text: textwrap.wrap(text, max(40, columns - len(indent)), initial_indent=indent,  # noqa: E731
                                      subsequent_indent=indent + "  ", break_on_hyphens=False)
    lines = [style.paint(head, criterion.status)]
    lines += wrap(criterion.explanation.rstrip(".") + ".")
    if criterion.source_text:
        lines.append(indent + style.dim("原文: " + criterion.source_text))
    for item in criterion.inputs:
        year = f" {item.year}" if item.year is not None else ""
        where = f" [{item.record}]" if item.record else ""
        lines += [style.dim(line) for line in wrap(f"· {item.indicator}{year} = {_value(item)} — {item.source}{where}")]
    lines.append("")  # what is missing is named in the explanation itself
    return lines


def _value(item) -> str:
    from policykb.explain import format as fmt
    from fractions import Fraction

    if isinstance(item.value, bool):
        return "true" if item.value else "false"
    if isinstance(item.value, (int, Fraction)):
        return fmt.decimal(Fraction(item.value), 4) + (f" {item.unit}" if item.unit else "")
    return str(item.value)


def render_screen(verdicts: list[Verdict], style: Style) -> str:
    if not verdicts:
        return "No clusters in the knowledge base.\n"
    first = verdicts[0]
    id_width = max(width(v.cluster) for v in verdicts)
    name_width = min(30, max(width(v.cluster_name or "") for v in verdicts))
    lines = [f"{first.policy} ({first.policy_title}), application year {first.as_of}: {len(verdicts)} clusters",
             *(f"note: {n}" for n in first.notes), ""]
    for verdict in verdicts:
        name = truncate(verdict.cluster_name or "", name_width)
        unmet = [c.id for c in verdict.by_status("unmet")]
        detail = f"unmet: {', '.join(unmet)}" if unmet else ""
        lines.append(f"{pad(verdict.cluster, id_width)}  {pad(name, name_width)}  "
                     f"{style.paint(pad(verdict.status, 12), verdict.status)} {pad(counts(verdict), 40)} {detail}".rstrip())
    tally = Counter(v.status for v in verdicts)
    lines += ["", "  ".join(f"{tally[s]} {s}" for s in ("eligible", "ineligible", "undetermined"))]
    return "\n".join(lines) + "\n"
