"""A4 pages drawn with matplotlib: measured text wrapping, tables and a flow that turns pages.

Positions are in inches from the top-left corner of the page (how a layout is thought about); they are turned
into figure fractions only when drawn. Text widths are measured with FreeType on the same font the PDF
embeds, so wrapping is exact rather than guessed from a character count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from matplotlib import ft2font
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.patches import Rectangle

from analysis.report import fmt
from analysis.report.charts import FONT_BOLD, FONT_REGULAR

LoadFlags = getattr(ft2font, "LoadFlags", None)  # an enum from matplotlib 3.10, module constants before

PAGE_W, PAGE_H = 8.27, 11.69  # A4 in inches
MARGIN_X = 0.75
MARGIN_TOP = 0.6
MARGIN_BOTTOM = 0.75  # the footer lives in here
TEXT_W = PAGE_W - 2 * MARGIN_X
LINE = 1.3  # line height as a multiple of the font size


_NO_HINTING = LoadFlags.NO_HINTING if LoadFlags is not None else ft2font.LOAD_NO_HINTING  # type: ignore[attr-defined]


@lru_cache(maxsize=2)
def _font(bold: bool) -> FT2Font:
    return FT2Font(str(FONT_BOLD if bold else FONT_REGULAR))


@lru_cache(maxsize=50_000)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in inches of ``text`` set in DejaVu Sans at ``size`` points."""
    font = _font(bold)
    font.set_size(size, 72)  # at 72 dpi one pixel is one point
    # Unhinted, as the PDF sets it: hinted advances at 72 dpi run ~5 % short, and text then runs into the
    # next column.
    font.set_text(text, 0.0, flags=_NO_HINTING)
    width, _height = font.get_width_height()  # in 26.6 fixed point
    return width / 64.0 / 72.0


def line_height(size: float) -> float:
    return size * LINE / 72.0


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Greedy word wrap to ``width`` inches; a word longer than the line is cut by characters."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}" if current else word
            if text_width(candidate, size, bold) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            while text_width(word, size, bold) > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and text_width(word[:cut], size, bold) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        lines.append(current)
    return lines


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    color: str = "#000000"
    bold: bool = False
    italic: bool = False
    fill: str | None = None  # background of this cell only


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    width: float  # inches
    align: str = "left"  # left | right | center


class Page:
    """One A4 figure with a cursor ``y`` (inches from the top) that drawing calls move down."""

    def __init__(self) -> None:
        self.figure = Figure(figsize=(PAGE_W, PAGE_H))
        self.y = MARGIN_TOP

    @property
    def remaining(self) -> float:
        return PAGE_H - MARGIN_BOTTOM - self.y

    def text(self, x: float, y: float, text: str, size: float = 8.5, *, bold: bool = False, italic: bool = False,
             color: str = "#000000", ha: str = "left", va: str = "top") -> None:
        self.figure.text(x / PAGE_W, 1 - y / PAGE_H, text, fontsize=size, fontweight="bold" if bold else "normal",
                         fontstyle="italic" if italic else "normal", color=color, ha=ha, va=va)

    def rect(self, x: float, y: float, width: float, height: float, color: str, *, fill: bool = True,
             linewidth: float = 0.0) -> None:
        self.figure.add_artist(Rectangle((x / PAGE_W, 1 - (y + height) / PAGE_H), width / PAGE_W, height / PAGE_H,
                                         transform=self.figure.transFigure, facecolor=color if fill else "none",
                                         edgecolor=color, linewidth=linewidth, zorder=0))

    def hline(self, y: float, x0: float = MARGIN_X, x1: float = PAGE_W - MARGIN_X, color: str = fmt.RULE_COLOR,
              width: float = 0.5) -> None:
        self.figure.add_artist(_line(self.figure, x0, x1, y, color, width))

    def paragraph(self, text: str, size: float = 8.5, *, x: float = MARGIN_X, width: float = TEXT_W,
                  bold: bool = False, italic: bool = False, color: str = "#000000", after: float = 0.08) -> float:
        """Wrapped text at the cursor; returns the height used."""
        lines = wrap(text, width, size, bold)
        for i, line in enumerate(lines):
            self.text(x, self.y + i * line_height(size), line, size, bold=bold, italic=italic, color=color)
        used = len(lines) * line_height(size) + after
        self.y += used
        return used

    def axes(self, x: float, y: float, width: float, height: float):
        return self.figure.add_axes((x / PAGE_W, 1 - (y + height) / PAGE_H, width / PAGE_W, height / PAGE_H))


def _line(figure: Figure, x0: float, x1: float, y: float, color: str, width: float):
    from matplotlib.lines import Line2D

    return Line2D([x0 / PAGE_W, x1 / PAGE_W], [1 - y / PAGE_H] * 2, transform=figure.transFigure, color=color,
                  linewidth=width)


# ---------------------------------------------------------------------------------------------- tables
TABLE_SIZE = 6.8
PAD = 0.04  # inches of padding left/right inside a cell


