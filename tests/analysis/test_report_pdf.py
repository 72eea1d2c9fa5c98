"""The PDF report: its extracted text carries every indicator's name and value in the report's language."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from analysis.report import Format, ReportData, build, fmt, pdf
from analysis.report.outline import build_outline
from tests.analysis import report_fixture

PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (Debian package poppler-utils) is not installed")


def _clean(text: str) -> str:
    """Extracted text with no-break spaces and line breaks (from wrapping) turned into single spaces."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


@pytest.fixture(scope="module", params=["kk", "ru"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[ReportData, Path, list]:
    report = report_fixture.report(request.param)
    path = build(report, "pdf", tmp_path_factory.mktemp("pdf") / f"report_{request.param}.pdf")
    raw = subprocess.run([PDFTOTEXT, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    pages = [_clean(page) for page in raw.split("\f") if page.strip()]
    return report, path, pages


def test_every_indicator_name_value_target_and_status_is_in_the_text(built: tuple) -> None:
    report, _path, pages = built
    text = " ".join(pages)
    lang = report.language
    for ind in report.indicators:
        assert _clean(fmt.indicator_name(ind, lang)) in text, ind.code
        value = _clean(fmt.value_text(ind.national.estimate, ind.unit, lang))
        assert value in text, (ind.code, value)
        assert _clean(fmt.target_text(ind.target, ind.unit, lang)) in text, ind.code
        assert fmt.status_text(ind.status.status, lang) in text, ind.code
        if ind.national.has_ci:
            assert _clean(fmt.ci_text(ind.national, ind.unit, lang)) in text, ind.code
    assert _clean(report.programme_title) in text


def test_values_use_the_language_s_decimal_comma(built: tuple) -> None:
    _report, _path, pages = built
    assert "61,8 %" in " ".join(pages) and "61.8" not in " ".join(pages)


def test_the_language_s_letters_survive(built: tuple) -> None:
    report, _path, pages = built
    text = " ".join(pages)
    if report.language == "kk":
        assert set("әғқңөұүі") <= set(text)
        assert "Қол жеткізілді" in text and "Шығыс Қазақстан облысы" in text
        assert "Достигнуто" not in text  # no Russian interface text leaks into the Kazakh report
    else:
        assert "Ежегодный отчёт" in text and "Восточно-Казахстанская область" in text
        assert "Қол жеткізілді" not in text


def test_every_page_is_marked_synthetic_and_numbered(built: tuple) -> None:
    report, _path, pages = built
    mark = {"kk": "СИНТЕТИКАЛЫҚ ДЕРЕКТЕР", "ru": "СИНТЕТИЧЕСКИЕ ДАННЫЕ"}[report.language]
    assert len(pages) >= 6  # cover, scorecard, 3 indicators, annex
    for number, page in enumerate(pages, start=1):
        assert mark in page, f"page {number} lacks the synthetic mark"
        assert str(len(pages)) in page


def test_a_suppressed_cell_never_shows_a_number(built: tuple) -> None:
    report, _path, pages = built
    text = " ".join(pages)
    lang = report.language
    hidden = fmt.number(report_fixture.HIDDEN_ESTIMATE, lang, 1)
    assert hidden not in text
    assert "28,1" not in text and "67,2" not in text  # its interval
    assert {"kk": "жасырылған", "ru": "скрыто"}[lang] in text
    # The row itself: the region's name, the word, and dashes where the interval and n would be.
    label = next(r.label for r in report.indicators[0].breakdowns["region"] if r.category == "ulytau")
    regions = next(t for t in build_outline(report).indicators[0].breakdowns if t.key == "region")
    row = next(r for r in regions.shown_in(Format.PDF).rows if r[0].text == label)
    cells = [c.text for c in pdf.cells(row)]  # as the PDF draws them
    assert cells[1:] == [{"kk": "жасырылған", "ru": "скрыто"}[lang], "–", "–"]
    assert not re.search(r"\d", " ".join(cells))


def test_fonts_are_embedded(built: tuple) -> None:
    _report, path, _pages = built
    pdffonts = shutil.which("pdffonts")
    if pdffonts is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    lines = subprocess.run([pdffonts, str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert lines and all(" yes " in line for line in lines), lines
    assert all("DejaVuSans" in line for line in lines)


def test_progress_and_no_synthetic_mark_on_real_data(tmp_path: Path) -> None:
    report = report_fixture.report("ru", synthetic=False)
    calls: list[tuple[int, int, str]] = []
    path = build(report, "pdf", tmp_path / "real.pdf", progress=lambda *a: calls.append(a))
    assert calls[-1][0] == calls[-1][1] and [c[0] for c in calls] == list(range(1, len(calls) + 1))
    text = subprocess.run([PDFTOTEXT, str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "СИНТЕТИЧЕСКИЕ" not in text
