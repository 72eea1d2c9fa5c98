"""One indicator's page: key figures, precision, notes, the breakdown tables and the numbers behind the charts."""

from __future__ import annotations

from dataclasses import replace

from analysis.ci import CIMethod
from analysis.programme import Source
from analysis.report import fmt
from analysis.report.data import BreakdownRow, IndicatorReport, ReportData
from analysis.report.outline.cells import SMALL_DF_MARK, number_cell, status_cell, status_entry, text_cell
from analysis.report.outline.model import PRINTED, WORKBOOK, Cell, Column, IndicatorPage, KeyFigure, Table, Tone
from analysis.report.texts import tr


def indicator_page(report: ReportData, ind: IndicatorReport) -> IndicatorPage:
    lang = report.language
    level = fmt.level_text(report.methodology.ci_level, lang)
    facts = (fmt.unit_text(ind.unit, lang), fmt.source_text(ind.source, lang), tr(f"direction.{ind.direction.value}",
                                                                                   lang))
    return IndicatorPage(
        code=ind.code,
        name=fmt.indicator_name(ind, lang),
        facts=tuple(f for f in facts if f),
        value=KeyFigure(tr("ind.value_year", lang, year=report.year),
                     fmt.value_text(ind.national.estimate, ind.unit, lang)),
        interval=KeyFigure(tr("col.ci", lang, level=level), fmt.ci_text(ind.national, ind.unit, lang)),
        target=_target_figure(report, ind),
        status=status_entry(ind.status.status, lang),
        status_title=tr("col.status", lang),
        trajectory=fmt.trajectory_text(ind.status.trajectory, lang) or fmt.progress_text(ind, lang, report.year),
        precision=_precision(ind, lang),
        notes=tuple(note for note in (ind.status.note, ind.note) if note) + change_sentences(report, ind)
        + _comparisons(report, ind),
        trend_title=tr("ind.trend", lang),
        regions_title=tr("ind.regions", lang),
        hidden_regions=_hidden_regions(report, ind),
        breakdowns_title=tr("ind.breakdowns", lang),
        no_breakdowns=tr("ind.no_breakdowns", lang),
        breakdowns=tuple(_printed_breakdown(report, ind, name, rows) for name, rows in ind.ordered_breakdowns()),
        breakdown_table=_breakdown_table(report, ind),
        footnote=_footnote(report, ind),
        data=_data(report, ind),
        history=_history(report, ind),
        indicator=ind,
    )


def _hidden_regions(report: ReportData, ind: IndicatorReport) -> str | None:
    """The line naming the regions the regional chart leaves out (a mark would leak a suppressed value).

    A text of its own, not drawn inside the chart: with 17 of 20 regions hidden in a small sample it runs to
    several lines, which each layout wraps in the room it measured under the chart.
    """
    min_n = report.methodology.min_cell_n
    rows = ind.breakdowns.get("region", ())
    hidden = [r.label for r in rows if r.is_hidden(min_n)]
    if not hidden or all(r.is_hidden(min_n) or r.value.estimate is None for r in rows):
        return None  # nothing hidden, or no chart at all (its place then says there are no regional figures)
    lang = report.language
    return tr("chart.hidden_regions", lang, names=", ".join(hidden)) + f" ({tr('suppressed.cell', lang)})"


def _target_figure(report: ReportData, ind: IndicatorReport) -> KeyFigure:
    """The year's target; in a year without one, the final target under its own year (never as this year's)."""
    lang = report.language
    later = ind.later_target(report.year)
    if later is not None:
        return KeyFigure(tr("ind.final_target_year", lang, year=later.year),
                         fmt.full_target_text(replace(ind, target=later), lang, later.year))
    return KeyFigure(tr("ind.target_year", lang, year=report.year), fmt.full_target_text(ind, lang, report.year))


def change_sentences(report: ReportData, ind: IndicatorReport) -> tuple[str, ...]:
    """The change from the previous year with its CI and status (the annex says how it was judged)."""
    c = ind.change
    if c is None:
        return ()
    lang = report.language
    places = fmt.decimals(ind.unit, c.change)
    return (tr("chg.line", lang, year=c.from_year, level=fmt.level_text(report.methodology.ci_level, lang),
               change=fmt.number(c.change, lang, places, signed=True),
               low=fmt.number(c.ci_low, lang, places, signed=True),
               high=fmt.number(c.ci_high, lang, places, signed=True), status=tr(f"chg.{c.status}", lang)),)


