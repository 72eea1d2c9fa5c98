"""The two charts of an indicator page, drawn on a given matplotlib Axes (the PDF page or an SVG figure).

No pyplot: figures are plain ``matplotlib.figure.Figure`` objects, so nothing is registered globally, nothing
needs closing, and the Agg/PDF/SVG canvases are chosen by whoever saves the figure.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from analysis.report import fmt
from analysis.report.data import HistoryPoint, IndicatorReport, ReportData
from analysis.report.texts import tr

# matplotlib's own copy of DejaVu Sans: always installed with matplotlib, and it has every Kazakh letter
# (ә ғ қ ң ө ұ ү һ і) and the status symbols.
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

RC = {
    "font.family": ["DejaVu Sans"],
    "pdf.fonttype": 42,  # TrueType, embedded (subset): text stays extractable and every letter is in the file
    "svg.fonttype": "none",  # SVG text stays text (searchable, selectable in the HTML)
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "legend.fontsize": 7,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#444444",
    "axes.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.5,
    "pdf.compression": 6,
    "svg.hashsalt": "report",  # stable ids: the same data gives the same HTML
}


def _gaps(values: Iterable[float | None]) -> list[float]:
    """Plot values with a missing one as NaN, which matplotlib leaves as a gap (as it does None)."""
    return [math.nan if value is None else value for value in values]


@contextmanager
def style() -> Iterator[None]:
    """The report's matplotlib settings, for the duration of a build only (global rcParams stay untouched)."""
    with matplotlib.rc_context(RC):  # type: ignore[arg-type]  # matplotlib types each rc key as a Literal
        yield


def _formatter(indicator: IndicatorReport, language: str) -> FuncFormatter:
    def format_tick(value: float, _pos: int | None) -> str:
        places = 0 if float(value).is_integer() else fmt.decimals(indicator.unit, 0.5)
        return fmt.number(value, language, places)

    return FuncFormatter(format_tick)


def _history(report: ReportData, indicator: IndicatorReport) -> list[HistoryPoint]:
    """The history as given, plus the report year's national value if the history lacks it."""
    points = {p.year: p for p in indicator.history}
    current = points.get(report.year)
    national = indicator.national
    if national.estimate is not None and (current is None or current.estimate is None):
        year_target = indicator.year_target(report.year)
        target = current.target if current else (year_target.value if year_target else None)
        points[report.year] = HistoryPoint(report.year, national.estimate, national.ci_low, national.ci_high, target)
    return [points[year] for year in sorted(points)]


def trend_chart(ax: Axes, report: ReportData, indicator: IndicatorReport) -> None:
    language = report.language
    level = fmt.level_text(report.methodology.ci_level, language)
    points = _history(report, indicator)
    observed = [p for p in points if p.estimate is not None]
    targets = [p for p in points if p.target is not None]
    if not observed and not targets:
        ax.text(0.5, 0.5, tr("ind.no_history", language), ha="center", va="center", transform=ax.transAxes,
                fontsize=8, color="#666666")
        ax.set_xticks([])
        ax.set_yticks([])
        return
    handles: list[Line2D] = []
    if observed:
        years = [p.year for p in observed]
        values = [p.estimate for p in observed]
        with_ci = [p for p in observed if p.ci_low is not None and p.ci_high is not None]
        ax.plot(years, _gaps(values), color=fmt.ESTIMATE_COLOR, linewidth=1.2, zorder=3)
        if with_ci:
            ax.errorbar(
                [p.year for p in with_ci], _gaps(p.estimate for p in with_ci),
                yerr=[[p.estimate - p.ci_low for p in with_ci], [p.ci_high - p.estimate for p in with_ci]],  # type: ignore[operator]
                fmt="none", ecolor=fmt.ESTIMATE_COLOR, elinewidth=1.0, capsize=3, zorder=3,
            )
        ax.plot(years, _gaps(values), "o", color=fmt.ESTIMATE_COLOR, markersize=5, zorder=4)
        # Just under the legend's size: 6.5 pt on the A4 page, larger where the caller set larger type (screen).
        value_size = float(matplotlib.rcParams["legend.fontsize"]) - 0.5
        for year, value in zip(years, values, strict=True):
            ax.annotate(fmt.number(value, language, fmt.decimals(indicator.unit, value)), (year, value),
                        textcoords="offset points", xytext=(6, 4), fontsize=value_size, color=fmt.ESTIMATE_COLOR)
        label = tr("chart.estimate" if indicator.is_survey else "chart.value", language)
        handles.append(Line2D([], [], color=fmt.ESTIMATE_COLOR, marker="o", markersize=5, label=label))
        if with_ci:
            handles.append(Line2D([], [], color=fmt.ESTIMATE_COLOR, marker="|", markersize=9, linestyle="none",
                                  label=tr("chart.ci", language, level=level)))
    if targets:
        ax.plot([p.year for p in targets], _gaps(p.target for p in targets), linestyle=":", color=fmt.TARGET_COLOR,
                linewidth=0.8, zorder=2)
        ax.plot([p.year for p in targets], _gaps(p.target for p in targets), "D", markerfacecolor="white",
                markeredgecolor=fmt.TARGET_COLOR, markersize=5, zorder=5)
        handles.append(Line2D([], [], color=fmt.TARGET_COLOR, marker="D", markerfacecolor="white", markersize=5,
                              linestyle=":", linewidth=0.8, label=tr("chart.target", language)))
    years_all = [p.year for p in points]
    ax.set_xlim(min(years_all) - 0.5, max(years_all) + 0.5)
    ticks = list(range(min(years_all), max(years_all) + 1))
    ax.set_xticks(ticks, [str(year) for year in ticks])
    ax.yaxis.set_major_formatter(_formatter(indicator, language))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6))
    ax.grid(axis="y")
    ax.set_axisbelow(True)
    ax.set_ylabel(fmt.unit_text(indicator.unit, language))
    ax.axvspan(report.year - 0.4, report.year + 0.4, color="#F2F2F2", zorder=0)  # the report's year
    wide = sum(len(str(h.get_label())) for h in handles) > 36  # long Kazakh labels: two columns instead of one row
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2 if wide else len(handles),
              frameon=False, handlelength=1.6, columnspacing=1.0)


