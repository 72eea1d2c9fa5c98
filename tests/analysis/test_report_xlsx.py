"""The XLSX report: the stored numbers as numbers, equal to the input; suppressed cells hold a word only."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from analysis.report import ReportData, build, fmt
from analysis.report.texts import tr
from tests.analysis import report_fixture


@pytest.fixture(scope="module", params=["kk", "ru"])
def workbook(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[ReportData, object]:
    report = report_fixture.report(request.param)
    path = build(report, "xlsx", tmp_path_factory.mktemp("xlsx") / f"report_{request.param}.xlsx")
    return report, load_workbook(path)


def _rows(ws: Worksheet) -> list[list[object]]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def _find(rows: list[list[object]], first: object, column: int = 0) -> list[object]:
    return next(row for row in rows if row[column] == first)


def test_one_sheet_per_indicator_plus_scorecard_and_methodology(workbook: tuple) -> None:
    report, wb = workbook
    lang = report.language
    assert wb.sheetnames == [tr("sheet.scorecard", lang), "A5", "A9", "A7", tr("sheet.methodology", lang)]


def test_scorecard_values_equal_the_input(workbook: tuple) -> None:
    report, wb = workbook
    rows = _rows(wb.worksheets[0])
    for ind in report.indicators:
        row = _find(rows, ind.code)
        v = ind.national
        assert row[1] == fmt.indicator_name(ind, report.language)
        assert row[4:11] == [v.estimate, v.ci_low, v.ci_high, v.se, v.n, v.n_eff, v.deff]
        assert row[11] == ind.target.value
        assert row[13] == fmt.status_label(ind.status.status, report.language)
    estimate = _find(rows, "A5")[4]
    assert isinstance(estimate, float)  # a number, not text


def test_breakdown_values_equal_the_input_and_suppressed_cells_hold_no_number(workbook: tuple) -> None:
    report, wb = workbook
    lang = report.language
    a5 = report.indicators[0]
    rows = _rows(wb["A5"])
    for name, items in a5.breakdowns.items():
        for item in items:
            row = next(r for r in rows if r[0] == fmt.breakdown_title(name, lang) and r[1] == item.category)
            assert row[2] == item.label
            if item.suppressed:
                assert row[3] == tr("suppressed.cell", lang)
                assert not any(isinstance(cell, int | float) for cell in row), row
                assert row[8] == fmt.suppression_reason(item.suppressed, lang, 30)
            else:
                v = item.value
                # XLSX writes floats with 16 significant digits (Excel keeps 15): equal to the last one or two bits
                assert row[3:8] == pytest.approx([v.estimate, v.ci_low, v.ci_high, v.se, v.n], rel=1e-14)
    every = [cell for sheet in wb.worksheets for row in _rows(sheet) for cell in row]
    assert report_fixture.HIDDEN_ESTIMATE not in every


def test_history_and_administrative_values(workbook: tuple) -> None:
    report, wb = workbook
    a7 = report.indicators[2]
    rows = _rows(wb["A7"])
    for point in a7.history:
        row = next(r for r in rows if r[0] == point.year)
        assert row[1] == point.estimate and row[4] == point.target
    for item in a7.breakdowns["region"]:
        assert _find(rows, item.category, 1)[3] == item.value.estimate


def test_synthetic_banner_on_every_sheet_and_kazakh_text_intact(workbook: tuple) -> None:
    report, wb = workbook
    banner = tr("synthetic.banner", report.language)
    for ws in wb.worksheets:
        assert ws.cell(3, 1).value == banner, ws.title
    if report.language == "kk":
        title = "A5. Өз ауданында көшеде жалғыз жүргенде өзін қауіпсіз сезінетін адамдар үлесі"
        assert wb["A5"].cell(1, 1).value == title
