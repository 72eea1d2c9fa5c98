"""The fieldwork page's charts as inline SVG drawn from the figures themselves: no script, no CDN.

Drawn in a 340-unit-wide box that the page scales to its column, so on a 360-px phone one unit is about one
pixel and the 11-unit type stays readable. Every bar carries its value (``data-value`` and a ``<title>``),
and the tables under the charts hold the same numbers for screen readers and copying.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup, escape

WIDTH = 340
FONT = 11
INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#d1d5db"
SUBMITTED = "#1d4ed8"
INVITED = "#93c5fd"


def _nice_ceiling(value: int) -> int:
    """The axis top: 1, 2 or 5 times a power of ten, at least the value (and at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def daily_series(per_day: list[tuple[date, int]]) -> list[tuple[date, int]]:
    """Every day from the first to the last submission, with 0 on days without one (a gap is news too)."""
    if not per_day:
        return []
    counts = dict(per_day)
    first, last = per_day[0][0], per_day[-1][0]
    return [
        (first + timedelta(days=i), counts.get(first + timedelta(days=i), 0)) for i in range((last - first).days + 1)
    ]


def _text(x: float, y: float, content: str, anchor: str = "start", fill: str = INK, size: int = FONT) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}">'
        f"{escape(content)}</text>"
    )


def completion_by_day(per_day: list[tuple[date, int]], title: str, unit: str) -> Markup:
    """Columns of responses submitted each day; ``unit`` labels a bar's tooltip (e.g. "submitted")."""
    series = daily_series(per_day)
    if not series:
        return Markup("")
    left, right, top, bottom = 30.0, 6.0, 16.0, 30.0
    height = 190.0
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    peak = _nice_ceiling(max(count for _, count in series))
    band = plot_w / len(series)
    bar = max(1.0, band * 0.8)
    parts = [
        f'<svg class="fieldwork-chart" data-chart="per-day" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in (0, peak // 2 if peak >= 2 else None, peak):
        if tick is None:
            continue
        y = top + plot_h - plot_h * tick / peak
        parts.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(_text(left - 4, y + 4, str(tick), "end", MUTED))
    label_every = max(1, math.ceil(len(series) / 5))
    for i, (day, count) in enumerate(series):
        x = left + i * band + (band - bar) / 2
        h = plot_h * count / peak
        y = top + plot_h - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{SUBMITTED}" '
            f'data-day="{day.isoformat()}" data-value="{count}"><title>{day.isoformat()}: {count} '
            f"{escape(unit)}</title></rect>"
        )
        if band >= 16 and count:
            parts.append(_text(x + bar / 2, y - 3, str(count), "middle"))
        last_far_enough = i == len(series) - 1 and i % label_every >= label_every / 2
        if i % label_every == 0 or last_far_enough:
            parts.append(_text(x + bar / 2, height - bottom + 16, day.strftime("%d.%m"), "middle", MUTED))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  # every text and attribute value in it went through escape()


@dataclass(frozen=True)
class RegionBar:
    code: str
    label: str
    invited: int | None  # None: the sample gives no region (invitations not counted per region)
    submitted: int
    quota: int | None = None  # None: no quota set for the region

    @property
    def reached(self) -> float | None:
        """The share of the quota reached (may pass 1), None without a quota."""
        return self.submitted / self.quota if self.quota else None


def region_rows(
    per_region: list[tuple[str, int]],
    invited_per_region: dict[str, int],
    label: dict[str, str],
    quotas: dict[str, int] | None = None,
) -> list[RegionBar]:
    """One row per region seen in the invitations, the quotas or the responses, the most invited (then
    answered) first."""
    submitted = dict(per_region)
    quotas = quotas or {}
    codes = set(submitted) | set(invited_per_region) | set(quotas)
    with_invitations = bool(invited_per_region)
    rows = [
        RegionBar(
            code,
            label.get(code, code),
            invited_per_region.get(code, 0) if with_invitations else None,
            submitted.get(code, 0),
            quotas.get(code),
        )
        for code in codes
    ]
    return sorted(rows, key=lambda r: (-(r.invited or 0), -r.submitted, r.label))


def completion_by_region(
    rows: list[RegionBar], title: str, invited_label: str, submitted_label: str, quota_label: str = "quota"
) -> Markup:
    """Per region a bar of invitations (when the sample names regions) over a bar of submitted responses."""
    if not rows:
        return Markup("")
    row_h, top = 42.0, 24.0
    height = top + row_h * len(rows) + 4
    peak = max(max(r.invited or 0, r.submitted, r.quota or 0) for r in rows) or 1
    room = WIDTH - 44.0  # the value is written after the longest bar
    parts = [
        f'<svg class="fieldwork-chart" data-chart="per-region" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    # The legend, on one line above the rows.
    x = 0.0
    for colour, name in ((INVITED, invited_label), (SUBMITTED, submitted_label)):
        if colour == INVITED and all(r.invited is None for r in rows):
            continue
        parts.append(f'<rect x="{x:.1f}" y="4" width="10" height="10" fill="{colour}"/>')
        parts.append(_text(x + 14, 13, name))
        x += 24 + len(name) * 6.2
    for i, row in enumerate(rows):
        y = top + i * row_h
        parts.append(_text(0, y + 10, row.label))
        bars = [("submitted", row.submitted, SUBMITTED, submitted_label)]
        if row.invited is not None:
            bars.insert(0, ("invited", row.invited, INVITED, invited_label))
        for j, (kind, value, colour, name) in enumerate(bars):
            by = y + 14 + j * 12
            w = room * value / peak
            parts.append(
                f'<rect x="0" y="{by:.1f}" width="{w:.1f}" height="10" fill="{colour}" '
                f'data-region="{escape(row.code)}" data-kind="{kind}" data-value="{value}">'
                f"<title>{escape(row.label)}: {value} {escape(name)}</title></rect>"
            )
            parts.append(_text(w + 4, by + 9, str(value), size=10))
        if row.quota:
            # The quota as a mark across the submitted bar: the bar reaching it means the quota is met.
            qx = room * row.quota / peak
            by = y + 14 + (len(bars) - 1) * 12
            parts.append(
                f'<line x1="{qx:.1f}" x2="{qx:.1f}" y1="{by - 2:.1f}" y2="{by + 12:.1f}" stroke="{INK}" '
                f'stroke-width="2" data-region="{escape(row.code)}" data-kind="quota" data-value="{row.quota}">'
                f"<title>{escape(row.label)}: {escape(quota_label)} {row.quota}</title></line>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  # every text and attribute value in it went through escape()
