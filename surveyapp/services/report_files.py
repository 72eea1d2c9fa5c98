"""The files and pictures the dashboard serves from a computation run: report files kept on disk, and the
trend chart drawn as inline SVG."""

from __future__ import annotations

import io
from pathlib import Path

from flask import current_app

from analysis.report import IndicatorReport, ReportData, build
from surveyapp.models import ComputationRun

# Type sizes of the dashboard's chart (the PDF's come from analysis.report.charts.style).
SCREEN_RC = {
    "axes.labelsize": 11,
    "xtick.labelsize": 10.5,
    "ytick.labelsize": 10.5,
    "legend.fontsize": 10.5,
    "font.size": 10.5,
}


def reports_root() -> Path:
    """Where built report files are kept: ``REPORTS_DIR``, by default ``reports/`` in the instance folder."""
    return Path(current_app.config.get("REPORTS_DIR") or Path(current_app.instance_path) / "reports")


def report_file(data: ReportData, run: ComputationRun, programme: str, year: int, language: str, fmt: str) -> Path:
    """The report of ``run`` in one language and format, built on first request.

    One file per computation run and language: a run never changes, so the file can be reused. The folder
    names the run's time and state, so a run that is published later gets a file of its own.
    """
    state = "draft" if data.draft else "published"
    stamp = run.computed_at.strftime("%Y%m%dT%H%M%S")
    path = reports_root() / f"run{run.id}-{stamp}-{state}" / f"{programme}_{year}_{language}.{fmt}"
    if not path.exists():
        build(data, fmt, path)
    return path


def chart_svg(data: ReportData, item: IndicatorReport) -> str:
    """The report's own trend chart, as inline SVG, so the page and the PDF show the same picture."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis.report.charts import style, trend_chart

    buffer = io.StringIO()
    # Drawn small and with larger type than the A4 page: the SVG is scaled to the screen, down to a 360-px phone,
    # and its tick labels must stay readable there.
    with style(), matplotlib.rc_context(SCREEN_RC):  # type: ignore[arg-type]  # rc keys typed as Literals
        figure, axes = plt.subplots(figsize=(5.2, 3.4))
        try:
            trend_chart(axes, data, item)
            figure.tight_layout()
            figure.savefig(buffer, format="svg")
        finally:
            plt.close(figure)
    svg = buffer.getvalue()
    return svg[svg.find("<svg") :]
