"""Charts of research answers (matplotlib, Agg, no display), as PNG or SVG files or SVG text.

    sweep_chart(points, shipped, title, "sweep.png")      # eligible count vs threshold
    binding_chart(rows, title, "binding.svg")             # per criterion, why clusters fail
    sweep_svg(...), binding_svg(...)                       # the same as SVG text, for embedding

Inputs are duck-typed so a report generator can pass its own records: sweep points have
`number` (threshold in the display unit), `eligible`, `ineligible`, `undetermined`;
binding rows have `criterion`, `unmet`, `alone`, `unknown`, `review`.

matplotlib is imported inside the functions: every command module is imported when the
command line starts, and only the chart options should pay for matplotlib."""

from __future__ import annotations

import io
import unicodedata
from functools import cache
from pathlib import Path
from typing import Iterable, Sequence

from policykb.errors import PolicyKBError

FORMATS = {".png": "png", ".svg": "svg"}
CJK_FONTS = ("Noto Sans CJK SC", "WenQuanYi Zen Hei", "SimHei")
COLOURS = {"eligible": "#1b7837", "ineligible": "#b2182b", "undetermined": "#8c8c8c",
           "unmet": "#b2182b", "alone": "#67001f", "review": "#f4a582", "unknown": "#d9d9d9",
           "shipped": "#2166ac"}


# ------------------------------------------------------------------ fonts and labels
@cache
def cjk_font() -> str | None:
    """The first installed font of CJK_FONTS, or None."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def label(zh: str | None, en: str) -> str:
    """The Chinese text where a font can show it (or where it has no CJK character, e.g.
    "%"), else the English one: never boxes for missing glyphs."""
    return zh if zh and (cjk_font() or not _has_cjk(zh)) else en


def _has_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(ch) in "WF" for ch in text)


def _style() -> dict:
    # svg.hashsalt and no Date metadata make the same chart give the same bytes (diffable
    # reports); glyphs as paths so an SVG shows Chinese without the font installed.
    style = {"svg.hashsalt": "policykb", "svg.fonttype": "path", "font.size": 9}
    font = cjk_font()
    if font:
        from matplotlib import rcParams

        style["font.sans-serif"] = [font, *rcParams["font.sans-serif"]]
        style["font.family"] = "sans-serif"
    return style


# ------------------------------------------------------------------ writing
def check_path(path: Path | str) -> Path:
    """A chart path the writer accepts; called before any work so a typo fails fast."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise PolicyKBError.single("a chart is written as PNG or SVG", file=str(path),
                                   expected="a file name ending in .png or .svg")
    if not path.parent.is_dir():
        raise PolicyKBError.single("the chart's folder does not exist", file=str(path),
                                   expected="a file in an existing folder")
    return path


def _save(figure, path: Path | str) -> Path:
    """Write through safe_write (temporary file beside it, fsync, rename): a reader never
    sees a half-written chart, and a failed write leaves the old file, or none, behind."""
    from policykb.safe_write import atomic_path

    path = check_path(path)
    with atomic_path(path) as temporary:
        with open(temporary, "wb") as out:
            _draw(figure, out, FORMATS[path.suffix.lower()])
    return path


def _svg_text(figure) -> str:
    buffer = io.BytesIO()
    _draw(figure, buffer, "svg")
    return buffer.getvalue().decode("utf-8")


def _draw(figure, out, fmt: str) -> None:
    from matplotlib import rc_context

    with rc_context(_style()):
        figure.savefig(out, format=fmt, metadata={"Date": None} if fmt == "svg" else None)


def _figure(width: float, height: float):
    # A bare Figure on the Agg canvas: no pyplot, so no global figure list, no display.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=120, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


# ------------------------------------------------------------------ sweep
def sweep_figure(points: Sequence, shipped: float | None, title: str, unit: str = ""):
    """Eligible (and undetermined, ineligible) clusters as step lines over the threshold."""
    from matplotlib import rc_context

    with rc_context(_style()):
        figure = _figure(7, 4)
        axes = figure.add_subplot()
        xs = [float(p.number) for p in points]
        # Counts change only at cluster values, so a step line ("post": a count holds from
        # its threshold up to the next one) reads truer than a line through the points.
        # Eligible is the answer asked for: drawn last and thickest, so it stays visible
        # where the lines coincide.
        for name, width in (("undetermined", 1.2), ("ineligible", 1.2), ("eligible", 2.2)):
            axes.step(xs, [getattr(p, name) for p in points], where="post", marker="o", markersize=3,
                      linewidth=width, color=COLOURS[name], label=name)
        if shipped is not None:
            axes.axvline(float(shipped), color=COLOURS["shipped"], linestyle="--", linewidth=1,
                         label=f"shipped threshold ({_number(shipped)}{unit})")
        axes.set_xlabel(f"threshold ({unit})" if unit else "threshold")
        axes.set_ylabel("clusters")
        axes.set_ylim(bottom=0)
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.grid(True, alpha=0.3)
        figure.legend(loc="outside lower center", ncols=4, fontsize=8)
        axes.set_title(title)
    return figure


def sweep_chart(points: Sequence, shipped: float | None, title: str, path: Path | str, unit: str = "") -> Path:
    return _save(sweep_figure(points, shipped, title, unit), path)


def sweep_svg(points: Sequence, shipped: float | None, title: str, unit: str = "") -> str:
    return _svg_text(sweep_figure(points, shipped, title, unit))


# ------------------------------------------------------------------ binding
def binding_figure(rows: Sequence, title: str):
    """Per criterion, one horizontal bar of the clusters that do not meet it, split into
    unmet / review / unknown, with the part that fails it alone drawn darker inside."""
    from matplotlib import rc_context

    rows = list(rows)
    with rc_context(_style()):
        figure = _figure(7, 1.6 + 0.32 * max(len(rows), 1))
        axes = figure.add_subplot()
        ys = range(len(rows))
        left = [0] * len(rows)
        for name in ("unmet", "review", "unknown"):
            widths = [getattr(r, name) for r in rows]
            axes.barh(ys, widths, left=left, height=0.7, color=COLOURS[name], label=name)
            left = [a + b for a, b in zip(left, widths)]
        axes.barh(ys, [r.alone for r in rows], height=0.3, color=COLOURS["alone"],
                  label="unmet alone (all else met)")
        axes.set_yticks(list(ys), [r.criterion for r in rows])
        axes.invert_yaxis()  # policy order, top to bottom
        axes.set_xlabel("clusters not meeting the criterion")
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.set_xlim(0, max([*left, 1]) * 1.04)
        axes.grid(True, axis="x", alpha=0.3)
        figure.legend(loc="outside lower center", ncols=4, fontsize=8)
        axes.set_title(title)
    return figure


def binding_chart(rows: Iterable, title: str, path: Path | str) -> Path:
    return _save(binding_figure(list(rows), title), path)


def binding_svg(rows: Iterable, title: str) -> str:
    return _svg_text(binding_figure(list(rows), title))


def _number(value) -> str:
    return f"{float(value):.10g}"
