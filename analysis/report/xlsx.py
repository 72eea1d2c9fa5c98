"""The yearly report as a workbook: the scorecard, one sheet per indicator, the methodology.

The content comes from :func:`analysis.report.outline.build_outline`; this module only places it. Numbers are
stored as numbers with their full stored precision (a number format only rounds what is displayed, with the
decimals the PDF prints), so a ministry analyst can recompute from the sheet; a suppressed cell holds the word,
not a value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analysis.report import fmt
from analysis.report.data import ReportData
from analysis.report.outline import (
    Cell,
    Format,
    IndicatorPage,
    Outline,
    Paragraph,
    StatusRules,
    Table,
    Tone,
    build_outline,
)

Progress = Callable[[int, int, str], None]

BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor=fmt.HEADER_FILL.lstrip("#"))
RED = Font(bold=True, color=fmt.SYNTHETIC_COLOR.lstrip("#"))
TITLE = Font(bold=True, size=13)
GREY = Font(italic=True, color="666666")
THIN = Border(bottom=Side(style="thin", color="BBBBBB"))
WRAP = Alignment(wrap_text=True, vertical="top")

NUMBER_FORMATS = {0: "#,##0", 1: "#,##0.0", 2: "#,##0.00"}
_INVALID_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def render_xlsx(report: ReportData, path: Path, progress: Progress | None = None) -> None:
    total = len(report.indicators) + 3
    done = 0

    def step(what: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, what)

    outline = build_outline(report)
    workbook = Workbook()
    workbook.properties.title = outline.title
    workbook.properties.creator = "surveyapp analysis.report"
    first = workbook.active
    assert isinstance(first, Worksheet)  # a new workbook opens with one worksheet
    first.title = outline.scorecard.sheet_name[:31]
    scorecard(first, outline)
    step("scorecard")
    used = {first.title}
    for page in outline.indicators:
        name = _sheet_name(page.code, used)
        used.add(name)
        indicator_sheet(workbook.create_sheet(name), outline, page)
        step(page.code)
    annex(workbook.create_sheet(_sheet_name(outline.annex.sheet_name, used)), outline)
    step("methodology")
    workbook.save(path)
    step("write")


def _sheet_name(name: str, used: set[str]) -> str:
    base = name.translate(_INVALID_SHEET_CHARS)[:31] or "sheet"
    candidate, i = base, 2
    while candidate in used:
        candidate = f"{base[:28]}_{i}"
        i += 1
    return candidate


# ---------------------------------------------------------------------------------------------- helpers
def _preamble(ws: Worksheet, outline: Outline, title: str) -> int:
    """Title lines (and the SYNTHETIC/DRAFT marks) at the top of every sheet; returns the next free row."""
    ws.cell(1, 1, title).font = TITLE
    ws.cell(2, 1, outline.heading_line)
    row = 3
    for text in outline.banners:
        ws.cell(row, 1, text).font = RED
        row += 1
    return row + 1


def _header(ws: Worksheet, row: int, headers: Sequence[str]) -> None:
    for col, header in enumerate(headers, start=1):
        cell = ws.cell(row, col, header)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
        cell.border = THIN


def _put(ws: Worksheet, row: int, col: int, content: Cell) -> None:
    cell = ws.cell(row, col, content.value)
    if content.places is not None and isinstance(content.value, int | float):
        cell.number_format = NUMBER_FORMATS[content.places]
    if content.status is not None:
        cell.font = _status_font(content.status)
    elif content.tone is Tone.SUPPRESSED and content.value is not None:
        cell.font = GREY


def _table(ws: Worksheet, row: int, content: Table) -> int:
    """The header and the rows from ``row`` on; returns the last row written."""
    shown = content.shown_in(Format.XLSX)
    _header(ws, row, [c.header for c in shown.columns])
    for cells in shown.rows:
        row += 1
        for col, (column, cell) in enumerate(zip(shown.columns, cells, strict=True), start=1):
            _put(ws, row, col, cell)
            if column.key == "name":  # an indicator's full name: wrapped in its column
                ws.cell(row, col).alignment = WRAP
    return row


def _widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _status_font(status: str) -> Font:
    return Font(bold=True, color=fmt.STATUS_STYLES[status].color.lstrip("#"))


# ---------------------------------------------------------------------------------------------- sheets
def scorecard(ws: Worksheet, outline: Outline) -> None:
    content = outline.scorecard
    row = _preamble(ws, outline, content.title)
    ws.freeze_panes = ws.cell(row + 1, 3).coordinate
    row = _table(ws, row, content.table) + 2
    ws.cell(row, 1, content.legend_title).font = BOLD
    for entry in content.legend:
        row += 1
        ws.cell(row, 1, entry.symbol).font = _status_font(entry.status)
        ws.cell(row, 2, entry.legend_text)
    row += 1
    ws.cell(row, 2, content.ci_legend).font = GREY
    _widths(ws, [7, 60, 16, 16, 10, 10, 10, 10, 8, 10, 10, 10, 24, 22, 20])


def indicator_sheet(ws: Worksheet, outline: Outline, page: IndicatorPage) -> None:
    row = _preamble(ws, outline, page.title)
    for label, cell in page.data:
        ws.cell(row, 1, label).font = BOLD
        _put(ws, row, 2, cell)
        row += 1
    for note in page.notes:
        ws.cell(row, 1, note).font = GREY
        row += 1
    row += 1
    ws.cell(row, 1, page.breakdowns_title).font = TITLE
    row = _table(ws, row + 1, page.breakdown_table) + 1
    if page.footnote:  # the hidden cells' reasons and the few-df mark, as under the printed tables
        ws.cell(row, 1, page.footnote).font = GREY
        row += 1
    row += 1
    ws.cell(row, 1, page.trend_title).font = TITLE
    row = _table(ws, row + 1, page.history) + 2
    ws.cell(row, 1, outline.ci_note).font = GREY
    _widths(ws, [30, 16, 34, 12, 12, 12, 12, 9, 34, 10])


def annex(ws: Worksheet, outline: Outline) -> None:
    content = outline.annex
    row = _preamble(ws, outline, content.title)
    for section in content.sections:
        ws.cell(row, 1, section.heading).font = BOLD
        row += 1
        for block in section.blocks:
            if isinstance(block, Paragraph):
                cell = ws.cell(row, 1, block.text)
                if block.small:
                    cell.font = GREY
            elif isinstance(block, StatusRules):
                for entry in block.entries:
                    ws.cell(row, 1, entry.rule_text)
                    row += 1
                continue
            else:
                row = _table(ws, row, block)
            row += 1
        row += 1  # a blank row between sections
    _widths(ws, [22, 44, 24, 26, 14, 70])
