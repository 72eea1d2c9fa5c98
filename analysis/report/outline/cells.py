"""Cells and status entries as every part of the outline makes them: one rule for how a number becomes text."""

from __future__ import annotations

from analysis.report import fmt
from analysis.report.data import STATUSES
from analysis.report.outline.model import Cell, StatusEntry, Tone
from analysis.report.texts import tr

# Beside a group with fewer design df than Methodology.small_df (DejaVu Sans has it; pdftotext reads it back).
SMALL_DF_MARK = "†"


def number_cell(value: float | None, language: str, places: int, *, bold: bool = False) -> Cell:
    """A figure: printed rounded to ``places``, stored in full (an empty cell when there is none)."""
    return Cell(fmt.number(value, language, places), value, places if value is not None else None, bold=bold)


def text_cell(text: str | None, *, bold: bool = False, tone: Tone = Tone.PLAIN, ref: str | None = None) -> Cell:
    """A text; a missing one is printed as a dash and left empty in the workbook."""
    return Cell(text or fmt.DASH, text or None, bold=bold, tone=tone, ref=ref)


def status_cell(status: str, language: str) -> Cell:
    label = fmt.status_label(status, language)
    return Cell(label, label, bold=True, status=status)


def status_entry(status: str, language: str, count: int = 0) -> StatusEntry:
    style = fmt.STATUS_STYLES[status]
    return StatusEntry(status, style.symbol, fmt.status_text(status, language), tr(f"status_rule.{status}", language),
                       count)


def status_entries(language: str, counts: dict[str, int] | None = None) -> tuple[StatusEntry, ...]:
    return tuple(status_entry(s, language, (counts or {}).get(s, 0)) for s in STATUSES)
