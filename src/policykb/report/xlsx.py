"""The report as an Excel workbook (openpyxl): sheets Summary, Binding (table and chart),
Near misses and Criteria (one row per cluster x criterion)."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from policykb.report.htmlkit import STATUS_COLOURS
from policykb.report.i18n import BINDING_COLUMNS
from policykb.report.model import Report, chart_file

SHEETS = ("Summary", "Binding", "Near misses", "Criteria")


def render(report: Report) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    summary = book.active
    summary.title = SHEETS[0]
    _summary(report, summary)
    _binding(report, book.create_sheet(SHEETS[1]))
    _near_misses(report, book.create_sheet(SHEETS[2]))
    _criteria(report, book.create_sheet(SHEETS[3]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ------------------------------------------------------------------ helpers
def _styles():
    from openpyxl.styles import Alignment, Font

    return Font(bold=True), Alignment(wrap_text=True, vertical="top")


def _header(sheet, row: int, values, widths=None) -> None:
    bold, _ = _styles()
    from openpyxl.styles import Border, Side

    for col, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=col, value=value)
        cell.font = bold
        cell.border = Border(bottom=Side(style="medium"))
    if widths:
        from openpyxl.utils import get_column_letter

        for col, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(col)].width = width


def _status_font(status: str):
    from openpyxl.styles import Font

    colour = STATUS_COLOURS.get(status)
    return Font(bold=True, color=colour.lstrip("#").upper()) if colour else None


def _wrap_rows(sheet, first: int) -> None:
    _, wrap = _styles()
    for row in sheet.iter_rows(min_row=first):
        for cell in row:
            cell.alignment = wrap


# ------------------------------------------------------------------ sheets
def _summary(report: Report, sheet) -> None:
    w, policy = report.words, report.policy
    bold, wrap = _styles()
    sheet.append([w.policy_title(policy)])
    from openpyxl.styles import Font

    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    facts = [(w["measure_id"], policy.id), (w["title"], w.policy_title(policy)), (w["document"], policy.document),
             (w["issuer"], policy.issuer),
             (w["effective"], policy.effective.isoformat() if policy.effective else None),
             (w["source"], policy.source_url), (w["as_of"], report.as_of),
             (w["cluster_count"], len(report.verdicts))]
    if report.note:
        facts.append((w["version_note"], report.note))
    for key, value in facts:
        sheet.append([key, value])
        sheet.cell(row=sheet.max_row, column=1).font = bold
    for caption, counts in ((w["verdicts"], report.verdict_counts()),
                            (w["criterion_statuses"], report.criterion_counts())):
        sheet.append([])
        _header(sheet, sheet.max_row + 1, ["status", caption, w["count"]])
        for status, count in counts.items():
            sheet.append([status, w.status(status), count])
            sheet.cell(row=sheet.max_row, column=2).font = _status_font(status)
    sheet.append([])
    sheet.append([w["provenance"], report.provenance()])
    sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.cell(row=sheet.max_row, column=2).alignment = wrap
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 80
    sheet.column_dimensions["C"].width = 10


def _binding(report: Report, sheet) -> None:
    w = report.words
    _header(sheet, 1, [w["criterion"], w["kind"], *BINDING_COLUMNS], [16, 14, 10, 10, 14, 10, 10])
    for row in report.binding_rows():
        sheet.append([row[0], w.kind(row[1]), *row[2:]])
    sheet.append([])
    for column in BINDING_COLUMNS:
        sheet.append([column, w["def_" + column]])
    sheet.freeze_panes = "A2"
    image = _chart_image(report)
    if image is not None:
        sheet.add_image(image, "I2")


def _chart_image(report: Report):
    """The binding chart as an openpyxl image (needs Pillow, which matplotlib brings)."""
    try:
        from openpyxl.drawing.image import Image
        import PIL  # noqa: F401 - openpyxl needs it to read the PNG
    except ImportError:
        return None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "binding.png"
        chart_file(report, path)
        data = io.BytesIO(path.read_bytes())
    image = Image(data)
    scale = 640 / image.width  # about ten columns wide
    image.width, image.height = int(image.width * scale), int(image.height * scale)
    return image


def _near_misses(report: Report, sheet) -> None:
    w = report.words
    _header(sheet, 1, [w["rank"], "cluster", w["cluster"], w["status"], "n", w["failing"], w["reachable"],
                       w["changes"], w["blockers"]], [6, 30, 36, 14, 5, 36, 10, 90, 40])
    sheet.freeze_panes = "A2"
    if not report.near_misses:
        sheet.append(["", "", w["near_skipped"] if report.near_misses is None else w["near_none"]])
        return
    for rank, miss in enumerate(report.near_misses, start=1):
        changes = "\n".join(f"{c}: {text}" for c, text in report.change_lines(miss))
        sheet.append([rank, miss.cluster, report.cluster_name(miss.cluster), w.status(miss.gap.start.status),
                      len(miss.failing), ", ".join(miss.failing), w["yes"] if miss.gap.reachable else w["no"],
                      changes, "\n".join(miss.gap.blockers)])
        sheet.cell(row=sheet.max_row, column=4).font = _status_font(miss.gap.start.status)
    _wrap_rows(sheet, 2)


def _criteria(report: Report, sheet) -> None:
    w = report.words
    _header(sheet, 1, ["cluster", w["cluster"], w["synthetic_column"], w["verdicts"], w["criterion"], w["kind"],
                       w["status"], w["citation"], w["source_text"], w["explanation"], w["inputs"], w["missing"]],
            [28, 34, 10, 12, 16, 12, 10, 18, 30, 70, 60, 30])
    sheet.freeze_panes = "C2"
    for v in report.verdicts:
        record = report.clusters[v.cluster]
        for c in v.criteria:
            inputs = "\n".join(" — ".join(w.input_line(item)) for item in c.inputs)
            sheet.append([v.cluster, w.cluster_name(record), w["yes"] if record.synthetic else w["no"],
                          w.status(v.status), c.id, w.kind(c.kind), w.status(c.status), c.citation, c.source_text,
                          c.explanation, inputs, ", ".join(w.missing(m) for m in c.missing)])
            sheet.cell(row=sheet.max_row, column=4).font = _status_font(v.status)
            sheet.cell(row=sheet.max_row, column=7).font = _status_font(c.status)
    sheet.auto_filter.ref = sheet.dimensions
    _wrap_rows(sheet, 2)
