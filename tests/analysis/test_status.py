"""Status against the target, trajectory (Open SDG progress measure) and disclosure control."""

from __future__ import annotations

import math

import pytest

from analysis.errors import AnalysisError, DataError
from analysis.programme import Direction, Kind, load_programme
from analysis.status import (
    Disclosure,
    DisclosureReason,
    DisclosureRule,
    Progress,
    ProgressThresholds,
    TargetStatus,
    disclosure,
    indicator_status,
    target_status,
    trajectory_status,
)

UP, DOWN = Direction.INCREASE, Direction.DECREASE
OK, NOT, NDIST = TargetStatus.ACHIEVED, TargetStatus.NOT_ACHIEVED, TargetStatus.NOT_DISTINGUISHABLE

STATUS_CASES = [
    # (estimate, CI, target, kind, direction) -> status
    (62.0, (60.1, 63.9), 59.0, Kind.LEVEL, UP, OK),  # A5 2024: whole CI above 59
    (57.0, (55.0, 58.9), 59.0, Kind.LEVEL, UP, NOT),  # whole CI below
    (59.5, (57.5, 61.5), 59.0, Kind.LEVEL, UP, NDIST),  # target inside the CI
    (60.0, (59.0, 61.0), 59.0, Kind.LEVEL, UP, OK),  # CI touching the target from the good side: achieved
    (58.0, (57.0, 59.0), 59.0, Kind.LEVEL, UP, NDIST),  # upper end exactly on the target: could be met
    (11.2, (10.9, 11.5), 11.8, Kind.LEVEL, DOWN, OK),  # A7: lower is better
    (12.1, (11.9, 12.3), 11.8, Kind.LEVEL, DOWN, NOT),
    (11.8, (11.5, 12.1), 11.8, Kind.LEVEL, DOWN, NDIST),
    (78.0, (77.0, 79.0), 77.0, Kind.AT_LEAST, UP, OK),  # A12 "кемінде 77": 77 itself counts
    (76.0, (75.0, 76.9), 77.0, Kind.AT_LEAST, UP, NOT),
    (84.0, (83.0, 85.0), 83.0, Kind.ABOVE, UP, NDIST),  # A14 "above 83": 83 itself does not count
    (85.0, (83.1, 86.9), 83.0, Kind.ABOVE, UP, OK),
    (82.0, (81.0, 83.0), 83.0, Kind.ABOVE, UP, NOT),  # every value in the CI is 83 or less
    (10.0, (9.0, 11.0), 11.0, Kind.AT_MOST, UP, OK),  # at_most ignores the direction
    (12.0, (11.5, 12.5), 11.0, Kind.AT_MOST, UP, NOT),
    (65.0, None, 65.0, Kind.RANK, DOWN, OK),  # A15: 65th place reached
    (66.0, None, 65.0, Kind.RANK, DOWN, NOT),
    (970.0, None, 970.0, Kind.CHANGE_VS_BASE, DOWN, OK),  # administrative, after absolute_target
    (971.0, None, 970.0, Kind.CHANGE_VS_BASE, DOWN, NOT),
    (1565.0, None, 1565.0, Kind.LEVEL, DOWN, OK),  # B1 2024, a count: compared directly, never "not dist."
    (52.1, None, 52.0, Kind.CHANGE_VS_BASE, UP, OK),
]


@pytest.mark.parametrize(
    ("estimate", "ci", "target", "kind", "direction", "expected"),
    STATUS_CASES,
    ids=[f"{e}{'' if c is None else list(c)}-{k.value}-{d.value}-{t}" for e, c, t, k, d, _ in STATUS_CASES],
)
def test_target_status(estimate, ci, target, kind, direction, expected) -> None:
    assert target_status(estimate, target, kind, direction, ci) is expected


@pytest.mark.parametrize(
    ("estimate", "ci", "message"),
    [(math.nan, None, "estimate must be a finite number"), (50.0, (60.0, 40.0), "lower bound above"),
     (50.0, (40.0, math.inf), "ci_high must be a finite number")],
)
def test_target_status_rejects_bad_numbers(estimate, ci, message) -> None:
    with pytest.raises(DataError, match=message):
        target_status(estimate, 50.0, Kind.LEVEL, UP, ci)


def test_indicator_status_turns_relative_targets_into_absolute_ones() -> None:
    ps = load_programme("public_safety_2024_2028")
    a2 = ps.indicator("A2")  # thefts per 100k, -3 % against 2022 in 2024
    result = indicator_status(a2, 2024, estimate=190.0, base_value=200.0)
    assert result.target == pytest.approx(194.0)
    assert result.status is OK
    a5 = ps.indicator("A5")
    assert indicator_status(a5, 2025, 61.0, ci=(59.5, 62.5)).status is NDIST
    a14 = ps.indicator("A14")
    assert indicator_status(a14, 2028, 86.0, ci=(84.0, 88.0)).status is OK
    with pytest.raises(AnalysisError, match="give the value of 2022"):
        indicator_status(a2, 2024, estimate=190.0)


# ---------------------------------------------------------------------------------------------- trajectory
def test_trajectory_ratio_and_bands() -> None:
    # Base 50 in 2024, target 60 in 2028: required growth (60/50)^(1/4) - 1 = 4.66 % a year.
    required = (60 / 50) ** 0.25 - 1
    on_track = trajectory_status({2024: 50.0, 2026: 55.0}, UP, target=60.0, target_year=2028)
    observed = (55 / 50) ** 0.5 - 1
    assert on_track.required_growth == pytest.approx(required)
    assert on_track.observed_growth == pytest.approx(observed)
    assert on_track.ratio == pytest.approx(observed / required)
    assert on_track.status is Progress.SUBSTANTIAL  # R = 1.04


