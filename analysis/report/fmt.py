"""How numbers, intervals, targets and statuses are written, the same way in the PDF, the XLSX and the HTML.

Kazakh and Russian write a decimal comma and group thousands with a (no-break) space; English uses a point
and a comma. Negative numbers take a real minus sign (U+2212), as printed statistics do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

from analysis.programme import Kind, Reading, Source, Unit
from analysis.report.data import (
    ACHIEVED,
    NO_DATA,
    NO_TARGET,
    NOT_ACHIEVED,
    NOT_DISTINGUISHABLE,
    SMALL_N,
    IndicatorReport,
    TargetInfo,
    Value,
    pick,
)
from analysis.report.texts import has, tr

# Languages that write 12,5 % (decimal comma, a space before the sign) and group thousands with a space.
DECIMAL_COMMA = ("kk", "ru")

NBSP = "\u00a0"
MINUS = "\u2212"
DASH = "–"  # en dash: ranges, and "nothing to show" in a cell

# Decimals printed per unit; the XLSX keeps the full stored value and only formats it this way.
DECIMALS: dict[Unit, int] = {
    Unit.PERCENT: 1,
    Unit.POINTS: 1,
    Unit.PER_100K: 1,
    Unit.PER_10K: 1,
    Unit.COUNT: 0,
    Unit.RANK: 0,
}


@dataclass(frozen=True, slots=True)
class StatusStyle:
    """Colour (Okabe-Ito, safe for the common colour-vision deficiencies) and a symbol, so status never rests on
    colour alone (grey-scale prints, colour-blind readers)."""

    color: str
    symbol: str
    text_color: str  # for text on the colour
    tint: str  # a light version for table cells with dark text


STATUS_STYLES: dict[str, StatusStyle] = {
    ACHIEVED: StatusStyle("#009E73", "✔", "#FFFFFF", "#C7EAE0"),
    NOT_ACHIEVED: StatusStyle("#D55E00", "✘", "#FFFFFF", "#F7D2BC"),
    NOT_DISTINGUISHABLE: StatusStyle("#E69F00", "≈", "#000000", "#FBE5B5"),
    # Measured, but nothing to compare with this year: sky blue (Okabe-Ito), the open diamond of a target.
    NO_TARGET: StatusStyle("#56B4E9", "◇", "#000000", "#D5ECF9"),
    NO_DATA: StatusStyle("#8C8C8C", "○", "#FFFFFF", "#E3E3E3"),
}

# Neutral chart colours: regions are not coloured by status on purpose (survey results are a diagnostic, not
# a ranking of winners and losers).
ESTIMATE_COLOR = "#0072B2"
TARGET_COLOR = "#222222"
NATIONAL_COLOR = "#7F7F7F"
SYNTHETIC_COLOR = "#B2182B"
RULE_COLOR = "#BBBBBB"
HEADER_FILL = "#E8EEF4"


def decimals(unit: Unit, value: float | None = None) -> int:
    places = DECIMALS.get(unit, 1)
    if places == 0 and value is not None and not float(value).is_integer():
        return 1  # a mean count or a fractional rank keeps one decimal rather than being rounded away
    return places


def number(value: float | None, language: str, places: int = 1, *, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    text = f"{abs(value):,.{places}f}"
    if language in DECIMAL_COMMA:
        text = text.replace(",", NBSP).replace(".", ",")
    if value < 0 and text.strip("0,." + NBSP):
        text = MINUS + text
    elif signed and value > 0:
        text = "+" + text
    return text


def integer(value: float | None, language: str) -> str:
    return number(None if value is None else round(value), language, 0)


def value_text(value: float | None, unit: Unit, language: str, *, with_unit: bool = True) -> str:
    """A value as printed in a table or a headline: "59,3 %" for a share, "11,8" for a rate."""
    text = number(value, language, decimals(unit, value))
    if with_unit and unit is Unit.PERCENT and value is not None:
        text += NBSP + "%" if language in DECIMAL_COMMA else "%"
    return text


def ci_text(value: Value, unit: Unit, language: str) -> str:
    if not value.has_ci:
        return DASH
    places = decimals(unit, value.estimate)
    low, high = number(value.ci_low, language, places), number(value.ci_high, language, places)
    separator = " … " if (value.ci_low or 0) < 0 or (value.ci_high or 0) < 0 else DASH
    return f"{low}{separator}{high}"


def moe_places(unit: Unit) -> int:
    """Decimals of a margin of error, the same in the PDF, the workbook and the HTML: the unit's, and at least
    one. A half-width is rarely a whole number even for a count, so it is treated like any fractional figure of
    its unit (a mean count keeps one decimal too, see :func:`decimals`)."""
    return max(1, DECIMALS.get(unit, 1))


def unit_text(unit: Unit, language: str) -> str:
    return tr(f"unit.{unit.value}", language)


def source_text(source: Source, language: str) -> str:
    return tr(f"source.{source.value}", language)


def status_text(status: str, language: str) -> str:
    key = f"status.{status}"
    return tr(key, language) if has(key) else status


def status_label(status: str, language: str) -> str:
    """Symbol and name together, for places where colour may be lost."""
    return f"{STATUS_STYLES[status].symbol} {status_text(status, language)}"


def trajectory_text(trajectory: str | None, language: str) -> str:
    if not trajectory:
        return ""
    key = f"trajectory.{trajectory}"
    return tr(key, language) if has(key) else trajectory


def suppression_reason(reason: str, language: str, min_n: int) -> str:
    if reason == SMALL_N:
        return tr("suppressed.small_n", language, min_n=min_n)
    key = f"suppressed.{reason}"  # disclosure, wide_ci, no_ci
    return tr(key, language) if has(key) else reason


def target_text(target: TargetInfo | None, unit: Unit, language: str) -> str:
    """The year's target as the programme words it ("не менее 77,0 %", "−3,0 % к 2022 году")."""
    if target is None:
        return tr("target.none", language)
    if target.text:
        return target.text
    kind = target.kind
    if kind in (Kind.CHANGE_VS_BASE, Kind.CHANGE_VS_PREVIOUS):
        printed = number(target.printed_value, language, 1, signed=True)
        if target.reading is Reading.POINTS:
            printed += " " + tr("target.points_suffix", language)
        else:
            printed += (NBSP + "%") if language in DECIMAL_COMMA else "%"
    elif kind is Kind.ABSOLUTE_CHANGE_VS_BASE:
        printed = number(target.printed_value, language, decimals(unit, target.printed_value), signed=True)
    elif kind is Kind.RANK:
        printed = integer(target.printed_value, language)
    else:
        printed = value_text(target.printed_value, unit, language)
    key = f"target.{kind.value}"
    if target.base_year is None and kind in (Kind.CHANGE_VS_BASE, Kind.ABSOLUTE_CHANGE_VS_BASE):
        key = "target.change_vs_unnamed_base"  # the document names no base year: never print "vs None"
    return tr(key, language, value=printed, base_year=target.base_year)


