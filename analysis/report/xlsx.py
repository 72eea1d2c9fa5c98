"""The yearly report as a workbook: the scorecard, one sheet per indicator, the methodology.

Numbers are stored as numbers with their full stored precision (a number format only rounds what is
displayed), so a ministry analyst can recompute from the sheet; a suppressed cell holds the word, not a value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analysis.report import fmt
from analysis.report.data import IndicatorReport, ReportData
from analysis.report.texts import tr

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

    workbook = Workbook()
    workbook.properties.title = f"{tr('report.title', report.language)}: {report.programme_title}, {report.year}"
    workbook.properties.creator = "surveyapp analysis.report"
    scorecard(workbook.active, report)
    step("scorecard")
    used = {workbook.active.title}
    for indicator in report.indicators:
        name = _sheet_name(indicator.code, used)
        used.add(name)
        indicator_sheet(workbook.create_sheet(name), report, indicator)
        step(indicator.code)
    methodology(workbook.create_sheet(_sheet_name(tr("sheet.methodology", report.language), used)), report)
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
def _preamble(ws: Worksheet, report: ReportData, title: str) -> int:
    """Title lines (and the SYNTHETIC/DRAFT marks) at the top of every sheet; returns the next free row."""
    lang = report.language
    ws.cell(1, 1, title).font = TITLE
    ws.cell(2, 1, f"{report.programme_title} · {tr('report.subtitle', lang, year=report.year)}")
    row = 3
    if report.synthetic:
        ws.cell(row, 1, tr("synthetic.banner", lang)).font = RED
        row += 1
    if report.draft:
        ws.cell(row, 1, tr("draft.banner", lang)).font = RED
        row += 1
    return row + 1


def _header(ws: Worksheet, row: int, headers: Sequence[str]) -> None:
    for col, header in enumerate(headers, start=1):
        cell = ws.cell(row, col, header)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
        cell.border = THIN


def _put(ws: Worksheet, row: int, col: int, value: Any, places: int | None = None, font: Font | None = None) -> None:
    cell = ws.cell(row, col, value)
    if places is not None and isinstance(value, int | float):
        cell.number_format = NUMBER_FORMATS[places]
    if font is not None:
        cell.font = font


def _widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _status_font(status: str) -> Font:
    return Font(bold=True, color=fmt.STATUS_STYLES[status].color.lstrip("#"))


# ---------------------------------------------------------------------------------------------- sheets
def scorecard(ws: Worksheet, report: ReportData) -> None:
    lang = report.language
    level = fmt.level_text(report.methodology.ci_level, lang)
    ws.title = tr("sheet.scorecard", lang)[:31]
    row = _preamble(ws, report, tr("scorecard.title", lang))
    headers = [tr("col.code", lang), tr("col.indicator", lang), tr("col.unit", lang), tr("col.source", lang),
               tr("col.value", lang), tr("col.ci_low", lang), tr("col.ci_high", lang), tr("col.se", lang),
               tr("col.n", lang), tr("col.n_eff", lang), tr("col.deff", lang), tr("col.target", lang),
               tr("col.target_printed", lang), tr("col.status", lang), tr("col.trajectory", lang)]
    _header(ws, row, headers)
    ws.freeze_panes = ws.cell(row + 1, 3)
    for ind in report.indicators:
        row += 1
        places = fmt.decimals(ind.unit, ind.national.estimate)
        v = ind.national
        target_value = ind.target.value if ind.target else None
        values: list[tuple[Any, int | None]] = [
            (ind.code, None), (fmt.indicator_name(ind, lang), None), (fmt.unit_text(ind.unit, lang), None),
            (fmt.source_text(ind.source, lang), None), (v.estimate, places), (v.ci_low, places),
            (v.ci_high, places), (v.se, places + 1), (v.n, 0), (v.n_eff, 0), (v.deff, 2), (target_value, places),
            (fmt.target_text(ind.target, ind.unit, lang), None), (fmt.status_label(ind.status.status, lang), None),
            (fmt.trajectory_text(ind.status.trajectory, lang), None),
        ]
        for col, (value, value_places) in enumerate(values, start=1):
            _put(ws, row, col, value, value_places)
        ws.cell(row, 2).alignment = WRAP
        ws.cell(row, 14).font = _status_font(ind.status.status)
    row += 2
    ws.cell(row, 1, tr("legend.title", lang)).font = BOLD
    for status in fmt.STATUS_STYLES:
        row += 1
        ws.cell(row, 1, fmt.STATUS_STYLES[status].symbol).font = _status_font(status)
        ws.cell(row, 2, f"{fmt.status_text(status, lang)} – {tr(f'status_rule.{status}', lang)}")
    row += 1
    ws.cell(row, 2, f"{tr('col.ci', lang, level=level)} – {tr('chart.ci', lang, level=level)}. "
                    f"{tr('report.source_note', lang)}").font = GREY
    _widths(ws, [7, 60, 16, 16, 10, 10, 10, 10, 8, 10, 10, 10, 24, 22, 20])


def indicator_sheet(ws: Worksheet, report: ReportData, ind: IndicatorReport) -> None:
    lang = report.language
    level = fmt.level_text(report.methodology.ci_level, lang)
    min_n = report.methodology.min_cell_n
    places = fmt.decimals(ind.unit, ind.national.estimate)
    row = _preamble(ws, report, f"{ind.code}. {fmt.indicator_name(ind, lang)}")
    facts: list[tuple[str, Any, int | None]] = [
        (tr("col.unit", lang), fmt.unit_text(ind.unit, lang), None),
        (tr("col.source", lang), fmt.source_text(ind.source, lang), None),
        (tr("col.direction", lang), tr(f"direction.{ind.direction.value}", lang), None),
        (tr("ind.value_year", lang, year=report.year), ind.national.estimate, places),
        (tr("col.ci_low", lang), ind.national.ci_low, places),
        (tr("col.ci_high", lang), ind.national.ci_high, places),
        (tr("col.n", lang), ind.national.n, 0),
        (tr("col.deff", lang), ind.national.deff, 2),
        (tr("ind.target_year", lang, year=report.year), ind.target.value if ind.target else None, places),
        (tr("col.target_printed", lang), fmt.target_text(ind.target, ind.unit, lang), None),
        (tr("col.status", lang), fmt.status_label(ind.status.status, lang), None),
        (tr("col.trajectory", lang), fmt.trajectory_text(ind.status.trajectory, lang) or None, None),
    ]
    status_label = tr("col.status", lang)
    for label, value, value_places in facts:
        if value is None:
            continue
        ws.cell(row, 1, label).font = BOLD
        _put(ws, row, 2, value, value_places, _status_font(ind.status.status) if label == status_label else None)
        row += 1
    for note in (ind.status.note, ind.note):
        if note:
            ws.cell(row, 1, note).font = GREY
            row += 1

    row += 1
    ws.cell(row, 1, tr("ind.breakdowns", lang)).font = TITLE
    row += 1
    headers = [tr("col.breakdown", lang), tr("col.code", lang), tr("col.category", lang), tr("col.value", lang),
               tr("col.ci_low", lang), tr("col.ci_high", lang), tr("col.se", lang), tr("col.n", lang),
               tr("col.suppressed", lang)]
    _header(ws, row, headers)
    for name, rows in ind.ordered_breakdowns():
        title = fmt.breakdown_title(name, lang)
        for item in rows:
            row += 1
            ws.cell(row, 1, title)
            ws.cell(row, 2, item.category)
            ws.cell(row, 3, item.label)
            reason = item.hidden_reason(min_n)
            if reason is not None:  # the word instead of the number; n is withheld too
                ws.cell(row, 4, tr("suppressed.cell", lang)).font = GREY
                ws.cell(row, 9, fmt.suppression_reason(reason, lang, min_n))
                continue
            v = item.value
            for col, (value, value_places) in enumerate(
                    [(v.estimate, places), (v.ci_low, places), (v.ci_high, places), (v.se, places + 1), (v.n, 0)],
                    start=4):
                _put(ws, row, col, value, value_places)

    row += 2
    ws.cell(row, 1, tr("ind.trend", lang)).font = TITLE
    row += 1
    _header(ws, row, [tr("col.year", lang), tr("col.value", lang), tr("col.ci_low", lang), tr("col.ci_high", lang),
                      tr("col.target", lang)])
    for point in ind.history:
        row += 1
        ws.cell(row, 1, point.year)
        for col, value in enumerate([point.estimate, point.ci_low, point.ci_high, point.target], start=2):
            _put(ws, row, col, value, places)
    row += 2
    ws.cell(row, 1, f"{tr('col.ci', lang, level=level)} – {tr('chart.ci', lang, level=level)}.").font = GREY
    _widths(ws, [30, 16, 34, 12, 12, 12, 12, 9, 34])


def methodology(ws: Worksheet, report: ReportData) -> None:
    lang = report.language
    meth = report.methodology
    level = fmt.level_text(meth.ci_level, lang)
    row = _preamble(ws, report, tr("meth.title", lang))

    def text(value: str, font: Font | None = None) -> None:
        nonlocal row
        cell = ws.cell(row, 1, value)
        if font is not None:
            cell.font = font
        row += 1

    text(tr("meth.interpretation", lang), BOLD)
    text(tr("report.diagnostic", lang))
    text(tr("report.source_note", lang))
    row += 1
    text(tr("meth.samples", lang), BOLD)
    if meth.samples:
        _header(ws, row, [tr("col.instrument", lang), tr("col.version", lang), tr("col.population", lang),
                          tr("col.fieldwork", lang), tr("col.respondents", lang), tr("col.sha256", lang)])
        for sample in meth.samples:
            row += 1
            fieldwork = f"{fmt.date_text(sample.fieldwork_start, lang)} – {fmt.date_text(sample.fieldwork_end, lang)}"
            for col, value in enumerate([sample.instrument, sample.version, sample.population, fieldwork,
                                         sample.respondents, sample.sha256], start=1):
                _put(ws, row, col, value, 0 if col == 5 else None)
        row += 2
    else:
        text(tr("meth.samples_none", lang))
    text(tr("meth.weighting", lang), BOLD)
    if not meth.weighting:
        text(tr("meth.weighting_default", lang))
    for info in meth.weighting:
        text(f"{info.instrument}: {info.method or tr('meth.weighting_default', lang)} {tr('col.margins', lang)}: "
             f"{'; '.join(info.margins)}. {tr('col.source', lang)}: {info.source}.")
    text(tr("meth.variance", lang, level=level, method=meth.ci_method))
    row += 1
    survey = [ind for ind in report.indicators if ind.is_survey]
    if survey:
        text(tr("meth.precision", lang), BOLD)
        _header(ws, row, [tr("col.code", lang), tr("col.n", lang), tr("col.n_eff", lang), tr("col.deff", lang),
                          tr("col.moe", lang)])
        for ind in survey:
            row += 1
            v = ind.national
            places = fmt.decimals(ind.unit, v.estimate)
            for col, (value, value_places) in enumerate(
                    [(ind.code, None), (v.n, 0), (v.n_eff, 0), (v.deff, 2), (v.margin_of_error, places)], start=1):
                _put(ws, row, col, value, value_places)
        row += 1
        text(tr("meth.precision_note", lang, level=level), GREY)
        row += 1
    text(tr("meth.status_rules", lang), BOLD)
    if meth.status_rules:
        text(meth.status_rules)
    else:
        for status, style_ in fmt.STATUS_STYLES.items():
            text(f"{style_.symbol} {fmt.status_text(status, lang)} – {tr(f'status_rule.{status}', lang)}")
    if any(ind.status.trajectory for ind in report.indicators):
        text(tr("meth.trajectory_rule", lang))
    row += 1
    text(tr("meth.suppression", lang), BOLD)
    text(tr("meth.suppression_rule", lang, min_n=meth.min_cell_n, cell=tr("suppressed.cell", lang)))
    if meth.admin_sources:
        row += 1
        text(tr("meth.admin_sources", lang), BOLD)
        _header(ws, row, [tr("col.code", lang), tr("col.source", lang), tr("col.file", lang), tr("col.sha256", lang)])
        for source in meth.admin_sources:
            row += 1
            for col, value in enumerate([source.indicator, source.source, source.file, source.sha256], start=1):
                ws.cell(row, col, value)
        row += 2
    if meth.notes:
        text(tr("meth.notes", lang), BOLD)
        for note in meth.notes:
            text(note)
    _widths(ws, [22, 14, 24, 26, 14, 70])
