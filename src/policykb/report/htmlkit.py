"""Small HTML pieces shared by the report and the notebook views (policykb.api): escaping,
status colours, inline-styled status badges and tables."""

from __future__ import annotations

from html import escape
from typing import Iterable, Sequence

# Text colours dark enough to read on white and in print; tints for screen backgrounds.
STATUS_COLOURS = {"met": "#1b7837", "unmet": "#b2182b", "unknown": "#5f5f5f", "review": "#a6530a",
                  "eligible": "#1b7837", "ineligible": "#b2182b", "undetermined": "#5f5f5f"}
STATUS_TINTS = {"met": "#e6f4ea", "unmet": "#fbe9eb", "unknown": "#f0f0f0", "review": "#fdf0e2",
                "eligible": "#e6f4ea", "ineligible": "#fbe9eb", "undetermined": "#f0f0f0"}
MARKS = {"met": "✔", "unmet": "✘", "unknown": "?", "review": "!",
         "eligible": "✔", "ineligible": "✘", "undetermined": "?"}


def esc(value) -> str:
    return escape("" if value is None else str(value), quote=True)


def badge(status: str, label: str | None = None) -> str:
    """A status as an inline-styled badge (works where no stylesheet applies, e.g. Jupyter)."""
    colour = STATUS_COLOURS.get(status, "#333")
    tint = STATUS_TINTS.get(status, "transparent")
    return (f'<span class="status status-{esc(status)}" data-status="{esc(status)}" style="color:{colour};'
            f'background:{tint};border:1px solid {colour};border-radius:3px;padding:0 .35em;white-space:nowrap;'
            f'font-weight:600">{esc(MARKS.get(status, ""))} {esc(label or status)}</span>')


CELL = "padding:3px 8px;border-bottom:1px solid #ddd;vertical-align:top;text-align:left"
HEAD = CELL + ";border-bottom:2px solid #888;font-weight:600"


def table(header: Sequence[str], rows: Iterable[Sequence[str]], numeric: Iterable[int] = (),
          styles: dict[int, str] | None = None) -> str:
    """An inline-styled table; cells are HTML already (escape them first). `numeric` columns
    are right-aligned; `styles` adds CSS to the cells of some columns."""
    numeric, styles = set(numeric), styles or {}

    def cell(tag: str, html: str, i: int) -> str:
        style = (HEAD if tag == "th" else CELL) + (";text-align:right" if i in numeric else "")
        style += (";" + styles[i]) if i in styles else ""
        return f'<{tag} style="{style}">{html}</{tag}>'

    head = "".join(cell("th", h, i) for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(cell("td", c, i) for i, c in enumerate(row)) + "</tr>" for row in rows)
    return (f'<table style="border-collapse:collapse;font-size:13px;margin:.4em 0">'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
