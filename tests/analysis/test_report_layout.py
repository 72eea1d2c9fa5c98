"""The PDF layout's measurements: text fits the column it is wrapped to, headers are never cut mid-word."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from matplotlib.backends.backend_pdf import PdfFile, RendererPdf
from matplotlib.font_manager import FontProperties

from analysis.programme import Kind, Unit
from analysis.report import TargetInfo, build, fmt, layout, pdf
from analysis.report.charts import style
from analysis.report.outline import build_outline
from analysis.report.texts import tr
from tests.analysis import report_fixture


@pytest.mark.parametrize("text", ["Оценка эффективности работы полиции", "Полиция органдарының ашықтық дәрежесі",
                                  "administrative_SYNTHETIC.csv"])
def test_measured_width_is_the_drawn_width(text: str) -> None:
    """Wrapping measures with the metrics the PDF is drawn with (within 1 %): text never runs into the next
    column."""
    with style():
        renderer = RendererPdf(PdfFile(io.BytesIO()), 72, 8, 2)
        width = renderer.get_text_width_height_descent(text, FontProperties(family="DejaVu Sans", size=6.8),
                                                       ismath=False)[0] / 72
    assert layout.text_width(text, 6.8) == pytest.approx(width, rel=0.01)


def test_no_table_header_is_cut_inside_a_word() -> None:
    for lang in ("kk", "ru"):
        outline = build_outline(report_fixture.report_with_survey_count(lang))
        tables = [outline.scorecard.table, *(b for s in outline.annex.sections for b in s.blocks
                                             if hasattr(b, "columns"))]
        for table in tables:
            printed = table.shown_in(pdf.Format.PDF)
            for column in pdf.columns(printed, pdf.WIDTHS[table.key]):
                size = layout.header_size(column.header, column.width, layout.TABLE_SIZE)
                lines = layout.wrap(column.header, column.width - 2 * layout.PAD, size, True)
                assert " ".join(lines).split() == column.header.split(), (lang, table.key, column.header, lines)


def test_a_change_target_without_a_base_year_never_prints_none() -> None:
    target = TargetInfo(2025, 1000.0, Kind.ABSOLUTE_CHANGE_VS_BASE, value=2550.0)
    for lang in ("kk", "ru", "en"):
        text = fmt.target_text(target, Unit.COUNT, lang)
        assert "None" not in text and "1" in text, text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_indicators_without_data_share_one_page(tmp_path: Path) -> None:
    report = report_fixture.report_with_final_target("ru")
    path = build(report, "pdf", tmp_path / "r.pdf")
    raw = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = [re.sub(r"\s+", " ", p) for p in raw.split("\f") if p.strip()]
    title = tr("ind.empty_title", "ru", year=report.year)
    listing = [p for p in pages if title in p]
    assert len(listing) == 1 and "A10" in listing[0]
    # A10 has no page of its own: no chart, no empty tables.
    assert not [p for p in pages if "A10" in p and title not in p and tr("ind.trend", "ru") in p]
    # The footer names the report in its language, not by the programme code.
    assert all(tr("report.footer", "ru", year=report.year) in p and report.programme_code not in p for p in pages)
