"""The change status rule and change targets judged on the CI of the change (not on the point estimates)."""

from __future__ import annotations

import pytest

from analysis.change import change
from analysis.errors import DataError
from analysis.programme import Direction, Kind, Reading, Target
from analysis.status import (
    ChangeStatus,
    TargetStatus,
    change_contrast,
    change_status,
    change_target_status,
)
from tests.analysis.test_change import _design, _two_years


@pytest.mark.parametrize(("ci", "direction", "expected"), [
    ((0.1, 2.0), Direction.INCREASE, ChangeStatus.IMPROVED),
    ((0.1, 2.0), Direction.DECREASE, ChangeStatus.WORSE),
    ((-2.0, -0.1), Direction.INCREASE, ChangeStatus.WORSE),
    ((-2.0, -0.1), Direction.DECREASE, ChangeStatus.IMPROVED),
    ((-0.1, 2.0), Direction.INCREASE, ChangeStatus.NOT_DISTINGUISHABLE),
    ((0.0, 2.0), Direction.INCREASE, ChangeStatus.NOT_DISTINGUISHABLE),
])
def test_change_status(ci: tuple[float, float], direction: Direction, expected: ChangeStatus) -> None:
    assert change_status(ci, direction) is expected


def test_change_status_rejects_bad_intervals() -> None:
    with pytest.raises(DataError, match="lower bound above"):
        change_status((1.0, 0.0), Direction.INCREASE)
    with pytest.raises(DataError, match="finite"):
        change_status((float("nan"), 0.0), Direction.INCREASE)


def test_change_contrast_for_each_reading() -> None:
    relative = Target(2025, 5.0, Kind.CHANGE_VS_BASE, base_year=2023, reading=Reading.RELATIVE)
    points = Target(2025, -3.0, Kind.CHANGE_VS_BASE, base_year=2023, reading=Reading.POINTS)
    absolute = Target(2025, 1000.0, Kind.ABSOLUTE_CHANGE_VS_BASE, base_year=2023)
    assert change_contrast(relative) == (1.05, 0.0)
    assert change_contrast(points) == (1.0, -3.0)
    assert change_contrast(absolute) == (1.0, 1000.0)
    with pytest.raises(DataError, match="not a change target"):
        change_contrast(Target(2025, 5.0, Kind.LEVEL))


def test_change_target_counts_the_base_years_sampling_error() -> None:
    """A +5 % target on a change of about +0.6 % with an SE of about 0.5: the CI of after - 1.05 x before
    (both years' sampling error and their covariance) contains 0, so the target is not distinguishable."""
    first, second = _two_years()
    target = Target(2025, 5.0, Kind.CHANGE_VS_BASE, base_year=2023, reading=Reading.RELATIVE)
    scale, _ = change_contrast(target)
    d1, d2 = _design(first), _design(second)
    result = change(d1, d2, "mean", "y", scale=scale, panel="psu")
    judged = change_target_status(target, Direction.INCREASE, result.change, (result.ci_low, result.ci_high))
    assert result.change == pytest.approx(result.after - 1.05 * result.before)
    assert result.ci_low < 0 < result.ci_high
    assert judged is TargetStatus.NOT_DISTINGUISHABLE
    assert change_target_status(target, Direction.INCREASE, 2.0, (1.0, 3.0)) is TargetStatus.ACHIEVED
    assert change_target_status(target, Direction.INCREASE, -2.0, (-3.0, -1.0)) is TargetStatus.NOT_ACHIEVED