def _comparisons(report: ReportData, ind: IndicatorReport) -> tuple[str, ...]:
    lang = report.language
    level = fmt.level_text(report.methodology.ci_level, lang)
    lines = []
    for c in ind.comparisons:
        places = fmt.decimals(ind.unit, c.difference)
        lines.append(tr("cmp.line", lang, first=c.first, second=c.second, level=level,
                        difference=fmt.number(c.difference, lang, places, signed=True),
                        low=fmt.number(c.ci_low, lang, places, signed=True),
                        high=fmt.number(c.ci_high, lang, places, signed=True),
                        status=tr(f"cmp.{c.status}", lang)))
    return tuple(lines)


def _precision(ind: IndicatorReport, lang: str) -> str | None:
    n = ind.national
    if ind.is_survey:
        return tr("ind.precision_line", lang, n=fmt.integer(n.n, lang), n_eff=fmt.integer(n.n_eff, lang),
                  deff=fmt.number(n.deff, lang, 2))
    if ind.source is Source.ADMINISTRATIVE and not n.has_ci:
        return tr("ind.admin_no_ci", lang)
    return None


# ---------------------------------------------------------------------------------------------- breakdowns
def _breakdown_columns(report: ReportData, ind: IndicatorReport, first: str) -> tuple[Column, ...]:
    lang = report.language
    level = fmt.level_text(report.methodology.ci_level, lang)
    # Administrative figures are a complete count: the printed tables show no interval and no sample size.
    survey_only = PRINTED if ind.is_survey else frozenset()
    return (
        Column("breakdown", tr("col.breakdown", lang), formats=WORKBOOK),
        Column("category", tr("col.code", lang), formats=WORKBOOK),
        Column("label", first),
        Column("value", tr("col.value", lang), numeric=True),
        Column("ci", tr("col.ci", lang, level=level), numeric=True, formats=survey_only),
        Column("ci_low", tr("col.ci_low", lang), numeric=True, formats=WORKBOOK),
        Column("ci_high", tr("col.ci_high", lang), numeric=True, formats=WORKBOOK),
        Column("se", tr("col.se", lang), numeric=True, formats=WORKBOOK),
        Column("n", tr("col.n", lang), numeric=True, formats=survey_only | WORKBOOK),
        Column("reason", tr("col.suppressed", lang), formats=WORKBOOK),
        Column("df", tr("col.df", lang), numeric=True, formats=WORKBOOK),
    )


def _breakdown_row(report: ReportData, ind: IndicatorReport, title: str, row: BreakdownRow) -> tuple[Cell, ...]:
    lang = report.language
    min_n = report.methodology.min_cell_n
    reason = row.hidden_reason(min_n)
    if reason is not None:
        # Nothing numeric at all, not even n: a suppressed cell must not be reconstructible.
        word = tr("suppressed.cell", lang)
        dash = Cell(fmt.DASH, None, tone=Tone.SUPPRESSED)
        return (text_cell(title), text_cell(row.category), text_cell(row.label),
                Cell(word, word, italic=True, tone=Tone.SUPPRESSED), dash, dash, dash, dash, dash,
                text_cell(fmt.suppression_reason(reason, lang, min_n)), dash)
    # Few design df: the mark beside the group's name, in every format (the footnote says what it means).
    small = row.is_small_df(report.methodology.small_df)
    label = f"{row.label} {SMALL_DF_MARK}" if small else row.label
    start = (text_cell(title), text_cell(row.category), text_cell(label))
    v = row.value
    places = fmt.decimals(ind.unit, v.estimate)
    interval = fmt.ci_text(v, ind.unit, lang)
    return (*start, number_cell(v.estimate, lang, places), Cell(interval, interval),
            number_cell(v.ci_low, lang, places), number_cell(v.ci_high, lang, places),
            number_cell(v.se, lang, places + 1), number_cell(v.n, lang, 0), Cell("", None),
            number_cell(v.df, lang, 0))


def _printed_breakdown(report: ReportData, ind: IndicatorReport, name: str,
                       rows: tuple[BreakdownRow, ...]) -> Table:
    title = fmt.breakdown_title(name, report.language)
    columns = _breakdown_columns(report, ind, title)
    return Table(name, columns, tuple(_breakdown_row(report, ind, title, r) for r in rows)).only(PRINTED)


