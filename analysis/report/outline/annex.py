"""The methodological annex: how the numbers were made, section by section, worded once for every format."""

from __future__ import annotations

from analysis.ci import CIMethod
from analysis.programme import CHANGE_KINDS
from analysis.report import fmt
from analysis.report.data import ReportData, WeightSummary
from analysis.report.outline.cells import SMALL_DF_MARK, number_cell, status_entries, text_cell
from analysis.report.outline.model import Annex, Block, Column, Paragraph, Section, StatusRules, Table, Tone
from analysis.report.texts import has, tr


def annex(report: ReportData) -> Annex:
    lang = report.language
    sections = [
        Section(tr("meth.interpretation", lang),
                (Paragraph(tr("report.diagnostic", lang)), Paragraph(tr("report.source_note", lang)))),
        Section(tr("meth.samples", lang), _sample_blocks(report)),
        Section(tr("meth.weighting", lang), _weighting(report)),
    ]
    precision = _precision(report)
    if precision is not None:
        level = fmt.level_text(report.methodology.ci_level, lang)
        sections.append(Section(tr("meth.precision", lang),
                                (precision, Paragraph(tr("meth.precision_note", lang, level=level), small=True))))
    sections.append(Section(tr("meth.status_rules", lang), _status_rules(report)))
    meth = report.methodology
    sections.append(Section(tr("meth.suppression", lang), (
        Paragraph(tr("meth.suppression_rule", lang, min_n=meth.min_cell_n, cell=tr("suppressed.cell", lang))),)))
    if meth.admin_sources:
        sections.append(Section(tr("meth.admin_sources", lang), (_admin_sources(report),)))
    if meth.notes:
        sections.append(Section(tr("meth.notes", lang), tuple(Paragraph(note) for note in meth.notes)))
    return Annex(tr("meth.title", lang), tr("sheet.methodology", lang), tuple(sections))


def _sample_blocks(report: ReportData) -> tuple[Block, ...]:
    lang = report.language
    blocks: list[Block] = [_samples(report)]
    withdrawn = report.methodology.withdrawn
    if withdrawn:
        blocks.append(Paragraph(tr("meth.withdrawn", lang, count=fmt.integer(withdrawn, lang))))
    for restriction in report.methodology.mode_restrictions:
        mode = f"mode.{restriction.mode}"
        blocks.append(Paragraph(tr(
            "meth.mode_restricted", lang, indicator=restriction.indicator,
            mode=tr(mode, lang) if has(mode) else restriction.mode,
            count=fmt.integer(restriction.respondents, lang), total=fmt.integer(restriction.total, lang),
        )))
    return tuple(blocks)


def _samples(report: ReportData) -> Block:
    lang = report.language
    samples = report.methodology.samples
    if not samples:
        return Paragraph(tr("meth.samples_none", lang))
    columns = (Column("instrument", tr("col.instrument", lang)), Column("version", tr("col.version", lang)),
               Column("population", tr("col.population", lang)), Column("fieldwork", tr("col.fieldwork", lang)),
               Column("respondents", tr("col.respondents", lang), numeric=True),
               Column("sha256", tr("col.sha256", lang)))
    rows = tuple((text_cell(s.instrument), text_cell(s.version), text_cell(s.population),
                  text_cell(f"{fmt.date_text(s.fieldwork_start, lang)} – {fmt.date_text(s.fieldwork_end, lang)}"),
                  number_cell(s.respondents, lang, 0), text_cell(s.sha256, tone=Tone.HASH)) for s in samples)
    return Table("samples", columns, rows)


