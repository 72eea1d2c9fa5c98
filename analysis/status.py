"""Where an indicator stands against its target: yearly status, trajectory toward the final target, and the
disclosure decision for a breakdown cell. Pure functions over numbers; rules in analysis/programmes/README.md.

Yearly status: *achieved* when the whole confidence interval is on the good side of the target,
*not achieved* when the whole interval is on the bad side, *not distinguishable* when the target lies inside
it. An administrative figure has no sampling error: pass no CI and it is compared directly (its "interval" is
the point itself, so it is never "not distinguishable").

Change: a year-on-year (or base-to-latest) change is *significantly improved* when the whole confidence
interval of the change (from :func:`analysis.change.change`, which accounts for both years' sampling error
and, for a panel of PSUs, their covariance) lies on the indicator's good side of zero, *significantly worse*
when it lies wholly on the bad side, *not distinguishable* when it contains zero. A change target is judged
the same way on the contrast ``value - scale x base - offset`` (:func:`change_contrast`), so the base year's
sampling error counts too, where :func:`indicator_status` treats the base value as exact.

Trajectory: the progress measure of Statistics Canada adopted by Open SDG (open-sdg/open-sdg,
docs/progress-methodology.md, "Indicators with quantitative targets"): the ratio of the observed compound
annual growth rate to the one required to reach the target on time, cut at 95 % and 60 %; without a
quantitative target, the observed growth rate itself, cut at 1.5 % and 0.5 % a year. Open SDG's scaling of
the thresholds near natural limits (the factor C) is not applied.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from analysis.errors import DataError
from analysis.programme import CHANGE_KINDS, Direction, Indicator, Kind, Reading, Target, absolute_target


class TargetStatus(StrEnum):
    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not_achieved"
    NOT_DISTINGUISHABLE = "not_distinguishable"


class Unassessed(StrEnum):
    """Why a year's result has no :class:`TargetStatus`: what is missing to compare the value with a target.

    Stored beside the TargetStatus values in the same column; a report shows a measured NO_TARGET as "no target
    this year" (with the final target) and the others as "no data"."""

    NO_DATA = "no_data"  # no value for the year: not measured, no usable responses, nothing imported
    NO_TARGET = "no_target"  # a value, but the programme sets no target for this year
    NO_BASE = "no_base"  # a change target whose base-year value is not imported
    NO_STATUS = "no_status"  # the comparison itself failed; the result's note says why


class Progress(StrEnum):
    TARGET_ACHIEVED = "target_achieved"
    SUBSTANTIAL = "substantial_progress"
    MODERATE = "moderate_progress"
    LIMITED = "limited_progress"
    DETERIORATION = "deterioration"


class Disclosure(StrEnum):
    SHOW = "show"
    FLAG = "flag"  # shown with a warning mark and the reason, never as a bare number
    SUPPRESS = "suppress"  # not shown


class DisclosureReason(StrEnum):
    SMALL_N = "small_n"
    WIDE_CI = "wide_ci"
    NO_CI = "no_ci"


# ---------------------------------------------------------------------------------------------- yearly status
def _meets(kind: Kind, direction: Direction) -> tuple[str, bool]:
    """(side, strict): the good side of the target as '>=' / '<=' and whether equality fails (``above``)."""
    if kind is Kind.AT_LEAST:
        return ">=", False
    if kind is Kind.ABOVE:
        return ">=", True
    if kind in (Kind.AT_MOST, Kind.RANK):  # a rank "up to 65th place" is met by 65 or any better (smaller) place
        return "<=", False
    # level and the change kinds (after absolute_target): the indicator's direction decides, and reaching the
    # target exactly counts as reaching it.
    return (">=" if direction is Direction.INCREASE else "<="), False


def meets_target(value: float, target: float, kind: Kind, direction: Direction) -> bool:
    side, strict = _meets(kind, direction)
    if side == ">=":
        return value > target if strict else value >= target
    return value < target if strict else value <= target


def target_status(
    estimate: float,
    target: float,
    kind: Kind,
    direction: Direction,
    ci: tuple[float, float] | None = None,
) -> TargetStatus:
    """Status of one estimate against an *absolute* target (use :func:`absolute_target` for change kinds).

    ``ci=None`` means an administrative figure without sampling error: the estimate is compared directly.
    """
    _finite(estimate, "estimate")
    _finite(target, "target")
    low, high = (estimate, estimate) if ci is None else ci
    _finite(low, "ci_low")
    _finite(high, "ci_high")
    if low > high:
        raise DataError(f"confidence interval ({low}, {high}) has its lower bound above the upper bound")
    # The set of good values is an interval, so the CI is wholly good when both ends are, wholly bad when both
    # ends are bad and the target is not between them (both ends bad on the same side).
    low_ok, high_ok = meets_target(low, target, kind, direction), meets_target(high, target, kind, direction)
    if low_ok and high_ok:
        return TargetStatus.ACHIEVED
    if not low_ok and not high_ok:
        return TargetStatus.NOT_ACHIEVED
    return TargetStatus.NOT_DISTINGUISHABLE


