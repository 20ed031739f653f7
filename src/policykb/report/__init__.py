"""`policykb report`: one measure over every cluster, as a document for people.

    report = build(kb, "jiangsu-2023", as_of=2025, lang="zh")   # the content, computed once
    write(report, "jiangsu.html")                               # .html, .md or .xlsx

It holds a summary (the measure, counts by status, where the data comes from), the binding
criteria (chart and table), the near misses with their gaps, and every cluster's verdict
criterion by criterion with citations, the Chinese source text, the explanation and the
inputs with their sources. HTML is one self-contained file (inline CSS and SVG); Markdown
gets its chart as a PNG beside it (NAME-binding.png); XLSX needs openpyxl."""

from __future__ import annotations

from pathlib import Path

from policykb.errors import PolicyKBError
from policykb.report.model import NEAR_MISSES, Report, build

__all__ = ["build", "write", "format_of", "FORMATS", "NEAR_MISSES", "Report"]

FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".xlsx": "xlsx"}


def format_of(path: Path | str) -> str:
    """The report format a file name asks for, by its suffix; a bad name (or a missing
    openpyxl for .xlsx) is refused before any work."""
    path = Path(path)
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        raise PolicyKBError.single("the report's format is told by the file name's suffix", file=str(path),
                                   expected="a file name ending in .html, .md or .xlsx")
    if not path.parent.is_dir():
        raise PolicyKBError.single("the report's folder does not exist", file=str(path),
                                   expected="a file in an existing folder")
    if found == "xlsx":
        try:
            import openpyxl  # noqa: F401 - only whether it is there
        except ImportError:
            raise PolicyKBError.single("writing .xlsx needs openpyxl, which is not installed", file=str(path),
                                       hint="pip install 'openpyxl>=3.1', or write .html or .md") from None
    return found


def chart_path(path: Path | str) -> Path:
    """Where a Markdown report's chart goes: beside it, NAME-binding.png."""
    path = Path(path)
    return path.with_name(f"{path.stem}-binding.png")


def write(report: Report, path: Path | str) -> list[Path]:
    """Write `report` to `path` in the format its suffix names; returns the files written
    (the Markdown report's chart too). Each file is written whole or not at all."""
    from policykb.safe_write import atomic_write_bytes, atomic_write_text

    path = Path(path)
    fmt = format_of(path)
    if fmt == "html":
        from policykb.report import html

        return [atomic_write_text(path, html.render(report))]
    if fmt == "md":
        from policykb.report import markdown
        from policykb.report.model import chart_file

        chart = chart_path(path)
        chart_file(report, chart)
        return [atomic_write_text(path, markdown.render(report, chart.name)), chart]
    from policykb.report import xlsx

    return [atomic_write_bytes(path, xlsx.render(report))]
