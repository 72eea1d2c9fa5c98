"""The PDF, the workbook and the HTML carry the same content: the outline's, read back from each file.

The annex is read paragraph by paragraph and cell by cell, the scorecard cell by cell: from the PDF with
pdftotext (its text, and the position of every word to put table cells back together), from the XLSX with
openpyxl (each stored number shown with its number format, the way a spreadsheet shows it), from the HTML with
the standard library's parser. The report includes a survey count, whose margin of error is a whole number:
that is where the formats once rounded differently.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from analysis.report import build, fmt
from analysis.report.layout import MARGIN_BOTTOM, MARGIN_X, PAGE_H
from analysis.report.outline import Format, Outline, Paragraph, StatusRules, Table, build_outline
from tests.analysis import report_fixture

PDFTOTEXT = shutil.which("pdftotext")
POINTS = 72.0  # pdftotext places words in points; the layout is in inches


@pytest.fixture(scope="module", params=["kk", "ru"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Outline, dict]:
    report = report_fixture.report_with_survey_count(request.param)
    folder = tmp_path_factory.mktemp(f"parity_{request.param}")
    paths = {kind: build(report, kind, folder / f"report.{kind.value}") for kind in Format}
    return build_outline(report), paths


def _squash(text: str) -> str:
    """Every run of whitespace (no-break spaces and the PDF's line breaks too) as one space."""
    return " ".join(text.split())


def _bare(text: str) -> str:
    """No whitespace at all: a PDF table cell may wrap a long word (a hash, a header) at any letter."""
    return "".join(text.split())


def _annex_texts(outline: Outline) -> list[str]:
    texts = [outline.annex.title]
    for section in outline.annex.sections:
        texts.append(section.heading)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                texts.append(block.text)
            elif isinstance(block, StatusRules):
                texts += [entry.rule_text for entry in block.entries]
    return texts


def _annex_tables(outline: Outline) -> list[tuple[str, Table]]:
    return [(s.heading, b) for s in outline.annex.sections for b in s.blocks if isinstance(b, Table)]


# ---------------------------------------------------------------------------------------------- PDF
@dataclass(frozen=True)
class Word:
    page: int
    x: float  # left edge, points from the page's left
    y: float  # top, points from the page's top
    text: str


def _pdf_words(path: Path) -> list[Word]:
    """Every word with its position, the page footers left out."""
    assert PDFTOTEXT is not None  # the PDF tests are skipped without it
    raw = subprocess.run([PDFTOTEXT, "-bbox", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    bottom = (PAGE_H - MARGIN_BOTTOM) * POINTS
    words = []
    for number, page in enumerate(raw.split("<page ")[1:]):
        for x, y, text in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(.*?)</word>', page):
            if float(y) < bottom:
                words.append(Word(number, float(x), float(y), unescape(text)))
    return words


def _lines(words: list[Word]) -> list[tuple[int, float, str]]:
    """Words gathered into lines (page, top, text), in reading order."""
    rows: dict[tuple[int, float], list[Word]] = {}
    for word in words:
        rows.setdefault((word.page, round(word.y, 1)), []).append(word)
    return [(page, y, " ".join(w.text for w in sorted(found, key=lambda w: w.x)))
            for (page, y), found in sorted(rows.items())]


def _in_order(haystack: str, needles: list[str]) -> list[str]:
    """The needles missing from ``haystack`` when looked for one after the other."""
    missing, position = [], 0
    for needle in needles:
        found = haystack.find(_squash(needle), position)
        if found < 0:
            missing.append(needle)
        else:
            position = found + len(_squash(needle))
    return missing


def _pdf_table(words: list[Word], start: tuple[int, float], table: Table, widths: dict[str, float]) -> list[list[str]]:
    """The table drawn below ``start``: its header and rows as cell texts, each word put in its column."""
    edges = [MARGIN_X * POINTS]
    for column in table.columns:
        edges.append(edges[-1] + widths[column.key] * POINTS)

    def column_of(word: Word) -> int | None:
        return next((i for i in range(len(table.columns)) if edges[i] - 0.5 <= word.x < edges[i + 1] - 0.5), None)

    first = sorted((w for w in words if (w.page, w.y) > start and column_of(w) == 0), key=lambda w: (w.page, w.y))
    anchors: list[Word] = []
    position = start
    for row in table.rows:  # every row begins with a one-word cell (a code, an instrument) in the first column
        anchor = next(w for w in first if (w.page, w.y) > position and w.text == row[0].text)
        anchors.append(anchor)
        position = (anchor.page, anchor.y)
    header_top = max(w.y for w in first if w.page == anchors[0].page and w.y < anchors[0].y
                     and w.text == table.columns[0].header.split()[0])

    def cells(page: int, top: float, end: float) -> list[str]:
        inside = sorted((w for w in words if w.page == page and top - 1 < w.y < end - 1), key=lambda w: (w.y, w.x))
        return ["".join(w.text for w in inside if column_of(w) == i) for i in range(len(table.columns))]

    def end_of(anchor: Word) -> float:  # the next text that starts at the left: the next row, or what follows
        return min((w.y for w in first if w.page == anchor.page and w.y > anchor.y + 1), default=PAGE_H * POINTS)

    return [cells(anchors[0].page, header_top, anchors[0].y)] + [cells(a.page, a.y, end_of(a)) for a in anchors]


def _expected_pdf_table(table: Table) -> list[list[str]]:
    return [[_bare(c.header) for c in table.columns]] + [[_bare(c.text) for c in row] for row in table.rows]


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (Debian package poppler-utils) is not installed")
def test_pdf_annex_paragraphs_and_tables(built: tuple[Outline, dict]) -> None:
    from analysis.report.pdf import WIDTHS  # the PDF's own column widths, to tell the columns apart

    outline, paths = built
    words = _pdf_words(paths[Format.PDF])
    lines = _lines(words)
    start = next(i for i, (_page, _y, text) in enumerate(lines) if text == outline.annex.title)
    annex = lines[start:]
    assert _in_order(_squash(" ".join(text for _p, _y, text in annex)), _annex_texts(outline)) == []
    for heading, table in _annex_tables(outline):
        page, y, _text = next(line for line in annex if line[2] == heading)
        shown = table.shown_in(Format.PDF)
        assert _pdf_table(words, (page, y), shown, WIDTHS[table.key]) == _expected_pdf_table(shown), heading


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (Debian package poppler-utils) is not installed")
def test_pdf_scorecard_cells(built: tuple[Outline, dict]) -> None:
    from analysis.report.pdf import WIDTHS

    outline, paths = built
    words = _pdf_words(paths[Format.PDF])
    lines = _lines(words)
    page, y, _text = next(line for line in lines if line[2] == outline.scorecard.title)
    shown = outline.scorecard.table.shown_in(Format.PDF)
    assert _pdf_table(words, (page, y), shown, WIDTHS["scorecard"]) == _expected_pdf_table(shown)
    text = _squash(" ".join(line for p, _y, line in lines if p == page))
    legend = [outline.scorecard.legend_title, *(e.legend_text for e in outline.scorecard.legend),
              outline.scorecard.ci_legend]
    assert _in_order(text, legend) == []


# ---------------------------------------------------------------------------------------------- XLSX
PLACES = {"#,##0": 0, "#,##0.0": 1, "#,##0.00": 2}


def _stored(value: Any) -> Any:
    """A float as the workbook keeps it: XLSX writes 16 significant digits and Excel keeps 15, so the last bit or
    two of a float may differ from the one given."""
    return float(f"{value:.14g}") if isinstance(value, float) else value


def _shown(cell: Any, language: str) -> tuple[Any, str]:
    """A workbook cell as (stored value, what a spreadsheet shows with the cell's number format)."""
    value = cell.value
    if isinstance(value, int | float) and cell.number_format in PLACES:
        return _stored(value), fmt.number(value, language, PLACES[cell.number_format])
    return value, "" if value is None else str(value)


def _sheet_rows(ws: Worksheet, language: str) -> list[list[tuple[Any, str]]]:
    """The sheet's non-empty rows, trailing empty cells dropped."""
    rows = []
    for row in ws.iter_rows():
        cells = [_shown(c, language) for c in row]
        while cells and cells[-1][0] is None:
            cells.pop()
        if cells:
            rows.append(cells)
    return rows


def _expected_xlsx_table(table: Table) -> list[list[tuple[Any, str]]]:
    shown = table.shown_in(Format.XLSX)
    rows = [[(c.header, c.header) for c in shown.columns]]
    for row in shown.rows:
        cells = [(_stored(c.value), "" if c.value is None else c.text) for c in row]
        while cells and cells[-1][0] is None:
            cells.pop()
        rows.append(cells)
    return rows


def _preamble(outline: Outline, title: str) -> list[list[tuple[Any, str]]]:
    return [[(text, text)] for text in (title, outline.heading_line, *outline.banners)]


def test_xlsx_annex_rows(built: tuple[Outline, dict]) -> None:
    outline, paths = built
    ws = load_workbook(paths[Format.XLSX])[outline.annex.sheet_name]
    expected = _preamble(outline, outline.annex.title)
    for section in outline.annex.sections:
        expected.append([(section.heading, section.heading)])
        for block in section.blocks:
            if isinstance(block, Paragraph):
                expected.append([(block.text, block.text)])
            elif isinstance(block, StatusRules):
                expected += [[(e.rule_text, e.rule_text)] for e in block.entries]
            else:
                expected += _expected_xlsx_table(block)
    assert _sheet_rows(ws, outline.language) == expected


def test_xlsx_scorecard_cells(built: tuple[Outline, dict]) -> None:
    outline, paths = built
    content = outline.scorecard
    ws = load_workbook(paths[Format.XLSX])[content.sheet_name]
    legend = [[(e.symbol, e.symbol), (e.legend_text, e.legend_text)] for e in content.legend]
    expected = [*_preamble(outline, content.title), *_expected_xlsx_table(content.table),
                [(content.legend_title, content.legend_title)], *legend,
                [(None, ""), (content.ci_legend, content.ci_legend)]]
    assert _sheet_rows(ws, outline.language) == expected


# ---------------------------------------------------------------------------------------------- HTML
class _Blocks(HTMLParser):
    """A section of the page as a list of blocks: ("h3", text), ("p", text), ("li", text) or ("table", rows)."""

    TEXT = frozenset({"h2", "h3", "p", "li", "th", "td"})

    def __init__(self, section: str) -> None:
        super().__init__(convert_charrefs=True)
        self.section, self.depth = section, 0  # depth > 0 while inside the wanted <section>
        self.blocks: list[tuple[str, Any]] = []
        self.text: list[str] | None = None
        self.rows: list[list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section" and ("id", self.section) in attrs:
            self.depth = 1
        elif self.depth and tag == "section":
            self.depth += 1
        if not self.depth:
            return
        if tag == "table":
            self.rows = []
        elif tag == "tr" and self.rows is not None:
            self.rows.append([])
        elif tag in self.TEXT:
            self.text = []

    def handle_endtag(self, tag: str) -> None:
        if not self.depth:
            return
        if tag == "section":
            self.depth -= 1
        elif tag == "table" and self.rows is not None:
            self.blocks.append(("table", self.rows))
            self.rows = None
        elif tag in self.TEXT and self.text is not None:
            text = re.sub(r"[ \t\r\n]+", " ", "".join(self.text)).strip()  # markup's line breaks; nbsp stays
            if self.rows is not None:
                self.rows[-1].append(text)
            else:
                self.blocks.append((tag, text))
            self.text = None

    def handle_data(self, data: str) -> None:
        if self.depth and self.text is not None:
            self.text.append(data)


def _html_blocks(path: Path, section: str) -> list[tuple[str, Any]]:
    parser = _Blocks(section)
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.blocks


def _expected_html_table(table: Table) -> tuple[str, list[list[str]]]:
    shown = table.shown_in(Format.HTML)
    return "table", [[c.header for c in shown.columns]] + [[c.text for c in row] for row in shown.rows]


def test_html_annex_blocks(built: tuple[Outline, dict]) -> None:
    outline, paths = built
    expected: list[tuple[str, Any]] = [("h2", outline.annex.title)]
    for section in outline.annex.sections:
        expected.append(("h3", section.heading))
        for block in section.blocks:
            if isinstance(block, Paragraph):
                expected.append(("p", block.text))
            elif isinstance(block, StatusRules):
                expected += [("li", e.rule_text) for e in block.entries]
            else:
                expected.append(_expected_html_table(block))
    assert _html_blocks(paths[Format.HTML], "annex") == expected


def test_html_scorecard_cells(built: tuple[Outline, dict]) -> None:
    outline, paths = built
    content = outline.scorecard
    expected = [("h2", content.title), ("p", content.intro), _expected_html_table(content.table),
                ("h3", content.legend_title), *(("li", f"{e.label} – {e.rule}") for e in content.legend),
                ("p", content.ci_legend)]
    assert _html_blocks(paths[Format.HTML], "scorecard") == expected
