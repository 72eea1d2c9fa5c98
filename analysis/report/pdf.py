"""The yearly report as an A4 PDF: cover, scorecard, one page per indicator, methodological annex.

The content comes from :func:`analysis.report.outline.build_outline`; this module only places it. Every page is
a matplotlib Figure laid out by :mod:`analysis.report.layout` and written with PdfPages; the fonts are embedded
as TrueType (``pdf.fonttype`` 42) so Kazakh letters print and the text can be extracted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from matplotlib.backends.backend_pdf import PdfPages

from analysis.report import fmt, layout
from analysis.report.charts import region_chart, style, trend_chart
from analysis.report.data import ReportData
from analysis.report.layout import (
    MARGIN_BOTTOM,
    MARGIN_X,
    PAGE_H,
    PAGE_W,
    TABLE_SIZE,
    TEXT_W,
    Flow,
    Page,
    draw_header,
    draw_row,
    header_height,
    line_height,
    row_height,
    text_width,
    wrap,
)
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

HALF_W = (TEXT_W - 0.2) / 2  # two breakdown tables side by side

# Column widths in inches, by table and column: the tables fill the text width.
WIDTHS: dict[str, dict[str, float]] = {
    "scorecard": {"code": 0.38, "name": 2.05, "unit": 0.72, "value": 0.66, "ci": 0.82, "target": 0.95,
                  "status": TEXT_W - 5.58},
    "samples": {"instrument": 1.75, "version": 0.5, "population": 1.2, "fieldwork": 1.05, "respondents": 0.85,
                "sha256": TEXT_W - 5.35},
    "precision": {"code": 0.45, "name": 2.7, "n": 0.7, "n_eff": 0.85, "deff": 0.95, "moe": 1.12},
    "admin_sources": {"code": 0.45, "source": 1.9, "file": 2.1, "sha256": TEXT_W - 4.45},
}
SURVEY_BREAKDOWN = {"label": 1.42, "value": 0.76, "ci": 0.68, "n": HALF_W - 1.42 - 0.76 - 0.68}
ADMIN_BREAKDOWN = {"label": HALF_W - 0.9, "value": 0.9}  # a complete count: no interval, no sample size

TONE_COLORS = {Tone.PLAIN: "#000000", Tone.SECONDARY: "#444444", Tone.HASH: "#444444", Tone.SUPPRESSED: "#666666"}


def render_pdf(report: ReportData, path: Path, progress: Progress | None = None) -> None:
    total = len(report.indicators) + 4
    done = 0

    def step(what: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, what)

    outline = build_outline(report)
    with style():
        flow = Flow()
        cover(flow.page, outline)
        step("cover")
        flow.new_page()
        scorecard(flow, outline)
        step("scorecard")
        # Indicators with nothing measured share one compact page rather than each taking an empty one.
        empty = [p for p in outline.indicators if p.is_empty]
        for page_content in outline.indicators:
            if page_content.is_empty:
                continue
            flow.new_page()
            indicator_pages(flow, report, page_content)
            step(page_content.code)
        if empty:
            flow.new_page()
            empty_indicators(flow, outline, empty)
            for page_content in empty:
                step(page_content.code)
        flow.new_page()
        annex(flow, outline)
        step("methodology")
        pages = len(flow.pages)
        metadata = {
            "Title": outline.title,
            "Subject": outline.programme_code,
            "Creator": "surveyapp analysis.report",
            "CreationDate": None,  # the same data gives the same file (generated_at is printed on the cover)
        }
        with PdfPages(path, metadata=metadata) as pdf:
            for number, page in enumerate(flow.pages, start=1):
                footer(page, outline, number, pages)
                pdf.savefig(page.figure)
        step("write")


# ---------------------------------------------------------------------------------------------- tables
def columns(table: Table, widths: Mapping[str, float]) -> list[layout.Column]:
    return [layout.Column(c.header, widths[c.key], "right" if c.numeric else "left") for c in table.columns]


def cells(row: tuple[Cell, ...]) -> list[layout.Cell]:
    # A status cell gets a light tint of its colour behind dark text: readable, and the symbol carries the
    # meaning in grey.
    return [layout.Cell(c.text, color=TONE_COLORS[c.tone], bold=c.bold, italic=c.italic,
                        fill=fmt.STATUS_STYLES[c.status].tint if c.status else None) for c in row]


def table(flow: Flow, content: Table, size: float = TABLE_SIZE) -> None:
    printed = content.shown_in(Format.PDF)
    flow.table(columns(printed, WIDTHS[content.key]), [cells(row) for row in printed.rows], size=size)


# ---------------------------------------------------------------------------------------------- every page
def footer(page: Page, outline: Outline, number: int, pages: int) -> None:
    y = PAGE_H - MARGIN_BOTTOM + 0.3
    page.hline(y - 0.08)
    page.text(MARGIN_X, y, outline.footer_line, 7, color="#555555")
    if outline.marks:
        page.text(PAGE_W / 2, y, " · ".join(outline.marks), 7.5, bold=True, color=fmt.SYNTHETIC_COLOR, ha="center")
    page.text(PAGE_W - MARGIN_X, y, outline.page_number(number, pages), 7, color="#555555", ha="right")


def banner(page: Page, text: str) -> None:
    """A red band across the text width (synthetic data, draft results)."""
    lines = wrap(text, TEXT_W - 0.3, 10, True)
    height = len(lines) * line_height(10) + 0.16
    page.rect(MARGIN_X, page.y, TEXT_W, height, fmt.SYNTHETIC_COLOR)
    for i, line in enumerate(lines):
        page.text(PAGE_W / 2, page.y + 0.08 + i * line_height(10), line, 10, bold=True, color="#FFFFFF",
                  ha="center")
    page.y += height + 0.15


# ---------------------------------------------------------------------------------------------- cover
def cover(page: Page, outline: Outline) -> None:
    content = outline.cover
    page.rect(0, 0, PAGE_W, 0.35, fmt.ESTIMATE_COLOR)
    page.y = 1.3
    for text in outline.banners:
        banner(page, text)
    page.y = max(page.y, 2.4)
    page.paragraph(content.title, 20, bold=True, color="#1A1A1A", after=0.15)
    page.paragraph(content.subtitle, 15, color=fmt.ESTIMATE_COLOR, after=0.35)
    page.paragraph(content.programme, 12.5, bold=True, after=0.12)
    for line in content.details:
        page.paragraph(line, 9.5, color="#333333", after=0.04)
    page.y += 0.35
    page.hline(page.y, width=0.8)
    page.y += 0.2
    page.paragraph(content.summary_title, 10.5, bold=True, after=0.1)
    for entry in content.counts:
        style_ = fmt.STATUS_STYLES[entry.status]
        page.rect(MARGIN_X, page.y, 0.32, 0.26, style_.color)
        page.text(MARGIN_X + 0.16, page.y + 0.035, entry.symbol, 10, bold=True, color=style_.text_color,
                  ha="center")
        page.text(MARGIN_X + 0.45, page.y + 0.05, f"{entry.name}: {entry.count}", 9.5)
        page.y += 0.34
    page.paragraph(content.summary_count, 8.5, color="#555555")
    page.y = PAGE_H - MARGIN_BOTTOM - 1.55
    page.hline(page.y)
    page.y += 0.1
    page.paragraph(content.diagnostic, 8, italic=True, color="#333333", after=0.06)
    page.paragraph(content.source_note, 8, color="#333333", after=0.06)
    page.paragraph(" · ".join(content.generated), 8, color="#555555")


# ---------------------------------------------------------------------------------------------- scorecard
def scorecard(flow: Flow, outline: Outline) -> None:
    content = outline.scorecard
    flow.heading(content.title, 14)
    flow.paragraph(content.intro, 8.5, color="#333333")
    table(flow, content.table, size=6.8)
    flow.ensure(1.3)
    flow.page.y += 0.05
    flow.paragraph(content.legend_title, 9, bold=True)
    page = flow.page
    for entry in content.legend:
        style_ = fmt.STATUS_STYLES[entry.status]
        lines = wrap(entry.legend_text, TEXT_W - 0.4, 7.5)
        page = flow.ensure(len(lines) * line_height(7.5) + 0.06)
        page.rect(MARGIN_X, page.y, 0.24, 0.19, style_.color)
        page.text(MARGIN_X + 0.12, page.y + 0.02, entry.symbol, 8, bold=True, color=style_.text_color, ha="center")
        for i, line in enumerate(lines):
            page.text(MARGIN_X + 0.34, page.y + 0.025 + i * line_height(7.5), line, 7.5)
        page.y += max(0.24, len(lines) * line_height(7.5) + 0.06)
    flow.paragraph(content.ci_legend, 7.5, color="#444444")


# ---------------------------------------------------------------------------------------------- indicator
def indicator_pages(flow: Flow, report: ReportData, content: IndicatorPage) -> None:
    page = flow.page
    # Title: the code in a coloured tab, the full name as printed in the programme.
    page.rect(MARGIN_X, page.y, 0.55, 0.3, fmt.ESTIMATE_COLOR)
    page.text(MARGIN_X + 0.275, page.y + 0.06, content.code, 11, bold=True, color="#FFFFFF", ha="center")
    page.paragraph(content.name, 11.5, x=MARGIN_X + 0.7, width=TEXT_W - 0.7, bold=True, after=0.05)
    page.y = max(page.y, MARGIN_X + 0.35)
    page.paragraph(" · ".join(content.facts), 8, x=MARGIN_X + 0.7, width=TEXT_W - 0.7, color="#555555",
                   after=0.15)
    key_figures(page, content)
    charts(page, report, content)
    breakdown_tables(flow, content)


def empty_indicators(flow: Flow, outline: Outline, contents: list[IndicatorPage]) -> None:
    """One block per indicator: code, name, facts, the target as worded and the status (no charts, no tables)."""
    flow.heading(outline.empty_title, 14)
    for content in contents:
        style_ = fmt.STATUS_STYLES[content.status.status]
        name_lines = wrap(content.name, TEXT_W - 0.7, 10, True)
        height = len(name_lines) * line_height(10) + 3 * line_height(8) + 0.35
        page = flow.ensure(height)
        top = page.y
        page.rect(MARGIN_X, top, 0.55, 0.26, fmt.ESTIMATE_COLOR)
        page.text(MARGIN_X + 0.275, top + 0.05, content.code, 9.5, bold=True, color="#FFFFFF", ha="center")
        page.paragraph(content.name, 10, x=MARGIN_X + 0.7, width=TEXT_W - 0.7, bold=True, after=0.03)
        page.paragraph(" · ".join(content.facts), 8, x=MARGIN_X + 0.7, width=TEXT_W - 0.7, color="#555555",
                       after=0.03)
        page.paragraph(f"{content.target.label}: {content.target.text}", 8, x=MARGIN_X + 0.7,
                       width=TEXT_W - 0.7, after=0.03)
        status = f"{content.status_title}: {content.status.label}"
        page.rect(MARGIN_X + 0.7, page.y - 0.02, text_width(status, 8, True) + 0.12, line_height(8) + 0.04,
                  style_.tint)
        page.paragraph(status, 8, x=MARGIN_X + 0.76, width=TEXT_W - 0.76, bold=True, after=0.03)
        for note in content.notes:
            page.paragraph(note, 7.5, x=MARGIN_X + 0.7, width=TEXT_W - 0.7, italic=True, color="#444444",
                           after=0.03)
        page.y += 0.12
        page.hline(page.y - 0.06)


def key_figures(page: Page, content: IndicatorPage) -> None:
    top, height, gap = page.y, 0.85, 0.1
    widths = [1.45, 1.5, 1.95, TEXT_W - 1.45 - 1.5 - 1.95 - 3 * gap]
    boxes = [(content.value, 15), (content.interval, 12), (content.target, 9.5)]
    x = MARGIN_X
    for (figure, size), width in zip(boxes, widths, strict=False):
        page.rect(x, top, width, height, "#F2F5F8")
        page.text(x + 0.08, top + 0.07, figure.label, 7, color="#444444")
        for i, line in enumerate(wrap(figure.text, width - 0.16, size, True)[:3]):
            page.text(x + 0.08, top + 0.27 + i * line_height(size), line, size, bold=True)
        x += width + gap
    style_ = fmt.STATUS_STYLES[content.status.status]
    width = widths[3]
    page.rect(x, top, width, height, style_.color)
    page.text(x + 0.08, top + 0.07, content.status_title, 7, color=style_.text_color)
    def fitting(bottom: float) -> tuple[float, list[str]] | None:
        for size in (9.0, 8.0, 7.0):  # long Kazakh status names: a smaller size rather than a cut word
            lines = wrap(content.status.label, width - 0.16, size, True)
            if len(lines) <= 2 and top + 0.25 + len(lines) * line_height(size) <= bottom + 0.02:
                return size, lines
        return None

    below = wrap(content.trajectory, width - 0.16, 7)[:3] if content.trajectory else []
    chosen = fitting(top + height - 0.08 - len(below) * line_height(7))
    if chosen is None:  # no room in the box: the progress line goes under the boxes, whole
        below = []
        chosen = fitting(top + height - 0.08) or (7.0, wrap(content.status.label, width - 0.16, 7.0, True))
    size, label_lines = chosen
    for i, line in enumerate(label_lines[:3]):
        page.text(x + 0.08, top + 0.25 + i * line_height(size), line, size, bold=True, color=style_.text_color)
    for i, line in enumerate(reversed(below)):
        page.text(x + 0.08, top + height - 0.08 - i * line_height(7), line, 7, color=style_.text_color, va="bottom")
    page.y = top + height + 0.1
    if content.trajectory and not below:
        page.paragraph(content.trajectory, 7.5, color="#444444", after=0.02)
    if content.precision:
        page.paragraph(content.precision, 7.5, color="#444444", after=0.02)
    for note in content.notes:
        page.paragraph(note, 7.5, italic=True, color="#444444", after=0.02)
    page.y += 0.15


TREND_H = 3.0  # the trend chart keeps its size; the regional chart grows with the number of regions


def chart_height(regions: int) -> float:
    return min(3.9, max(TREND_H, 1.25 + 0.12 * regions))


def charts(page: Page, report: ReportData, content: IndicatorPage) -> None:
    ind = content.indicator
    top = page.y
    left_w = 3.05
    page.text(MARGIN_X, top, content.trend_title, 9.5, bold=True)
    page.text(MARGIN_X + left_w + 0.3, top, content.regions_title, 9.5, bold=True)
    # The trend axes leave room for tick labels on the left and the legend below.
    trend_chart(page.axes(MARGIN_X + 0.5, top + 0.3, left_w - 0.55, TREND_H - 0.9), report, ind)
    # The regional axes leave room for the region names on the left and the legend above.
    rows = ind.breakdowns.get("region", ())
    labels = [r.label for r in rows] or [""]
    label_w = min(1.75, max(text_width(label, 6.5) for label in labels) + 0.16)
    x0 = MARGIN_X + left_w + 0.3 + label_w
    # As tall as the regions it draws: hidden ones get no row, only a name in the list under the chart.
    drawn = [r for r in rows if not r.is_hidden(report.methodology.min_cell_n) and r.value.estimate is not None]
    height = chart_height(len(drawn))
    # Room under the axes for the tick labels and the unit; the list of hidden regions goes below that.
    bottom = top + height - 0.45
    region_chart(page.axes(x0, top + 0.7, PAGE_W - MARGIN_X - x0, bottom - top - 0.7), report, ind)
    page.y = top + height + 0.1
    note = content.hidden_regions
    if note is not None:
        # Measured and wrapped to the regional column, and the cursor moved past it: the next heading starts
        # under the list however many regions it names.
        column_x = MARGIN_X + left_w + 0.3
        page.y = bottom + 0.42
        page.paragraph(note, 6.5, x=column_x, width=PAGE_W - MARGIN_X - column_x, color="#555555", after=0.1)
        page.y = max(page.y, top + height + 0.1)


# ---------------------------------------------------------------------------------------------- breakdowns
Block = tuple[list[layout.Column], list[list[layout.Cell]]]


def _block_height(blocks: list[Block]) -> float:
    return sum(header_height(cols, TABLE_SIZE) + sum(row_height(r, cols, TABLE_SIZE) for r in rows) + 0.12
               for cols, rows in blocks)


def breakdown_tables(flow: Flow, content: IndicatorPage) -> None:
    widths = SURVEY_BREAKDOWN if content.indicator.is_survey else ADMIN_BREAKDOWN
    blocks: list[Block] = [(columns(t, widths), [cells(row) for row in t.rows])
                           for t in (b.shown_in(Format.PDF) for b in content.breakdowns)]
    heading_h = line_height(9.5) + 0.1
    if not blocks:
        flow.ensure(heading_h + 0.3).paragraph(content.breakdowns_title, 9.5, bold=True)
        flow.paragraph(content.no_breakdowns, 8, color="#666666")
        return
    left, right = blocks[:1], blocks[1:]
    height = max(_block_height(left), _block_height(right)) + heading_h + 0.25
    page = flow.ensure(height)
    if height <= page.remaining:
        page.paragraph(content.breakdowns_title, 9.5, bold=True, after=0.1)
        top = page.y
        bottoms = []
        for x, column_blocks in ((MARGIN_X, left), (MARGIN_X + HALF_W + 0.2, right)):
            page.y = top
            for cols, rows in column_blocks:
                draw_header(page, x, cols, TABLE_SIZE)
                for i, row in enumerate(rows):
                    draw_row(page, x, row, cols, TABLE_SIZE, fill="#F7F7F7" if i % 2 else None)
                page.y += 0.12
            bottoms.append(page.y)
        page.y = max(bottoms)
    else:  # more categories than a page holds: one column, continuing on the next pages
        flow.page.paragraph(content.breakdowns_title, 9.5, bold=True, after=0.1)
        for cols, rows in blocks:
            flow.table(cols, rows)
    if content.footnote:
        flow.paragraph(content.footnote, 7, color="#444444")


# ---------------------------------------------------------------------------------------------- annex
def annex(flow: Flow, outline: Outline) -> None:
    flow.heading(outline.annex.title, 14)
    for section in outline.annex.sections:
        flow.heading(section.heading, 10)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                flow.paragraph(block.text, 7.5 if block.small else 8.5, color="#444444" if block.small else "#000000")
            elif isinstance(block, StatusRules):
                for entry in block.entries:
                    flow.paragraph(entry.rule_text, 8.5)
            else:
                table(flow, block, size=6.8)