@dataclass(frozen=True, slots=True)
class YearStatus:
    code: str
    year: int
    estimate: float
    ci: tuple[float, float] | None
    target: float  # absolute
    kind: Kind
    status: TargetStatus


def indicator_status(
    indicator: Indicator,
    year: int,
    estimate: float,
    ci: tuple[float, float] | None = None,
    base_value: float | None = None,
) -> YearStatus:
    """Status for one indicator and year; ``base_value`` is needed for change targets (see absolute_target)."""
    target = indicator.target(year)
    absolute = absolute_target(target, base_value)
    status = target_status(estimate, absolute, target.kind, indicator.direction, ci)
    return YearStatus(indicator.code, year, estimate, ci, absolute, target.kind, status)


# ---------------------------------------------------------------------------------------------- change
class ChangeStatus(StrEnum):
    IMPROVED = "significantly_improved"
    NOT_DISTINGUISHABLE = "not_distinguishable"
    WORSE = "significantly_worse"


def change_status(ci: tuple[float, float], direction: Direction) -> ChangeStatus:
    """Whether a change (later minus earlier) is a significant improvement, a significant worsening or
    neither, from its confidence interval. An interval ending exactly at zero is not distinguishable."""
    low, high = ci
    _finite(low, "ci_low")
    _finite(high, "ci_high")
    if low > high:
        raise DataError(f"confidence interval ({low}, {high}) has its lower bound above the upper bound")
    if low > 0:
        return ChangeStatus.IMPROVED if direction is Direction.INCREASE else ChangeStatus.WORSE
    if high < 0:
        return ChangeStatus.WORSE if direction is Direction.INCREASE else ChangeStatus.IMPROVED
    return ChangeStatus.NOT_DISTINGUISHABLE


def change_contrast(target: Target) -> tuple[float, float]:
    """(scale, offset) such that a change target is met when ``value - scale * base - offset`` is on the good
    side of 0: relative "+v %" gives (1 + v/100, 0), points and absolute changes give (1, v). Pass ``scale``
    to :func:`analysis.change.change` to get that contrast's interval."""
    if target.kind not in CHANGE_KINDS:
        raise DataError(f"{target.kind.value} is not a change target")
    if target.kind is Kind.ABSOLUTE_CHANGE_VS_BASE or target.reading is Reading.POINTS:
        return 1.0, target.value
    return 1.0 + target.value / 100.0, 0.0


def change_target_status(
    target: Target, direction: Direction, contrast: float, ci: tuple[float, float]
) -> TargetStatus:
    """Status of a change target from the estimate and CI of ``value - scale * base`` (scale from
    :func:`change_contrast`): achieved when the whole CI clears the offset on the good side."""
    _, offset = change_contrast(target)
    low, high = ci
    return target_status(contrast - offset, 0.0, target.kind, direction, (low - offset, high - offset))


# ---------------------------------------------------------------------------------------------- trajectory
@dataclass(frozen=True, slots=True)
class ProgressThresholds:
    """Cut points of the progress measure; defaults are Open SDG's / Statistics Canada's (module docstring)."""

    substantial: float = 0.95  # ratio of observed to required growth: R >= 0.95 substantial (Open SDG "on track")
    moderate: float = 0.60  # 0.60 <= R < 0.95 moderate ("progress made but acceleration needed"); 0 <= R limited
    growth_substantial: float = 0.015  # without a target: observed growth >= 1.5 % a year
    growth_moderate: float = 0.005  # without a target: 0.5 % <= growth < 1.5 %

    def __post_init__(self) -> None:
        if not 0 <= self.moderate <= self.substantial or not 0 <= self.growth_moderate <= self.growth_substantial:
            raise DataError("progress thresholds must satisfy 0 <= moderate <= substantial")


DEFAULT_THRESHOLDS = ProgressThresholds()


@dataclass(frozen=True, slots=True)
class Trajectory:
    status: Progress
    base_year: int
    latest_year: int
    observed_growth: float  # compound annual growth rate between base and latest year, as a fraction
    required_growth: float | None  # the rate that reaches the target on time; None without a target
    ratio: float | None  # direction-signed observed / |required|; None when it cannot be formed


def cagr(first: float, last: float, years: float) -> float:
    """Compound annual growth rate: (last / first) ** (1 / years) - 1."""
    return (last / first) ** (1.0 / years) - 1.0


