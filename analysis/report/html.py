"""The yearly report as one self-contained, printable HTML file.

The content comes from :func:`analysis.report.outline.build_outline`, the markup and the stylesheet from
``templates/report.html`` and ``templates/report.css`` (package data). Charts are inline SVG drawn by the same
functions as the PDF (text kept as text, so it is searchable and Kazakh letters come from the reader's fonts);
the stylesheet is inline, with print rules (A4, a page per indicator); nothing is fetched from a network.
Jinja2 is used directly: the renderer does not need Flask.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template
from matplotlib.figure import Figure

from analysis.report import fmt
from analysis.report.charts import region_chart, style, trend_chart
from analysis.report.data import ReportData
from analysis.report.outline import Format, IndicatorPage, Paragraph, StatusRules, build_outline

Progress = Callable[[int, int, str], None]

_SVG_START = re.compile(r"^.*?(?=<svg)", re.DOTALL)


@cache
def _template() -> Template:
    env = Environment(loader=PackageLoader("analysis.report", "templates"), autoescape=True,
                      undefined=StrictUndefined, keep_trailing_newline=True)
    env.tests["paragraph"] = lambda block: isinstance(block, Paragraph)
    env.tests["status_rules"] = lambda block: isinstance(block, StatusRules)
    return env.get_template("report.html")


def render_html(report: ReportData, path: Path, progress: Progress | None = None) -> None:
    path.write_text(html_text(report, progress), encoding="utf-8")


def html_text(report: ReportData, progress: Progress | None = None) -> str:
    total = len(report.indicators) + 2
    done = 0

    def step(what: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, what)

    outline = build_outline(report)
    step("scorecard")
    # Indicators with nothing measured get no charts: they share one compact section, as the PDF's one page.
    charts: dict[str, dict[str, str]] = {}
    with style():
        for page in outline.indicators:
            if not page.is_empty:
                charts[page.code] = _charts(report, page)
            step(page.code)
    text = _template().render(
        outline=outline,
        charts=charts,
        medium=Format.HTML,
        colors={"blue": fmt.ESTIMATE_COLOR, "head": fmt.HEADER_FILL, "red": fmt.SYNTHETIC_COLOR},
        statuses=fmt.STATUS_STYLES,
    )
    step("write")
    return text


def _charts(report: ReportData, page: IndicatorPage) -> dict[str, str]:
    ind = page.indicator
    min_n = report.methodology.min_cell_n
    # As tall as the regions it draws; the hidden ones are named in a paragraph under it.
    drawn = [r for r in ind.breakdowns.get("region", ()) if not r.is_hidden(min_n) and r.value.estimate is not None]
    height = 1.5 + 0.22 * max(len(drawn), 3)
    return {
        "trend": _svg(lambda ax: trend_chart(ax, report, ind), (4.2, 3.0), (0.16, 0.25, 0.96, 0.97)),
        "regions": _svg(lambda ax: region_chart(ax, report, ind), (4.6, height),
                        (0.42, 0.5 / height, 0.97, 1 - 0.55 / height)),
    }


def _svg(draw: Callable[[Any], None], size: tuple[float, float], box: tuple[float, float, float, float]) -> str:
    """One chart as an inline <svg> element (the XML prolog and DOCTYPE are dropped)."""
    figure = Figure(figsize=size)
    left, bottom, right, top = box
    ax = figure.add_axes((left, bottom, right - left, top - bottom))
    draw(ax)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return _SVG_START.sub("", buffer.getvalue(), count=1)