@pytest.mark.parametrize(
    ("series", "direction", "target", "expected"),
    [
        ({2024: 50.0, 2025: 52.0}, UP, 60.0, Progress.MODERATE),  # R = 0.84
        ({2024: 50.0, 2025: 51.0}, UP, 60.0, Progress.LIMITED),  # R = 0.43
        ({2024: 50.0, 2025: 50.0}, UP, 60.0, Progress.LIMITED),  # R = 0
        ({2024: 50.0, 2025: 49.0}, UP, 60.0, Progress.DETERIORATION),
        ({2024: 50.0, 2026: 61.0}, UP, 60.0, Progress.TARGET_ACHIEVED),
        ({2024: 12.0, 2025: 11.5}, DOWN, 11.4, Progress.SUBSTANTIAL),  # A7-like, lower is better
        ({2024: 12.0, 2025: 12.3}, DOWN, 11.4, Progress.DETERIORATION),
        ({2024: 60.0, 2025: 58.0}, UP, 59.0, Progress.DETERIORATION),  # base met the target, then fell below
    ],
    ids=["moderate", "limited", "flat", "deterioration", "achieved", "down-substantial", "down-worse",
         "fell-below"],
)
def test_trajectory_status(series, direction, target, expected) -> None:
    assert trajectory_status(series, direction, target=target, target_year=2028).status is expected


def test_trajectory_thresholds_are_configurable() -> None:
    series = {2024: 50.0, 2025: 52.0}  # R = 0.84: moderate by default
    strict = ProgressThresholds(substantial=0.8, moderate=0.5)
    assert trajectory_status(series, UP, 60.0, 2028, thresholds=strict).status is Progress.SUBSTANTIAL


@pytest.mark.parametrize(
    ("series", "expected"),
    [({2020: 100.0, 2022: 104.0}, Progress.SUBSTANTIAL), ({2020: 100.0, 2022: 102.0}, Progress.MODERATE),
     ({2020: 100.0, 2022: 100.5}, Progress.LIMITED), ({2020: 100.0, 2022: 99.0}, Progress.DETERIORATION)],
)
def test_trajectory_without_a_target_uses_growth_thresholds(series, expected) -> None:
    assert trajectory_status(series, UP).status is expected


@pytest.mark.parametrize(
    ("series", "target_year", "message"),
    [({2024: 50.0}, 2028, "two or more years"), ({2024: 0.0, 2025: 1.0}, 2028, "positive values"),
     ({2024: 50.0, 2025: 51.0}, 2024, "must come after")],
)
def test_trajectory_bad_input(series, target_year, message) -> None:
    with pytest.raises(DataError, match=message):
        trajectory_status(series, UP, target=60.0, target_year=target_year)


def test_trajectory_respects_strict_kinds() -> None:
    # A14: "above 83"; reaching exactly 83 is not achieved yet.
    result = trajectory_status({2024: 75.0, 2026: 83.0}, UP, target=83.0, target_year=2028, kind=Kind.ABOVE)
    assert result.status is not Progress.TARGET_ACHIEVED


# ---------------------------------------------------------------------------------------------- disclosure
@pytest.mark.parametrize(
    ("n", "ci", "rule", "action", "reasons"),
    [
        (120, (55.0, 65.0), DisclosureRule(), Disclosure.SHOW, ()),
        (29, (55.0, 65.0), DisclosureRule(), Disclosure.SUPPRESS, (DisclosureReason.SMALL_N,)),
        (30, (55.0, 65.0), DisclosureRule(), Disclosure.SHOW, ()),
        (200, (40.0, 70.0), DisclosureRule(), Disclosure.FLAG, (DisclosureReason.WIDE_CI,)),
        (10, (40.0, 70.0), DisclosureRule(), Disclosure.SUPPRESS, (DisclosureReason.SMALL_N, DisclosureReason.WIDE_CI)),
        (200, (math.nan, math.nan), DisclosureRule(), Disclosure.FLAG, (DisclosureReason.NO_CI,)),
        (200, (40.0, 70.0), DisclosureRule(max_ci_width=None), Disclosure.SHOW, ()),
        (200, (40.0, 70.0), DisclosureRule(wide_ci_action=Disclosure.SUPPRESS), Disclosure.SUPPRESS,
         (DisclosureReason.WIDE_CI,)),
        (45, None, DisclosureRule(min_n=50), Disclosure.SUPPRESS, (DisclosureReason.SMALL_N,)),
        (45, None, DisclosureRule(min_n=50, small_n_action=Disclosure.FLAG), Disclosure.FLAG,
         (DisclosureReason.SMALL_N,)),
    ],
    ids=["fine", "n29", "n30", "wide", "small-and-wide", "no-ci", "ci-check-off", "wide-suppressed", "min-n-50",
         "small-flagged"],
)
def test_disclosure(n, ci, rule, action, reasons) -> None:
    decision = disclosure(n, ci, rule)
    assert decision.action is action
    assert decision.reasons == reasons
    assert decision.shown is (action is not Disclosure.SUPPRESS)
    assert bool(decision.message) is bool(reasons)


def test_disclosure_message_names_the_numbers() -> None:
    decision = disclosure(12, (30.0, 62.0))
    assert decision.message == "12 respondents, fewer than 30; confidence interval 32 wide, more than 20"


def test_disclosure_bad_input() -> None:
    with pytest.raises(DataError):
        disclosure(-1)
    with pytest.raises(DataError):
        DisclosureRule(max_ci_width=0)
