"""Yearly indicator reports (PDF, XLSX, HTML) in Kazakh, Russian or English, from a :class:`ReportData`.

Flask-free: the web app assembles the ReportData from the stored computation run, this package only draws it.

    >>> from analysis.report import build
    >>> build(report_data, "pdf", "out/report_2025_kk.pdf", progress=lambda done, total, step: ...)

See ``analysis/report/README.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from analysis.report.data import (
    ACHIEVED,
    DISCLOSURE,
    LANGUAGES,
    NO_DATA,
    NO_TARGET,
    NOT_ACHIEVED,
    NOT_DISTINGUISHABLE,
    SMALL_N,
    STATUSES,
    AdminSource,
    BreakdownRow,
    GroupComparison,
    HistoryPoint,
    IndicatorReport,
    InstrumentSample,
    Methodology,
    ModeRestriction,
    ReportData,
    SinglePSUStrata,
    StatusInfo,
    TargetInfo,
    Value,
    WeightingInfo,
    WeightSummary,
    YearChange,
)
from analysis.report.outline.model import Format

Progress = Callable[[int, int, str], None]
"""Called after each step as ``progress(done, total, step_name)``; ``done == total`` at the end."""


def build(report_data: ReportData, format: Format | str, path: str | Path,
          progress: Progress | None = None) -> Path:
    """Write the report in ``format`` to ``path`` (parent folders are created) and return the path.

    The file is written next to its final name and renamed at the end, so a reader (a download in the web
    app) never sees half a report.
    """
    try:
        kind = Format(str(format).lower())
    except ValueError:
        raise ValueError(f"unknown report format {format!r} (known: {', '.join(f.value for f in Format)})") from None
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    try:
        if kind is Format.PDF:
            from analysis.report.pdf import render_pdf  # matplotlib is imported only when a PDF is wanted

            render_pdf(report_data, partial, progress)
        elif kind is Format.XLSX:
            from analysis.report.xlsx import render_xlsx

            render_xlsx(report_data, partial, progress)
        else:
            from analysis.report.html import render_html

            render_html(report_data, partial, progress)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


__all__ = [
    "ACHIEVED",
    "DISCLOSURE",
    "LANGUAGES",
    "NOT_ACHIEVED",
    "NOT_DISTINGUISHABLE",
    "NO_DATA",
    "NO_TARGET",
    "SMALL_N",
    "STATUSES",
    "AdminSource",
    "BreakdownRow",
    "Format",
    "GroupComparison",
    "HistoryPoint",
    "IndicatorReport",
    "InstrumentSample",
    "Methodology",
    "ModeRestriction",
    "Progress",
    "ReportData",
    "SinglePSUStrata",
    "StatusInfo",
    "TargetInfo",
    "Value",
    "WeightSummary",
    "WeightingInfo",
    "YearChange",
    "build",
]
