"""The dashboard's trend chart: the report's own chart drawn as inline SVG, with type sized for a screen."""

from __future__ import annotations

import io

from analysis.report import IndicatorReport, ReportData

# Type sizes of the dashboard's chart (the PDF's come from analysis.report.charts.style).
SCREEN_RC = {
    "axes.labelsize": 11,
    "xtick.labelsize": 10.5,
    "ytick.labelsize": 10.5,
    "legend.fontsize": 10.5,
    "font.size": 10.5,
}


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
