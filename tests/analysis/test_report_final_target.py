"""A value measured in a year without a target is not "no data": the final target is shown under its own year."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from analysis.report import NO_DATA, NO_TARGET, build, fmt
from analysis.report.outline import build_outline
from analysis.report.texts import tr
from tests.analysis import report_fixture

PDFTOTEXT = shutil.which("pdftotext")


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_outline_tells_no_target_from_no_data(lang: str) -> None:
    report = report_fixture.report_with_final_target(lang)
    outline = build_outline(report)
    counts = {entry.status: entry.count for entry in outline.cover.counts}
    assert counts[NO_TARGET] == 1 and counts[NO_DATA] == 1  # the cover counts each once
    page = next(p for p in outline.indicators if p.code == "A13")
    assert page.status.status == NO_TARGET
    # The box names the final target's own year, never the report year's.
    assert page.target.label == tr("ind.final_target_year", lang, year=2028)
    assert str(report.year) not in page.target.label
    assert "80" in page.target.text
    assert "2028" in page.trajectory  # the distance to the final target replaces a status
    row = next(r for r in outline.scorecard.table.rows if r[0].text == "A13")
    cells = dict(zip((c.key for c in outline.scorecard.table.columns), row, strict=True))
    assert cells["status"].text == fmt.status_label(NO_TARGET, lang)
    assert "2028" in cells["target"].text and "80" in cells["target"].text
    assert cells["target_value"].value is None  # the 2028 figure is not stored as the 2025 target


def test_a_target_of_another_year_is_never_this_year_s() -> None:
    """A caller passing the final target as ``target`` still gets it printed under its own year."""
    report = report_fixture.report_with_final_target("ru")
    a13 = next(i for i in report.indicators if i.code == "A13")
    legacy = a13.__class__(**{**{f: getattr(a13, f) for f in a13.__slots__}, "target": a13.final_target,
                              "final_target": None})
    assert legacy.year_target(2025) is None and legacy.later_target(2025) == a13.final_target
    assert "2028" in fmt.full_target_text(legacy, "ru", 2025)


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_pdf_xlsx_html_say_no_target_this_year(lang: str, tmp_path: Path) -> None:
    report = report_fixture.report_with_final_target(lang)
    no_target = fmt.status_text(NO_TARGET, lang)
    no_data = fmt.status_text(NO_DATA, lang)
    year_label = tr("ind.target_year", lang, year=report.year)
    pdf = build(report, "pdf", tmp_path / "r.pdf")
    raw = subprocess.run([PDFTOTEXT, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    final_label = _clean(tr("ind.final_target_year", lang, year=2028))
    pages = [_clean(p) for p in raw.split("\f")]
    page = next(p for p in pages if final_label in p)
    assert _clean(a13_name(lang)) in page and no_target in page and no_data not in page
    assert year_label not in page
    scorecard = next(p for p in pages if _clean(tr("scorecard.title", lang)) in p)
    assert no_target in scorecard
    workbook = load_workbook(build(report, "xlsx", tmp_path / "r.xlsx"))
    values = [str(c.value) for ws in workbook for row in ws.iter_rows() for c in row if c.value is not None]
    sheet = [str(c.value) for row in workbook["A13"].iter_rows() for c in row if c.value is not None]
    assert any(no_target in v for v in sheet) and not any(no_data in v for v in sheet)
    assert any(no_target in v for v in values)
    html = build(report, "html", tmp_path / "r.html").read_text(encoding="utf-8")
    section = html[html.index('id="ind-A13"'):html.index('id="ind-A10"')]
    assert no_target in section and no_data not in section and year_label not in section


def a13_name(lang: str) -> str:
    return fmt.indicator_name(report_fixture.a13(lang), lang)
