"""Group comparisons on an indicator page: the difference of two groups with its CI and a status word."""

from __future__ import annotations

import dataclasses

import pytest

from analysis.report import GroupComparison
from analysis.report.outline.indicator import indicator_page
from tests.analysis.report_fixture import report


@pytest.mark.parametrize(("low", "high", "status"), [(0.4, 6.0, "higher"), (-6.0, -0.4, "lower"),
                                                     (-1.0, 2.0, "not_distinguishable"),
                                                     (0.0, 2.0, "not_distinguishable")])
def test_status_is_read_from_the_interval(low: float, high: float, status: str) -> None:
    assert GroupComparison("a", "b", (low + high) / 2, low, high).status == status


@pytest.mark.parametrize(("language", "expected"), [
    ("ru", "Разность между группами «женщины» и «мужчины»: +3,2 (95 % доверительный интервал +0,4…+6,0) – "
           "значимо выше."),
    ("kk", "әйелдер мен ерлер арасындағы айырма: +3,2 (95 % сенімділік аралығы +0,4…+6,0) – айтарлықтай жоғары."),
])
def test_the_page_notes_print_the_comparison(language: str, expected: str) -> None:
    base = report(language)
    first, second = ("женщины", "мужчины") if language == "ru" else ("әйелдер", "ерлер")
    ind = dataclasses.replace(base.indicators[0], comparisons=(GroupComparison(first, second, 3.2, 0.4, 6.0),))
    page = indicator_page(base, ind)
    normalised = [n.replace("\u00a0", " ").replace("\u202f", " ") for n in page.notes]
    assert expected in normalised, page.notes
