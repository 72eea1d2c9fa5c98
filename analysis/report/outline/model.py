"""The report's content as the reader gets it, before any layout: the parts, their headings, paragraphs, tables
and cells, every text already in the report's language and every number already formatted.

The PDF, the workbook and the HTML page are three layouts of one :class:`Outline`; none of them words or rounds
anything itself, so the three cannot drift apart. A table carries, per column, the formats that show it: the
printed formats give an interval as "60,2–63,5" while the workbook gives its two bounds as numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from analysis.report.data import IndicatorReport


class Format(StrEnum):
    """The formats a report is built in; a column says in which of them it is shown."""

    PDF = "pdf"
    XLSX = "xlsx"
    HTML = "html"


EVERYWHERE = frozenset(Format)
PRINTED = frozenset({Format.PDF, Format.HTML})  # text as a person reads it
WORKBOOK = frozenset({Format.XLSX})  # the stored numbers, for an analyst to recompute from


class Tone(StrEnum):
    """What a cell is, so each layout can set it apart in its own way (grey text, monospace, italics)."""

    PLAIN = "plain"
    SECONDARY = "secondary"  # supporting text beside the main figures (a unit)
    HASH = "hash"  # a sha256: long, unbroken, read by machines more than by people
    SUPPRESSED = "suppressed"  # a hidden cell: the word and its dashes


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell: ``text`` as printed, ``value`` as the workbook stores it (the full number, or the text;
    None leaves the cell empty) with ``places`` decimals shown by its number format."""

    text: str
    value: str | int | float | None
    places: int | None = None
    bold: bool = False
    italic: bool = False
    tone: Tone = Tone.PLAIN
    status: str | None = None  # a status cell, coloured by this status
    ref: str | None = None  # the code of the indicator page this cell points to (a link in the HTML)


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    numeric: bool = False  # figures: right-aligned
    formats: frozenset[Format] = EVERYWHERE


@dataclass(frozen=True, slots=True)
class Table:
    key: str  # what the table holds ("scorecard", "precision", "region", ...): each layout sizes it by this
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"table {self.key}: a row has {len(row)} cells for {len(self.columns)} columns")

    def shown_in(self, kind: Format) -> Table:
        """The table as the ``kind`` of file shows it: only its columns."""
        return self.only(frozenset({kind}))

    def only(self, formats: frozenset[Format]) -> Table:
        """The columns shown in any of ``formats``, with their cells."""
        keep = [i for i, column in enumerate(self.columns) if column.formats & formats]
        return Table(self.key, tuple(self.columns[i] for i in keep),
                     tuple(tuple(row[i] for i in keep) for row in self.rows))


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    small: bool = False  # a note on what precedes it, set smaller and in grey


@dataclass(frozen=True, slots=True)
class StatusEntry:
    """A status with its colour key: the symbol, its name and the rule (or the count) that goes with it."""

    status: str
    symbol: str
    name: str
    rule: str = ""
    count: int = 0

    @property
    def label(self) -> str:
        return f"{self.symbol} {self.name}"

    @property
    def legend_text(self) -> str:
        """As the scorecard's legend prints it, beside the coloured symbol."""
        return f"{self.name} – {self.rule}"

    @property
    def rule_text(self) -> str:
        """As the annex states the rule, a sentence of its own."""
        return f"{self.label} – {self.rule}."


@dataclass(frozen=True, slots=True)
class StatusRules:
    entries: tuple[StatusEntry, ...]


Block = Paragraph | Table | StatusRules


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Cover:
    title: str
    subtitle: str
    programme: str
    details: tuple[str, ...]  # programme period, coordinating body
    summary_title: str
    counts: tuple[StatusEntry, ...]
    summary_count: str
    diagnostic: str
    source_note: str
    generated: tuple[str, ...]  # date, computation run: printed joined by " · "


@dataclass(frozen=True, slots=True)
class Scorecard:
    title: str
    sheet_name: str
    intro: str
    table: Table
    legend_title: str
    legend: tuple[StatusEntry, ...]
    ci_legend: str


@dataclass(frozen=True, slots=True)
class KeyFigure:
    """One key figure of an indicator page: a label and the figure as printed."""

    label: str
    text: str


@dataclass(frozen=True, slots=True)
class IndicatorPage:
    code: str
    name: str
    facts: tuple[str, ...]  # unit, source, direction: printed joined by " · "
    value: KeyFigure
    interval: KeyFigure
    target: KeyFigure
    status: StatusEntry
    status_title: str
    trajectory: str
    precision: str | None  # n, effective n and design effect, or why an administrative figure has no interval
    notes: tuple[str, ...]
    trend_title: str
    regions_title: str
    hidden_regions: str | None  # the regions the regional chart leaves out, set under it; None if none are
    breakdowns_title: str
    no_breakdowns: str
    breakdowns: tuple[Table, ...]  # one per breakdown, for the printed formats; the first column is titled by it
    breakdown_table: Table  # the same rows in one long table, for the workbook
    footnote: str | None  # which cells are hidden and why
    data: tuple[tuple[str, Cell], ...]  # the key figures as labelled numbers, for the workbook
    history: Table  # the trend chart's numbers, for the workbook
    indicator: IndicatorReport = field(repr=False)  # what the charts are drawn from

    @property
    def title(self) -> str:
        return f"{self.code}. {self.name}"

    @property
    def is_empty(self) -> bool:
        """Nothing measured at all: no value, no breakdown, no earlier year (the printed report gathers these)."""
        ind = self.indicator
        return (ind.national.estimate is None and not any(ind.breakdowns.values())
                and not any(p.estimate is not None for p in ind.history))


@dataclass(frozen=True, slots=True)
class Annex:
    title: str
    sheet_name: str
    sections: tuple[Section, ...]


@dataclass(frozen=True, slots=True)
class Outline:
    language: str
    title: str  # the document's title (file properties, the HTML <title>)
    programme_code: str
    year: int
    banners: tuple[str, ...]  # SYNTHETIC DATA, DRAFT: across the cover, atop every sheet
    marks: tuple[str, ...]  # their short forms, in every page footer
    heading_line: str  # programme and year, under the title of every sheet
    cover: Cover
    scorecard: Scorecard
    indicators: tuple[IndicatorPage, ...]
    annex: Annex
    ci_note: str  # what the interval is, under the figures it qualifies
    contents_title: str
    print_label: str
    page_label: str  # "стр. {page} из {pages}": the page numbers are known only once the PDF is laid out
    footer_line: str = ""  # at the foot of every page: the report's short name and year, in its language
    empty_title: str = ""  # the heading of the one page that lists the indicators with nothing measured

    def page_number(self, page: int, pages: int) -> str:
        return self.page_label.format(page=page, pages=pages)