def _weighting(report: ReportData) -> tuple[Block, ...]:
    lang = report.language
    meth = report.methodology
    default = tr("meth.weighting_default", lang)
    lines = [f"{w.instrument}: {w.method or default} {tr('col.margins', lang)}: {'; '.join(w.margins)}. "
             f"{tr('col.source', lang)}: {w.source}." + _weight_costs(w.diagnostics, lang)
             for w in meth.weighting] or [default]
    level = fmt.level_text(meth.ci_level, lang)
    if meth.ci_method == CIMethod.BY_DF:
        # The rule the run applied, with its threshold: the annex must name the interval each result got.
        lines.append(tr("meth.variance.by_df", lang, level=level, threshold=meth.small_df, mark=SMALL_DF_MARK))
    else:
        method = f"ci_method.{meth.ci_method}"
        lines.append(tr("meth.variance", lang, level=level,
                        method=tr(method, lang) if has(method) else meth.ci_method))
    # Said only where it changed a number: a stratum left with one PSU in this year's sample.
    lines += [f"{tr('meth.single_psu', lang, population=s.population, strata=', '.join(s.strata))} "
              f"{tr(f'meth.single_psu.{s.rule}', lang)}" for s in meth.single_psu if s.strata]
    return tuple(Paragraph(line) for line in lines)


def _weight_costs(summary: WeightSummary | None, lang: str) -> str:
    if summary is None:
        return ""
    return " " + tr(
        "meth.weight_diagnostics", lang, ratio=fmt.number(summary.max_min_ratio, lang, 1),
        cv=fmt.number(summary.cv, lang, 2), deff=fmt.number(summary.deff_weighting, lang, 2),
        n_eff=fmt.integer(summary.kish_n_eff, lang), n=fmt.integer(summary.n, lang),
    )


def _precision(report: ReportData) -> Table | None:
    lang = report.language
    survey = [ind for ind in report.indicators if ind.is_survey]
    if not survey:
        return None
    columns = (Column("code", tr("col.code", lang)), Column("name", tr("col.indicator", lang)),
               Column("n", tr("col.n", lang), numeric=True), Column("n_eff", tr("col.n_eff", lang), numeric=True),
               Column("deff", tr("col.deff", lang), numeric=True), Column("moe", tr("col.moe", lang), numeric=True))
    rows = []
    for ind in survey:
        v = ind.national
        rows.append((text_cell(ind.code, bold=True), text_cell(fmt.indicator_name(ind, lang)),
                     number_cell(v.n, lang, 0), number_cell(v.n_eff, lang, 0), number_cell(v.deff, lang, 2),
                     number_cell(v.margin_of_error, lang, fmt.moe_places(ind.unit))))
    return Table("precision", columns, tuple(rows))


def _status_rules(report: ReportData) -> tuple[Block, ...]:
    lang = report.language
    rules = report.methodology.status_rules
    blocks: list[Block] = [Paragraph(rules) if rules else StatusRules(status_entries(lang))]
    if any(ind.status.trajectory for ind in report.indicators):
        blocks.append(Paragraph(tr("meth.trajectory_rule", lang)))
    if any(ind.change is not None for ind in report.indicators):
        blocks.append(Paragraph(tr("meth.year_change", lang, level=fmt.level_text(report.methodology.ci_level,
                                                                                    lang))))
        if report.methodology.panel_populations:
            blocks.append(Paragraph(tr("meth.change_panel", lang,
                                       populations=", ".join(report.methodology.panel_populations))))
    if any(ind.target is not None and ind.target.kind in CHANGE_KINDS for ind in report.indicators):
        meth = report.methodology
        blocks.append(Paragraph(tr(f"meth.change_rule.{meth.change_inference}", lang,
                                   level=fmt.level_text(meth.ci_level, lang))))
    return tuple(blocks)


def _admin_sources(report: ReportData) -> Table:
    lang = report.language
    columns = (Column("code", tr("col.code", lang)), Column("source", tr("col.source", lang)),
               Column("file", tr("col.file", lang)), Column("sha256", tr("col.sha256", lang)))
    rows = tuple((text_cell(a.indicator, bold=True), text_cell(a.source), text_cell(a.file),
                  text_cell(a.sha256, tone=Tone.HASH)) for a in report.methodology.admin_sources)
    return Table("admin_sources", columns, rows)
