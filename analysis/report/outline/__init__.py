"""The report's content model, built once from a :class:`ReportData`: the PDF, XLSX and HTML only lay it out.

    >>> from analysis.report.outline import build_outline
    >>> outline = build_outline(report_data)
    >>> outline.annex.sections[0].heading
    'Интерпретация результатов'
"""

from __future__ import annotations

from analysis.report.data import ReportData
from analysis.report.outline.annex import annex
from analysis.report.outline.front import ci_note, cover, scorecard
from analysis.report.outline.indicator import indicator_page
from analysis.report.outline.model import (
    EVERYWHERE,
    PRINTED,
    WORKBOOK,
    Annex,
    Block,
    Cell,
    Column,
    Cover,
    Format,
    IndicatorPage,
    KeyFigure,
    Outline,
    Paragraph,
    Scorecard,
    Section,
    StatusEntry,
    StatusRules,
    Table,
    Tone,
)
from analysis.report.texts import tr


def build_outline(report: ReportData) -> Outline:
    lang = report.language
    banners = ([tr("synthetic.banner", lang)] if report.synthetic else []) + \
              ([tr("draft.banner", lang)] if report.draft else [])
    marks = ([tr("synthetic.short", lang)] if report.synthetic else []) + \
            ([tr("draft.short", lang)] if report.draft else [])
    return Outline(
        language=lang,
        title=f"{tr('report.title', lang)}: {report.programme_title}, {report.year}",
        programme_code=report.programme_code,
        year=report.year,
        banners=tuple(banners),
        marks=tuple(marks),
        heading_line=f"{report.programme_title} · {tr('report.subtitle', lang, year=report.year)}",
        cover=cover(report),
        scorecard=scorecard(report),
        indicators=tuple(indicator_page(report, ind) for ind in report.indicators),
        annex=annex(report),
        ci_note=ci_note(report),
        contents_title=tr("report.contents", lang),
        print_label=tr("html.print", lang),
        page_label=tr("page.number", lang),
        empty_title=tr("ind.empty_title", lang, year=report.year),
        footer_line=tr("report.footer", lang, year=report.year),
    )


__all__ = [
    "EVERYWHERE",
    "PRINTED",
    "WORKBOOK",
    "Annex",
    "Block",
    "Cell",
    "Column",
    "Cover",
    "Format",
    "IndicatorPage",
    "KeyFigure",
    "Outline",
    "Paragraph",
    "Scorecard",
    "Section",
    "StatusEntry",
    "StatusRules",
    "Table",
    "Tone",
    "build_outline",
]