def row_height(cells: Sequence[Cell], columns: Sequence[Column], size: float) -> float:
    lines = max(len(wrap(c.text, col.width - 2 * PAD, size, c.bold)) for c, col in zip(cells, columns, strict=True))
    return lines * line_height(size) + 0.032


def header_size(header: str, width: float, size: float) -> float:
    """The size at which every word of a column header fits its column: a header is never cut mid-word
    ("Эффективн|ый"); a long word is set smaller instead, down to 5 pt."""
    longest = max(header.split(" "), key=lambda word: text_width(word, size, True))
    while size > 5.0 and text_width(longest, size, True) > width - 2 * PAD:
        size = round(size - 0.2, 1)
    return size


def header_height(columns: Sequence[Column], size: float) -> float:
    heights = []
    for column in columns:
        fitted = header_size(column.header, column.width, size)
        heights.append(len(wrap(column.header, column.width - 2 * PAD, fitted, True)) * line_height(fitted))
    return max(heights) + 0.032


def draw_row(page: Page, x: float, cells: Sequence[Cell], columns: Sequence[Column], size: float, *,
             fill: str | None = None) -> float:
    height = row_height(cells, columns, size)
    total = sum(c.width for c in columns)
    if fill:
        page.rect(x, page.y, total, height, fill)
    cx = x
    for cell, column in zip(cells, columns, strict=True):
        if cell.fill:
            page.rect(cx, page.y, column.width, height, cell.fill)
        lines = wrap(cell.text, column.width - 2 * PAD, size, cell.bold)
        if column.align == "right":
            tx, ha = cx + column.width - PAD, "right"
        elif column.align == "center":
            tx, ha = cx + column.width / 2, "center"
        else:
            tx, ha = cx + PAD, "left"
        for i, line in enumerate(lines):
            page.text(tx, page.y + 0.018 + i * line_height(size), line, size, bold=cell.bold, italic=cell.italic,
                      color=cell.color, ha=ha)
        cx += column.width
    page.y += height
    page.hline(page.y, x, x + total, fmt.RULE_COLOR, 0.4)
    return height


def draw_header(page: Page, x: float, columns: Sequence[Column], size: float) -> None:
    height = header_height(columns, size)
    total = sum(c.width for c in columns)
    page.rect(x, page.y, total, height, fmt.HEADER_FILL)
    cx = x
    for column in columns:
        fitted = header_size(column.header, column.width, size)
        if column.align == "right":
            tx, ha = cx + column.width - PAD, "right"
        elif column.align == "center":
            tx, ha = cx + column.width / 2, "center"
        else:
            tx, ha = cx + PAD, "left"
        for i, line in enumerate(wrap(column.header, column.width - 2 * PAD, fitted, True)):
            page.text(tx, page.y + 0.018 + i * line_height(fitted), line, fitted, bold=True, ha=ha)
        cx += column.width
    page.y += height
    page.hline(page.y, x, x + total, fmt.RULE_COLOR, 0.4)


class Flow:
    """Pages in order; ``ensure`` turns the page when what comes next does not fit."""

    def __init__(self, on_new_page: Callable[[Page], None] | None = None) -> None:
        self.pages: list[Page] = []
        self.on_new_page = on_new_page
        self.page = self.new_page()

    def new_page(self) -> Page:
        page = Page()
        self.pages.append(page)
        self.page = page
        if self.on_new_page is not None:
            self.on_new_page(page)
        return page

    def ensure(self, height: float) -> Page:
        if self.page.remaining < height:
            self.new_page()
        return self.page

    def heading(self, text: str, size: float = 11, *, after: float = 0.08) -> None:
        needed = len(wrap(text, TEXT_W, size, True)) * line_height(size) + 0.6  # keep a heading with its text
        self.ensure(needed).paragraph(text, size, bold=True, after=after)

    def paragraph(self, text: str, size: float = 8.5, **kwargs: object) -> None:
        lines = wrap(text, TEXT_W, size)
        for line in lines:  # line by line, so a long paragraph can continue on the next page
            self.ensure(line_height(size)).paragraph(line, size, after=0.0, **kwargs)  # type: ignore[arg-type]
        self.page.y += 0.08

    def table(self, columns: Sequence[Column], rows: Sequence[Sequence[Cell]], size: float = TABLE_SIZE,
              x: float = MARGIN_X) -> None:
        """A table that continues on the next page with its header repeated."""
        head = header_height(columns, size)
        first = row_height(rows[0], columns, size) if rows else 0.0
        self.ensure(head + first)
        draw_header(self.page, x, columns, size)
        for i, row in enumerate(rows):
            if self.page.remaining < row_height(row, columns, size):
                self.new_page()
                draw_header(self.page, x, columns, size)
            draw_row(self.page, x, row, columns, size, fill="#F7F7F7" if i % 2 else None)
        self.page.y += 0.12
