"""The yearly report as an A4 PDF: cover, scorecard, one page per indicator, methodological annex.

Every page is a matplotlib Figure laid out by :mod:`analysis.report.layout` and written with PdfPages; the
fonts are embedded as TrueType (``pdf.fonttype`` 42) so Kazakh letters print and the text can be extracted.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from matplotlib.backends.backend_pdf import PdfPages

from analysis.programme import Source
from analysis.report import fmt
from analysis.report.charts import region_chart, style, trend_chart
from analysis.report.data import STATUSES, BreakdownRow, IndicatorReport, ReportData
from analysis.report.layout import (
    MARGIN_BOTTOM,
    MARGIN_X,
    PAGE_H,
    PAGE_W,
    TABLE_SIZE,
    TEXT_W,
    Cell,
    Column,
    Flow,
    Page,
    draw_header,
    draw_row,
    header_height,
    line_height,
    row_height,
    wrap,
)
from analysis.report.texts import tr

Progress = Callable[[int, int, str], None]


def render_pdf(report: ReportData, path: Path, progress: Progress | None = None) -> None:
    total = len(report.indicators) + 4
    done = 0

    def step(what: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, what)

    with style():
        flow = Flow()
        cover(flow.page, report)
        step("cover")
        flow.new_page()
        scorecard(flow, report)
        step("scorecard")
        for indicator in report.indicators:
            flow.new_page()
            indicator_pages(flow, report, indicator)
            step(indicator.code)
        flow.new_page()
        methodology(flow, report)
        step("methodology")
        pages = len(flow.pages)
        metadata = {
            "Title": f"{tr('report.title', report.language)}: {report.programme_title}, {report.year}",
            "Subject": report.programme_code,
            "Creator": "surveyapp analysis.report",
            "CreationDate": None,  # the same data gives the same file (generated_at is printed on the cover)
        }
        with PdfPages(path, metadata=metadata) as pdf:
            for number, page in enumerate(flow.pages, start=1):
                footer(page, report, number, pages)
                pdf.savefig(page.figure)
        step("write")


# ---------------------------------------------------------------------------------------------- every page
def footer(page: Page, report: ReportData, number: int, pages: int) -> None:
    lang = report.language
    y = PAGE_H - MARGIN_BOTTOM + 0.3
    page.hline(y - 0.08)
    page.text(MARGIN_X, y, f"{report.programme_code} · {report.year}", 7, color="#555555")
    marks = []
    if report.synthetic:
        marks.append(tr("synthetic.short", lang))
    if report.draft:
        marks.append(tr("draft.short", lang))
    if marks:
        page.text(PAGE_W / 2, y, " · ".join(marks), 7.5, bold=True, color=fmt.SYNTHETIC_COLOR, ha="center")
    page.text(PAGE_W - MARGIN_X, y, tr("page.number", lang, page=number, pages=pages), 7, color="#555555",
              ha="right")


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
def cover(page: Page, report: ReportData) -> None:
    lang = report.language
    page.rect(0, 0, PAGE_W, 0.35, fmt.ESTIMATE_COLOR)
    page.y = 1.3
    if report.synthetic:
        banner(page, tr("synthetic.banner", lang))
    if report.draft:
        banner(page, tr("draft.banner", lang))
    page.y = max(page.y, 2.4)
    page.paragraph(tr("report.title", lang), 20, bold=True, color="#1A1A1A", after=0.15)
    page.paragraph(tr("report.subtitle", lang, year=report.year), 15, color=fmt.ESTIMATE_COLOR, after=0.35)
    page.paragraph(report.programme_title, 12.5, bold=True, after=0.12)
    details = []
    if report.period:
        details.append(tr("report.period", lang, first=report.period[0], last=report.period[1]))
    if report.coordinator:
        details.append(tr("report.coordinator", lang, name=report.coordinator))
    for line in details:
        page.paragraph(line, 9.5, color="#333333", after=0.04)
    page.y += 0.35
    page.hline(page.y, width=0.8)
    page.y += 0.2
    page.paragraph(tr("report.summary", lang), 10.5, bold=True, after=0.1)
    counts = report.status_counts()
    for status in STATUSES:
        style_ = fmt.STATUS_STYLES[status]
        page.rect(MARGIN_X, page.y, 0.32, 0.26, style_.color)
        page.text(MARGIN_X + 0.16, page.y + 0.035, style_.symbol, 10, bold=True, color=style_.text_color,
                  ha="center")
        page.text(MARGIN_X + 0.45, page.y + 0.05, f"{fmt.status_text(status, lang)}: {counts[status]}", 9.5)
        page.y += 0.34
    page.paragraph(tr("report.summary_count", lang, count=len(report.indicators)), 8.5, color="#555555")
    page.y = PAGE_H - MARGIN_BOTTOM - 1.55
    page.hline(page.y)
    page.y += 0.1
    page.paragraph(tr("report.diagnostic", lang), 8, italic=True, color="#333333", after=0.06)
    page.paragraph(tr("report.source_note", lang), 8, color="#333333", after=0.06)
    facts = [tr("report.generated", lang, date=fmt.date_text(report.generated_at, lang))]
    if report.run_id is not None:
        facts.append(tr("report.run", lang, run=report.run_id))
    page.paragraph(" · ".join(facts), 8, color="#555555")


# ---------------------------------------------------------------------------------------------- scorecard
def status_cell(status: str, lang: str) -> Cell:
    # A light tint of the status colour behind dark text: readable, and the symbol carries the meaning in grey.
    return Cell(fmt.status_label(status, lang), bold=True, fill=fmt.STATUS_STYLES[status].tint)


def scorecard(flow: Flow, report: ReportData) -> None:
    lang = report.language
    level = fmt.level_text(report.methodology.ci_level, lang)
    flow.heading(tr("scorecard.title", lang), 14)
    flow.paragraph(tr("scorecard.intro", lang, year=report.year, level=level), 8.5, color="#333333")
    columns = [
        Column(tr("col.code", lang), 0.38),
        Column(tr("col.indicator", lang), 2.05),
        Column(tr("col.unit", lang), 0.72),
        Column(tr("col.value", lang), 0.66, "right"),
        Column(tr("col.ci", lang, level=level), 0.82, "right"),
        Column(tr("col.target", lang), 0.95),
        Column(tr("col.status", lang), TEXT_W - 5.58),
    ]
    rows = []
    for ind in report.indicators:
        rows.append([
            Cell(ind.code, bold=True),
            Cell(fmt.indicator_name(ind, lang)),
            Cell(fmt.unit_text(ind.unit, lang), color="#444444"),
            Cell(fmt.value_text(ind.national.estimate, ind.unit, lang, with_unit=False), bold=True),
            Cell(fmt.ci_text(ind.national, ind.unit, lang)),
            Cell(fmt.full_target_text(ind, lang)),
            status_cell(ind.status.status, lang),
        ])
    flow.table(columns, rows, size=6.8)
    legend(flow, report)


def legend(flow: Flow, report: ReportData) -> None:
    lang = report.language
    flow.ensure(1.3)
    flow.page.y += 0.05
    flow.paragraph(tr("legend.title", lang), 9, bold=True)
    page = flow.page
    for status in STATUSES:
        style_ = fmt.STATUS_STYLES[status]
        text = f"{fmt.status_text(status, lang)} – {tr(f'status_rule.{status}', lang)}"
        lines = wrap(text, TEXT_W - 0.4, 7.5)
        page = flow.ensure(len(lines) * line_height(7.5) + 0.06)
        page.rect(MARGIN_X, page.y, 0.24, 0.19, style_.color)
        page.text(MARGIN_X + 0.12, page.y + 0.02, style_.symbol, 8, bold=True, color=style_.text_color, ha="center")
        for i, line in enumerate(lines):
            page.text(MARGIN_X + 0.34, page.y + 0.025 + i * line_height(7.5), line, 7.5)
        page.y += max(0.24, len(lines) * line_height(7.5) + 0.06)
    level = fmt.level_text(report.methodology.ci_level, lang)
    flow.paragraph(f"{tr('col.ci', lang, level=level)} – {tr('chart.ci', lang, level=level)}. "
                   + tr("report.source_note", lang), 7.5, color="#444444")


# ---------------------------------------------------------------------------------------------- indicator
def indicator_pages(flow: Flow, report: ReportData, ind: IndicatorReport) -> None:
    lang = report.language
    page = flow.page
    # Title: the code in a coloured tab, the full name as printed in the programme.
    page.rect(MARGIN_X, page.y, 0.55, 0.3, fmt.ESTIMATE_COLOR)
    page.text(MARGIN_X + 0.275, page.y + 0.06, ind.code, 11, bold=True, color="#FFFFFF", ha="center")
    page.paragraph(fmt.indicator_name(ind, lang), 11.5, x=MARGIN_X + 0.7, width=TEXT_W - 0.7, bold=True, after=0.05)
    page.y = max(page.y, MARGIN_X + 0.35)
    facts = [fmt.unit_text(ind.unit, lang), fmt.source_text(ind.source, lang),
             tr(f"direction.{ind.direction.value}", lang)]
    page.paragraph(" · ".join(f for f in facts if f), 8, x=MARGIN_X + 0.7, width=TEXT_W - 0.7, color="#555555",
                   after=0.15)
    key_figures(page, report, ind)
    charts(page, report, ind)
    breakdown_tables(flow, report, ind)


def key_figures(page: Page, report: ReportData, ind: IndicatorReport) -> None:
    lang = report.language
    level = fmt.level_text(report.methodology.ci_level, lang)
    top, height, gap = page.y, 0.85, 0.1
    widths = [1.45, 1.5, 1.95, TEXT_W - 1.45 - 1.5 - 1.95 - 3 * gap]
    boxes = [
        (tr("ind.value_year", lang, year=report.year), fmt.value_text(ind.national.estimate, ind.unit, lang), 15),
        (tr("col.ci", lang, level=level), fmt.ci_text(ind.national, ind.unit, lang), 12),
        (tr("ind.target_year", lang, year=report.year), fmt.full_target_text(ind, lang), 9.5),
    ]
    x = MARGIN_X
    for (label, value, size), width in zip(boxes, widths, strict=False):
        page.rect(x, top, width, height, "#F2F5F8")
        page.text(x + 0.08, top + 0.07, label, 7, color="#444444")
        for i, line in enumerate(wrap(value, width - 0.16, size, True)[:3]):
            page.text(x + 0.08, top + 0.27 + i * line_height(size), line, size, bold=True)
        x += width + gap
    status = ind.status
    style_ = fmt.STATUS_STYLES[status.status]
    width = widths[3]
    page.rect(x, top, width, height, style_.color)
    page.text(x + 0.08, top + 0.07, tr("col.status", lang), 7, color=style_.text_color)
    for size in (9.0, 8.0, 7.0):  # long Kazakh status names: a smaller size rather than a cut word
        label_lines = wrap(fmt.status_label(status.status, lang), width - 0.16, size, True)
        if len(label_lines) <= 2:
            break
    for i, line in enumerate(label_lines[:3]):
        page.text(x + 0.08, top + 0.25 + i * line_height(size), line, size, bold=True, color=style_.text_color)
    if status.trajectory:
        page.text(x + 0.08, top + height - 0.08, fmt.trajectory_text(status.trajectory, lang), 7,
                  color=style_.text_color, va="bottom")
    page.y = top + height + 0.1
    if ind.is_survey:
        n = ind.national
        page.paragraph(tr("ind.precision_line", lang, n=fmt.integer(n.n, lang), n_eff=fmt.integer(n.n_eff, lang),
                          deff=fmt.number(n.deff, lang, 2)), 7.5, color="#444444", after=0.02)
    elif ind.source is Source.ADMINISTRATIVE and not ind.national.has_ci:
        page.paragraph(tr("ind.admin_no_ci", lang), 7.5, color="#444444", after=0.02)
    for note in (status.note, ind.note):
        if note:
            page.paragraph(note, 7.5, italic=True, color="#444444", after=0.02)
    page.y += 0.15


TREND_H = 3.0  # the trend chart keeps its size; the regional chart grows with the number of regions


def chart_height(regions: int) -> float:
    return min(3.9, max(TREND_H, 1.25 + 0.12 * regions))


def charts(page: Page, report: ReportData, ind: IndicatorReport) -> None:
    lang = report.language
    top = page.y
    left_w = 3.05
    page.text(MARGIN_X, top, tr("ind.trend", lang), 9.5, bold=True)
    page.text(MARGIN_X + left_w + 0.3, top, tr("ind.regions", lang), 9.5, bold=True)
    # The trend axes leave room for tick labels on the left and the legend below.
    trend_chart(page.axes(MARGIN_X + 0.5, top + 0.3, left_w - 0.55, TREND_H - 0.9), report, ind)
    # The regional axes leave room for the region names on the left and the legend above.
    rows = ind.breakdowns.get("region", ())
    labels = [r.label for r in rows] or [""]
    label_w = min(1.75, max(_label_width(label) for label in labels) + 0.16)
    x0 = MARGIN_X + left_w + 0.3 + label_w
    hidden = any(r.is_hidden(report.methodology.min_cell_n) for r in rows)
    bottom_room = 0.75 if hidden else 0.45
    height = chart_height(len(rows))
    region_chart(page.axes(x0, top + 0.7, PAGE_W - MARGIN_X - x0, height - 0.7 - bottom_room), report, ind)
    page.y = top + height + 0.1


def _label_width(label: str) -> float:
    from analysis.report.layout import text_width

    return text_width(label, 6.5)


# ---------------------------------------------------------------------------------------------- breakdowns
HALF_W = (TEXT_W - 0.2) / 2


def breakdown_columns(report: ReportData, ind: IndicatorReport, first: str) -> list[Column]:
    lang = report.language
    level = fmt.level_text(report.methodology.ci_level, lang)
    if not ind.is_survey:  # administrative figures: a complete count, no interval and no sample size
        return [Column(first, HALF_W - 0.9), Column(tr("col.value", lang), 0.9, "right")]
    return [
        Column(first, 1.42),
        Column(tr("col.value", lang), 0.76, "right"),
        Column(tr("col.ci", lang, level=level), 0.68, "right"),
        Column(tr("col.n", lang), HALF_W - 1.42 - 0.76 - 0.68, "right"),
    ]


def breakdown_cells(report: ReportData, ind: IndicatorReport, row: BreakdownRow) -> list[Cell]:
    lang = report.language
    hidden = row.is_hidden(report.methodology.min_cell_n)
    if hidden:
        # Nothing numeric at all, not even n: a suppressed cell must not be reconstructible.
        cells = [Cell(row.label), Cell(tr("suppressed.cell", lang), italic=True, color="#666666"),
                 Cell(fmt.DASH, color="#666666"), Cell(fmt.DASH, color="#666666")]
    else:
        value = row.value
        cells = [Cell(row.label), Cell(fmt.value_text(value.estimate, ind.unit, lang, with_unit=False)),
                 Cell(fmt.ci_text(value, ind.unit, lang)),
                 Cell(fmt.integer(value.n, lang) if value.n is not None else fmt.DASH)]
    return cells if ind.is_survey else cells[:2]


def _block_height(blocks: list[tuple[list[Column], list[list[Cell]]]]) -> float:
    return sum(header_height(cols, TABLE_SIZE) + sum(row_height(r, cols, TABLE_SIZE) for r in rows) + 0.12
               for cols, rows in blocks)


def breakdown_tables(flow: Flow, report: ReportData, ind: IndicatorReport) -> None:
    lang = report.language
    blocks: list[tuple[list[Column], list[list[Cell]]]] = []
    for name, rows in ind.ordered_breakdowns():
        title = fmt.breakdown_title(name, lang)
        blocks.append((breakdown_columns(report, ind, title), [breakdown_cells(report, ind, r) for r in rows]))
    heading_h = line_height(9.5) + 0.1
    if not blocks:
        flow.ensure(heading_h + 0.3).paragraph(tr("ind.breakdowns", lang), 9.5, bold=True)
        flow.paragraph(tr("ind.no_breakdowns", lang), 8, color="#666666")
        return
    left, right = blocks[:1], blocks[1:]
    height = max(_block_height(left), _block_height(right)) + heading_h + 0.25
    page = flow.ensure(height)
    if height <= page.remaining:
        page.paragraph(tr("ind.breakdowns", lang), 9.5, bold=True, after=0.1)
        top = page.y
        bottoms = []
        for x, column_blocks in ((MARGIN_X, left), (MARGIN_X + HALF_W + 0.2, right)):
            page.y = top
            for columns, rows in column_blocks:
                draw_header(page, x, columns, TABLE_SIZE)
                for i, row in enumerate(rows):
                    draw_row(page, x, row, columns, TABLE_SIZE, fill="#F7F7F7" if i % 2 else None)
                page.y += 0.12
            bottoms.append(page.y)
        page.y = max(bottoms)
    else:  # more categories than a page holds: one column, continuing on the next pages
        flow.page.paragraph(tr("ind.breakdowns", lang), 9.5, bold=True, after=0.1)
        for columns, rows in blocks:
            flow.table(columns, rows)
    hidden = sorted({r.hidden_reason(report.methodology.min_cell_n) or "" for _, rows in ind.ordered_breakdowns()
                     for r in rows} - {""})
    if hidden:
        reasons = "; ".join(fmt.suppression_reason(r, lang, report.methodology.min_cell_n) for r in hidden)
        flow.paragraph(tr("suppressed.footnote", lang, cell=tr("suppressed.cell", lang), reasons=reasons), 7,
                       color="#444444")


# ---------------------------------------------------------------------------------------------- annex
def methodology(flow: Flow, report: ReportData) -> None:
    lang = report.language
    meth = report.methodology
    level = fmt.level_text(meth.ci_level, lang)
    flow.heading(tr("meth.title", lang), 14)
    flow.heading(tr("meth.interpretation", lang), 10)
    flow.paragraph(tr("report.diagnostic", lang), 8.5)
    flow.paragraph(tr("report.source_note", lang), 8.5)

    flow.heading(tr("meth.samples", lang), 10)
    if meth.samples:
        columns = [Column(tr("col.instrument", lang), 1.2), Column(tr("col.version", lang), 0.6),
                   Column(tr("col.population", lang), 1.35), Column(tr("col.fieldwork", lang), 1.2),
                   Column(tr("col.respondents", lang), 0.95, "right"), Column(tr("col.sha256", lang), 1.47)]
        rows = [[Cell(s.instrument), Cell(s.version), Cell(s.population or fmt.DASH),
                 Cell(f"{fmt.date_text(s.fieldwork_start, lang)} – {fmt.date_text(s.fieldwork_end, lang)}"),
                 Cell(fmt.integer(s.respondents, lang)), Cell(s.sha256, color="#444444")] for s in meth.samples]
        flow.table(columns, rows, size=6.8)
    else:
        flow.paragraph(tr("meth.samples_none", lang), 8.5)

    flow.heading(tr("meth.weighting", lang), 10)
    if not meth.weighting:
        flow.paragraph(tr("meth.weighting_default", lang), 8.5)
    for info in meth.weighting:
        text = f"{info.instrument}: {info.method or tr('meth.weighting_default', lang)} " \
               f"{tr('col.margins', lang)}: {'; '.join(info.margins)}. {tr('col.source', lang)}: {info.source}."
        flow.paragraph(text, 8.5)
    flow.paragraph(tr("meth.variance", lang, level=level, method=meth.ci_method), 8.5)

    survey = [ind for ind in report.indicators if ind.is_survey]
    if survey:
        flow.heading(tr("meth.precision", lang), 10)
        columns = [Column(tr("col.code", lang), 0.45), Column(tr("col.indicator", lang), 2.7),
                   Column(tr("col.n", lang), 0.7, "right"), Column(tr("col.n_eff", lang), 0.85, "right"),
                   Column(tr("col.deff", lang), 0.95, "right"), Column(tr("col.moe", lang), 1.12, "right")]
        rows = []
        for ind in survey:
            v = ind.national
            moe = v.margin_of_error
            rows.append([Cell(ind.code, bold=True), Cell(fmt.indicator_name(ind, lang)), Cell(fmt.integer(v.n, lang)),
                         Cell(fmt.integer(v.n_eff, lang)), Cell(fmt.number(v.deff, lang, 2)),
                         Cell(fmt.number(moe, lang, fmt.decimals(ind.unit, 0.5)) if moe is not None else fmt.DASH)])
        flow.table(columns, rows)
        flow.paragraph(tr("meth.precision_note", lang, level=level), 7.5, color="#444444")

    flow.heading(tr("meth.status_rules", lang), 10)
    if meth.status_rules:
        flow.paragraph(meth.status_rules, 8.5)
    else:
        for status in STATUSES:
            style_ = fmt.STATUS_STYLES[status]
            flow.paragraph(f"{style_.symbol} {fmt.status_text(status, lang)} – {tr(f'status_rule.{status}', lang)}.",
                           8.5)
    if any(ind.status.trajectory for ind in report.indicators):
        flow.paragraph(tr("meth.trajectory_rule", lang), 8.5)

    flow.heading(tr("meth.suppression", lang), 10)
    flow.paragraph(tr("meth.suppression_rule", lang, min_n=meth.min_cell_n, cell=tr("suppressed.cell", lang)), 8.5)

    if meth.admin_sources:
        flow.heading(tr("meth.admin_sources", lang), 10)
        columns = [Column(tr("col.code", lang), 0.45), Column(tr("col.source", lang), 3.0),
                   Column(tr("col.file", lang), 1.6), Column(tr("col.sha256", lang), TEXT_W - 5.05)]
        rows = [[Cell(a.indicator, bold=True), Cell(a.source), Cell(a.file or fmt.DASH),
                 Cell(a.sha256 or fmt.DASH, color="#444444")] for a in meth.admin_sources]
        flow.table(columns, rows, size=6.8)

    if meth.notes:
        flow.heading(tr("meth.notes", lang), 10)
        for note in meth.notes:
            flow.paragraph(note, 8.5)