def region_chart(ax: Axes, report: ReportData, indicator: IndicatorReport) -> None:
    """Regions sorted by value with their intervals, the target line and the national value.

    Suppressed regions get no mark at all (a bar would leak the hidden value); the outline names
    them (``IndicatorPage.hidden_regions``) for each layout to set under the chart in the room it measured.
    """
    language = report.language
    min_n = report.methodology.min_cell_n
    rows = indicator.breakdowns.get("region", ())
    shown = [r for r in rows if not r.is_hidden(min_n) and r.value.estimate is not None]
    if not shown:
        ax.text(0.5, 0.5, tr("ind.no_regions", language), ha="center", va="center", transform=ax.transAxes,
                fontsize=8, color="#666666")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        return
    shown.sort(key=lambda r: r.value.estimate)  # type: ignore[arg-type,return-value]
    labels = [r.label for r in shown]
    positions = list(range(len(shown)))
    values = [r.value.estimate for r in shown]
    with_ci = [(i, r) for i, r in enumerate(shown) if r.value.has_ci]
    if with_ci:
        ax.errorbar(
            _gaps(r.value.estimate for _, r in with_ci), [i for i, _ in with_ci],
            xerr=[[r.value.estimate - r.value.ci_low for _, r in with_ci],  # type: ignore[operator]
                  [r.value.ci_high - r.value.estimate for _, r in with_ci]],  # type: ignore[operator]
            fmt="none", ecolor=fmt.ESTIMATE_COLOR, elinewidth=1.0, capsize=2, zorder=3,
        )
    ax.plot(_gaps(values), positions, "o", color=fmt.ESTIMATE_COLOR, markersize=4, zorder=4)
    handles = [Line2D([], [], color=fmt.ESTIMATE_COLOR, marker="o", markersize=4,
                      label=tr("chart.estimate" if indicator.is_survey else "chart.value", language))]
    national = indicator.national.estimate
    if national is not None:
        ax.axvline(national, color=fmt.NATIONAL_COLOR, linewidth=0.9, zorder=2)
        handles.append(Line2D([], [], color=fmt.NATIONAL_COLOR, linewidth=0.9, label=tr("ind.national", language)))
    # Only the report year's own target is a line here: a final target years ahead is not this year's bar.
    year_target = indicator.year_target(report.year)
    target = year_target.value if year_target else None
    if target is not None:
        ax.axvline(target, color=fmt.TARGET_COLOR, linestyle="--", linewidth=1.0, zorder=2)
        handles.append(Line2D([], [], color=fmt.TARGET_COLOR, linestyle="--", linewidth=1.0,
                              label=tr("chart.target_year", language, year=report.year)))
    ax.set_yticks(positions, labels)
    ax.set_ylim(-0.7, len(shown) - 0.3)
    ax.tick_params(axis="y", length=0, labelsize=6.5 if len(shown) > 12 else 7.5)
    ax.xaxis.set_major_formatter(_formatter(indicator, language))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.grid(axis="x")
    ax.set_axisbelow(True)
    ax.set_xlabel(fmt.unit_text(indicator.unit, language))
    # Anchored at the right edge: a long legend grows left over the empty space above the region names.
    ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, frameon=False,
              handlelength=1.6, columnspacing=1.0, borderaxespad=0.2)