def target_value_text(target: TargetInfo | None, unit: Unit, language: str) -> str:
    """The comparable target value where it differs from the printed wording (change targets), else ''."""
    if target is None or target.kind not in (Kind.CHANGE_VS_BASE, Kind.CHANGE_VS_PREVIOUS,
                                              Kind.ABSOLUTE_CHANGE_VS_BASE):
        return ""
    if target.value is None:
        return tr("target.base_unknown", language)
    return tr("target.equals", language, value=value_text(target.value, unit, language))


def full_target_text(indicator: IndicatorReport, language: str, year: int, *, short: bool = False) -> str:
    """The target of ``year`` as worded, or, without one, "no target for 2024 (final target, 2028: ...)"
    (``short``: "none; final (2028): ...", for a narrow table column)."""
    target = indicator.year_target(year)
    if target is None:
        later = indicator.later_target(year)
        if later is None:
            return tr("target.none", language)
        key = "target.none_final_short" if short else "target.none_final"
        return tr(key, language, year=year, final_year=later.year, value=_worded(later, indicator, language))
    return _worded(target, indicator, language)


def _worded(target: TargetInfo, indicator: IndicatorReport, language: str) -> str:
    printed = target_text(target, indicator.unit, language)
    extra = target_value_text(target, indicator.unit, language)
    return f"{printed} ({extra})" if extra else printed


def progress_text(indicator: IndicatorReport, language: str, year: int) -> str:
    """How far the year's value is from the final target, for a year without its own target ('' otherwise).

    A plain difference of two printed figures, not a status: the status stays "no target this year".
    """
    later = indicator.later_target(year)
    value = indicator.national.estimate
    if later is None or later.value is None or value is None:
        return ""
    gap = later.value - value
    good = gap <= 0 if indicator.direction.value == "increase" else gap >= 0
    if good:
        return tr("progress.reached", language, final_year=later.year)
    places = decimals(indicator.unit, gap)
    printed = number(abs(gap), language, places)
    if indicator.unit is Unit.PERCENT:  # a difference of two shares is in percentage points
        printed += NBSP + tr("target.points_suffix", language).replace(" ", NBSP)
    return tr("progress.gap", language, final_year=later.year, gap=printed)


def date_text(value: date | datetime | None, language: str) -> str:
    if value is None:
        return DASH
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat() if language == "en" else value.strftime("%d.%m.%Y")


def level_text(level: float, language: str) -> str:
    """95 for 0.95, 99,5 for 0.995."""
    percent = level * 100
    return number(percent, language, 0 if float(round(percent, 6)).is_integer() else 1)


def indicator_name(indicator: IndicatorReport, language: str) -> str:
    return pick(indicator.name, language)


def breakdown_title(name: str, language: str) -> str:
    key = f"breakdown.{name}"
    return tr(key, language) if has(key) else name
