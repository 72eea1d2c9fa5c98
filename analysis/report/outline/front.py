"""The cover and the scorecard: what the reader meets before the indicator pages."""

from __future__ import annotations

from analysis.report import fmt
from analysis.report.data import IndicatorReport, ReportData
from analysis.report.outline.cells import number_cell, status_cell, status_entries, text_cell
from analysis.report.outline.model import PRINTED, WORKBOOK, Cell, Column, Cover, Scorecard, Table, Tone
from analysis.report.texts import tr


def cover(report: ReportData) -> Cover:
    lang = report.language
    details = []
    if report.period:
        details.append(tr("report.period", lang, first=report.period[0], last=report.period[1]))
    if report.coordinator:
        details.append(tr("report.coordinator", lang, name=report.coordinator))
    generated = [tr("report.generated", lang, date=fmt.date_text(report.generated_at, lang))]
    if report.run_id is not None:
        generated.append(tr("report.run", lang, run=report.run_id))
    return Cover(
        title=tr("report.title", lang),
        subtitle=tr("report.subtitle", lang, year=report.year),
        programme=report.programme_title,
        details=tuple(details),
        summary_title=tr("report.summary", lang),
        counts=status_entries(lang, report.status_counts()),
        summary_count=tr("report.summary_count", lang, count=len(report.indicators)),
        diagnostic=tr("report.diagnostic", lang),
        source_note=tr("report.source_note", lang),
        generated=tuple(generated),
    )


def scorecard(report: ReportData) -> Scorecard:
    lang = report.language
    level = fmt.level_text(report.methodology.ci_level, lang)
    return Scorecard(
        title=tr("scorecard.title", lang),
        sheet_name=tr("sheet.scorecard", lang),
        intro=tr("scorecard.intro", lang, year=report.year, level=level),
        table=scorecard_table(report),
        legend_title=tr("legend.title", lang),
        legend=status_entries(lang),
        ci_legend=f"{ci_note(report, with_stop=False)}. {tr('report.source_note', lang)}",
    )


def ci_note(report: ReportData, *, with_stop: bool = True) -> str:
    """What the interval column means: "95 % ДИ – 95 % доверительный интервал"."""
    lang = report.language
    level = fmt.level_text(report.methodology.ci_level, lang)
    text = f"{tr('col.ci', lang, level=level)} – {tr('chart.ci', lang, level=level)}"
    return text + "." if with_stop else text


def scorecard_table(report: ReportData) -> Table:
    lang = report.language
    level = fmt.level_text(report.methodology.ci_level, lang)
    # The printed scorecard reads at a glance (the interval as one range, the target as worded); the workbook
    # holds every stored figure in its own column.
    columns = (
        Column("code", tr("col.code", lang)),
        Column("name", tr("col.indicator", lang)),
        Column("unit", tr("col.unit", lang)),
        Column("source", tr("col.source", lang), formats=WORKBOOK),
        Column("value", tr("col.value", lang), numeric=True),
        Column("ci", tr("col.ci", lang, level=level), numeric=True, formats=PRINTED),
        Column("ci_low", tr("col.ci_low", lang), numeric=True, formats=WORKBOOK),
        Column("ci_high", tr("col.ci_high", lang), numeric=True, formats=WORKBOOK),
        Column("se", tr("col.se", lang), numeric=True, formats=WORKBOOK),
        Column("n", tr("col.n", lang), numeric=True, formats=WORKBOOK),
        Column("n_eff", tr("col.n_eff", lang), numeric=True, formats=WORKBOOK),
        Column("deff", tr("col.deff", lang), numeric=True, formats=WORKBOOK),
        Column("target", tr("col.target", lang), formats=PRINTED),
        Column("target_value", tr("col.target", lang), numeric=True, formats=WORKBOOK),
        Column("target_printed", tr("col.target_printed", lang), formats=WORKBOOK),
        Column("status", tr("col.status", lang)),
        Column("trajectory", tr("col.trajectory", lang), formats=WORKBOOK),
    )
    return Table("scorecard", columns, tuple(_scorecard_row(ind, lang, report.year) for ind in report.indicators))


def _scorecard_row(ind: IndicatorReport, lang: str, year: int) -> tuple[Cell, ...]:
    v = ind.national
    target = ind.year_target(year)
    places = fmt.decimals(ind.unit, v.estimate)
    interval = fmt.ci_text(v, ind.unit, lang)
    return (
        text_cell(ind.code, bold=True),
        text_cell(fmt.indicator_name(ind, lang), ref=ind.code),
        text_cell(fmt.unit_text(ind.unit, lang), tone=Tone.SECONDARY),
        text_cell(fmt.source_text(ind.source, lang)),
        number_cell(v.estimate, lang, places, bold=True),
        Cell(interval, interval),
        number_cell(v.ci_low, lang, places),
        number_cell(v.ci_high, lang, places),
        number_cell(v.se, lang, places + 1),
        number_cell(v.n, lang, 0),
        number_cell(v.n_eff, lang, 0),
        number_cell(v.deff, lang, 2),
        text_cell(fmt.full_target_text(ind, lang, year, short=True)),
        number_cell(target.value if target else None, lang, places),
        text_cell(fmt.target_text(target, ind.unit, lang) if target else fmt.full_target_text(ind, lang, year)),
        status_cell(ind.status.status, lang),
        text_cell(fmt.trajectory_text(ind.status.trajectory, lang) or fmt.progress_text(ind, lang, year)),
    )