def _breakdown_table(report: ReportData, ind: IndicatorReport) -> Table:
    columns = _breakdown_columns(report, ind, tr("col.category", report.language))
    rows = []
    for name, items in ind.ordered_breakdowns():
        title = fmt.breakdown_title(name, report.language)
        rows += [_breakdown_row(report, ind, title, r) for r in items]
    return Table("breakdowns", columns, tuple(rows)).only(WORKBOOK)


def _footnote(report: ReportData, ind: IndicatorReport) -> str | None:
    """Which cells are hidden and why, and what the few-df mark means when a shown group carries it."""
    lang = report.language
    meth = report.methodology
    min_n = meth.min_cell_n
    rows = [r for _, items in ind.ordered_breakdowns() for r in items]
    lines = []
    hidden = sorted({r.hidden_reason(min_n) or "" for r in rows} - {""})
    if hidden:
        reasons = "; ".join(fmt.suppression_reason(r, lang, min_n) for r in hidden)
        lines.append(tr("suppressed.footnote", lang, cell=tr("suppressed.cell", lang), reasons=reasons))
    if any(not r.is_hidden(min_n) and r.is_small_df(meth.small_df) for r in rows):
        # Worded by the rule the run used: "Korn-Graubard" only where the intervals really are.
        key = "small_df.footnote.by_df" if meth.ci_method == CIMethod.BY_DF else "small_df.footnote"
        lines.append(tr(key, lang, mark=SMALL_DF_MARK, threshold=meth.small_df))
    return " ".join(lines) or None


# ---------------------------------------------------------------------------------------------- workbook only
def _data(report: ReportData, ind: IndicatorReport) -> tuple[tuple[str, Cell], ...]:
    lang = report.language
    v = ind.national
    places = fmt.decimals(ind.unit, v.estimate)
    year_target = ind.year_target(report.year)
    figures = [
        (tr("col.unit", lang), text_cell(fmt.unit_text(ind.unit, lang))),
        (tr("col.source", lang), text_cell(fmt.source_text(ind.source, lang))),
        (tr("col.direction", lang), text_cell(tr(f"direction.{ind.direction.value}", lang))),
        (tr("ind.value_year", lang, year=report.year), number_cell(v.estimate, lang, places)),
        (tr("col.ci_low", lang), number_cell(v.ci_low, lang, places)),
        (tr("col.ci_high", lang), number_cell(v.ci_high, lang, places)),
        (tr("col.n", lang), number_cell(v.n, lang, 0)),
        (tr("col.deff", lang), number_cell(v.deff, lang, 2)),
        (tr("ind.target_year", lang, year=report.year),
         number_cell(year_target.value if year_target else None, lang, places)),
        (tr("col.target_printed", lang), text_cell(fmt.full_target_text(ind, lang, report.year))),
        (tr("progress.title", lang), text_cell(fmt.progress_text(ind, lang, report.year) or None)),
        (tr("col.status", lang), status_cell(ind.status.status, lang)),
        (tr("col.trajectory", lang), text_cell(fmt.trajectory_text(ind.status.trajectory, lang))),
    ]
    if ind.change is not None:  # the change's numbers for an analyst; the sentence is among the notes
        c = ind.change
        year = c.from_year
        figures += [(tr("chg.value", lang, year=year), number_cell(c.change, lang, places)),
                    (tr("chg.ci_low", lang, year=year), number_cell(c.ci_low, lang, places)),
                    (tr("chg.ci_high", lang, year=year), number_cell(c.ci_high, lang, places)),
                    (tr("chg.status", lang, year=year), text_cell(tr(f"chg.{c.status}", lang)))]
    return tuple((label, cell) for label, cell in figures if cell.value is not None)


def _history(report: ReportData, ind: IndicatorReport) -> Table:
    lang = report.language
    places = fmt.decimals(ind.unit, ind.national.estimate)
    columns = (Column("year", tr("col.year", lang)), Column("value", tr("col.value", lang), numeric=True),
               Column("ci_low", tr("col.ci_low", lang), numeric=True),
               Column("ci_high", tr("col.ci_high", lang), numeric=True),
               Column("target", tr("col.target", lang), numeric=True))
    rows = tuple((Cell(str(p.year), p.year), *(number_cell(x, lang, places)
                                                 for x in (p.estimate, p.ci_low, p.ci_high, p.target)))
                 for p in ind.history)
    return Table("history", tuple(Column(c.key, c.header, c.numeric, WORKBOOK) for c in columns), rows)
