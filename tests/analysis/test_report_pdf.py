"""The PDF report: its extracted text carries every indicator's name and value in the report's language."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest

from analysis.report import Format, ReportData, build, fmt, pdf
from analysis.report.outline import build_outline
from analysis.report.texts import tr
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


@dataclass(frozen=True)
class Box:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1


def _page_boxes(path: Path, page: int) -> list[Box]:
    """Every word of one page (1-based) with its box in points, as pdftotext -bbox gives it."""
    assert PDFTOTEXT is not None
    raw = subprocess.run([PDFTOTEXT, "-bbox", "-enc", "UTF-8", "-f", str(page), "-l", str(page), str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    return [Box(unescape(t), float(a), float(b), float(c), float(d)) for a, b, c, d, t in re.findall(pattern, raw)]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_list_of_hidden_regions_sits_under_the_chart_and_over_nothing(language: str, tmp_path: Path) -> None:
    report = report_fixture.report_with_hidden_regions(language)
    [content] = [p for p in build_outline(report).indicators if p.code == "A12"]
    [indicator] = report.indicators
    hidden = [r.label for r in indicator.breakdowns["region"] if r.suppressed]
    expected = tr("chart.hidden_regions", language, names=", ".join(hidden)) + f" ({tr('suppressed.cell', language)})"
    path = build(report, "pdf", tmp_path / f"r_{language}.pdf")
    raw = subprocess.run([PDFTOTEXT, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    [page] = [i + 1 for i, text in enumerate(raw.split("\f")) if content.regions_title in text]
    boxes = _page_boxes(path, page)
    words = [b.text for b in boxes]
    # The list: its words in reading order, from its first word to its closing "(suppressed)".
    listed = expected.split()
    start = next(i for i in range(len(words)) if words[i : i + 3] == listed[:3])
    note = boxes[start : start + len(listed)]
    assert [b.text for b in note] == listed  # every hidden region is printed, none cut off
    others = boxes[:start] + boxes[start + len(listed) :]
    for word in note:
        clash = [o.text for o in others if word.overlaps(o)]
        assert not clash, (word.text, clash)
        assert word.x1 <= (pdf.PAGE_W - pdf.MARGIN_X) * 72 + 0.5, word.text  # within the right margin
    # The chart: the words between the regional heading and the breakdown heading in the right-hand column
    # (legend, the shown regions' names, ticks, the unit); the list begins below all of them.
    heading = next(b for b in boxes if b.text == content.regions_title.split()[0] and b.x0 > 200)
    below = next(b for b in boxes if b.text == content.breakdowns_title.split()[0])
    chart = [o for o in others if o.x0 >= heading.x0 - 1 and heading.y1 <= o.y0 < below.y0]
    for region in ("kostanay", "kyzylorda"):
        label = report_fixture.ALL_REGIONS[region][language].split()[0]
        assert label in [c.text for c in chart]
    assert min(b.y0 for b in note) >= max(c.y1 for c in chart)
    assert max(b.y1 for b in note) <= below.y0  # and ends before the breakdown tables' heading
    assert getattr(content, "hidden_regions", None) == expected  # the HTML sets the same text