def trajectory_status(
    observed: Mapping[int, float],
    direction: Direction,
    target: float | None = None,
    target_year: int | None = None,
    kind: Kind = Kind.LEVEL,
    thresholds: ProgressThresholds = DEFAULT_THRESHOLDS,
) -> Trajectory:
    """Progress from the earliest to the latest observed year toward ``target`` (absolute) in ``target_year``.

    Needs two or more years and positive values (growth rates are ratios). Uses point estimates: a survey
    series whose changes are within sampling error can still show progress, so read it with the yearly statuses.
    """
    if len(observed) < 2:
        raise DataError(f"a trajectory needs two or more years, got {len(observed)}")
    for year, value in observed.items():
        _finite(value, f"value for {year}")
        if value <= 0:
            raise DataError(f"value for {year} is {value}: growth rates need positive values")
    base_year, latest_year = min(observed), max(observed)
    first, last = observed[base_year], observed[latest_year]
    sign = 1.0 if direction is Direction.INCREASE else -1.0
    growth = cagr(first, last, latest_year - base_year)

    if target is None:
        signed = sign * growth
        status = _band(signed, thresholds.growth_substantial, thresholds.growth_moderate)
        return Trajectory(status, base_year, latest_year, growth, None, None)

    _finite(target, "target")
    if target <= 0:
        raise DataError(f"target {target} must be positive for a growth rate")
    if target_year is None or target_year <= base_year:
        raise DataError(f"target year {target_year} must come after the first observed year {base_year}")
    if meets_target(last, target, kind, direction):
        required = cagr(first, target, target_year - base_year)
        return Trajectory(Progress.TARGET_ACHIEVED, base_year, latest_year, growth, required, None)
    required = cagr(first, target, target_year - base_year)
    if required == 0:
        # Base value equal to the target, latest value not meeting it: no rate to compare with.
        status = Progress.DETERIORATION if sign * growth < 0 else Progress.LIMITED
        return Trajectory(status, base_year, latest_year, growth, required, None)
    # |required| keeps the sign of the observed growth meaningful when the base already met the target
    # (required growth then points the "wrong" way); this is the "d" term of the Open SDG formula.
    ratio = sign * growth / abs(required)
    return Trajectory(_band(ratio, thresholds.substantial, thresholds.moderate), base_year, latest_year,
                      growth, required, ratio)


def _band(x: float, substantial: float, moderate: float) -> Progress:
    if x >= substantial:
        return Progress.SUBSTANTIAL
    if x >= moderate:
        return Progress.MODERATE
    if x >= 0:
        return Progress.LIMITED
    return Progress.DETERIORATION


# ---------------------------------------------------------------------------------------------- disclosure
@dataclass(frozen=True, slots=True)
class DisclosureRule:
    """When a breakdown cell may be shown. ``max_ci_width`` is in the indicator's unit (percentage points for
    a share); None switches the CI check off. The defaults are this platform's: 30 respondents (fewer give
    a share's CI too wide to read) and
    20 points (a CI of +-10 points says little about a share)."""

    min_n: int = 30
    max_ci_width: float | None = 20.0
    small_n_action: Disclosure = Disclosure.SUPPRESS
    wide_ci_action: Disclosure = Disclosure.FLAG

    def __post_init__(self) -> None:
        if self.min_n < 0 or (self.max_ci_width is not None and not self.max_ci_width > 0):
            raise DataError("disclosure rule: min_n must be >= 0 and max_ci_width positive")


DEFAULT_DISCLOSURE = DisclosureRule()
_SEVERITY = {Disclosure.SHOW: 0, Disclosure.FLAG: 1, Disclosure.SUPPRESS: 2}


@dataclass(frozen=True, slots=True)
class DisclosureDecision:
    action: Disclosure
    reasons: tuple[DisclosureReason, ...]
    message: str  # for the footnote; empty when shown plainly

    @property
    def shown(self) -> bool:
        return self.action is not Disclosure.SUPPRESS


def disclosure(n: int, ci: tuple[float, float] | None = None, rule: DisclosureRule = DEFAULT_DISCLOSURE
               ) -> DisclosureDecision:
    """Decide whether a cell with ``n`` respondents and this CI is shown, flagged or suppressed.

    Every rule that applies is reported; the strictest action wins. A CI that could not be computed (NaN) is
    treated like a too-wide one. Pass ``ci=None`` for figures without sampling error.
    """
    if n < 0:
        raise DataError(f"respondent count must not be negative, got {n}")
    reasons: list[DisclosureReason] = []
    messages: list[str] = []
    action = Disclosure.SHOW
    if n < rule.min_n:
        reasons.append(DisclosureReason.SMALL_N)
        messages.append(f"{n} respondents, fewer than {rule.min_n}")
        action = _stricter(action, rule.small_n_action)
    if ci is not None and rule.max_ci_width is not None:
        low, high = ci
        if not (math.isfinite(low) and math.isfinite(high)):
            reasons.append(DisclosureReason.NO_CI)
            messages.append("no confidence interval could be computed")
            action = _stricter(action, rule.wide_ci_action)
        elif high - low > rule.max_ci_width:
            reasons.append(DisclosureReason.WIDE_CI)
            messages.append(f"confidence interval {high - low:.3g} wide, more than {rule.max_ci_width:g}")
            action = _stricter(action, rule.wide_ci_action)
    return DisclosureDecision(action, tuple(reasons), "; ".join(messages))


def _stricter(a: Disclosure, b: Disclosure) -> Disclosure:
    return a if _SEVERITY[a] >= _SEVERITY[b] else b


def _finite(value: float, what: str) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise DataError(f"{what} must be a finite number, got {value!r}")
