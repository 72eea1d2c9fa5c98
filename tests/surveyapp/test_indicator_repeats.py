"""An indicator counted over a roster's instances: the weighted share of households with a member who was a
victim, read from stored responses and checked against a value computed by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from flask import Flask

from analysis.definition import ItemInfo, catalogue_from_version, parse_definition, validate_definition
from analysis.design import Design
from analysis.errors import ProgrammeError
from analysis.survey_indicator import estimate, respondent_values
from surveyapp.services.survey_frames import version_frame
from surveyapp.services.versions import domain_of, published
from tests.surveyapp.test_export_repeats import add_responses, publish_household

DEFINITION = {
    "population": "adults",
    "statistic": "proportion",
    "rule": "share of households with at least one member who was a victim",
    "measures": [
        {
            "instrument": "household",
            "versions": ["2025"],
            "over": {"repeat": "members", "match": "any"},
            "components": [{"item": "member_victim", "numerator": ["yes"]}],
        }
    ],
}
NO, YES = {"member_victim": "no"}, {"member_victim": "yes"}
HOUSEHOLDS = [
    # weight 1: one victim among two members -> counts
    ({"household_size": 2, "members": [{"member_age": 40, **NO}, {"member_age": 30, **YES}]}, 1.0),
    # weight 2: nobody a victim -> 0
    ({"household_size": 1, "members": [{"member_age": 50, **NO}]}, 2.0),
    # weight 3: only a child, never asked -> outside the base
    ({"household_size": 1, "members": [{"member_age": 8}]}, 3.0),
    # weight 4: both victims -> counts for any, and for all
    ({"household_size": 2, "members": [{"member_age": 20, **YES}, {"member_age": 22, **YES}]}, 4.0),
]


def _frame(app: Flask, tmp_path: Path) -> tuple[pd.DataFrame, dict[str, ItemInfo]]:
    publish_household(app, tmp_path)
    add_responses(app, [h for h, _ in HOUSEHOLDS], [{"base_weight": w} for _, w in HOUSEHOLDS])
    with app.app_context():
        version = published("household", "2025")
        assert version is not None
        catalogue = catalogue_from_version(domain_of(version))
        start, end = datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
        frame = version_frame(version, ["member_victim"], catalogue, start, end)
    return frame, catalogue


@pytest.mark.parametrize("match", ["any", "all"])
def test_share_of_households_with_a_victim(app: Flask, tmp_path: Path, match: str) -> None:
    frame, catalogue = _frame(app, tmp_path)
    assert list(frame["member_victim"]) == [["no", "yes"], ["no"], [None], ["yes", "yes"]]
    data = dict(DEFINITION)
    data["measures"] = [dict(DEFINITION["measures"][0], over={"repeat": "members", "match": match})]
    definition = parse_definition(data, "test")
    assert validate_definition(definition, "household", "2025", catalogue) == []
    values = respondent_values(definition, definition.measures[0], frame, catalogue)
    expected = [1.0, 0.0, np.nan, 1.0] if match == "any" else [0.0, 0.0, np.nan, 1.0]
    np.testing.assert_array_equal(values.value, expected)
    design = Design.from_frame(frame, weights="base_weight")
    [result] = estimate(definition, design, values)
    # By hand: any -> (1 + 4) / (1 + 2 + 4) = 71.43 %; all -> 4 / 7 = 57.14 % (the child-only household is out).
    assert result.estimate == pytest.approx(100 * (5 / 7 if match == "any" else 4 / 7))


def test_a_repeated_item_needs_over_and_over_needs_a_proportion(app: Flask, tmp_path: Path) -> None:
    _, catalogue = _frame(app, tmp_path)
    data = dict(DEFINITION)
    data["measures"] = [{k: v for k, v in DEFINITION["measures"][0].items() if k != "over"}]
    [problem] = validate_definition(parse_definition(data, "test"), "household", "2025", catalogue)
    assert "asked once per instance of repeat 'members'" in problem and "over: {repeat: members" in problem
    with pytest.raises(ProgrammeError, match="over a repeat belongs to a proportion only"):
        score = dict(
            DEFINITION["measures"][0],
            components=[{"item": "member_victim", "points": {"yes": 1, "no": 0}}],
            max_points=1,
            min_valid=1,
        )
        parse_definition(dict(DEFINITION, statistic="score_mean", measures=[score]), "test")
    with pytest.raises(ProgrammeError, match="expected any or all"):
        parse_definition(
            dict(DEFINITION, measures=[dict(DEFINITION["measures"][0], over={"repeat": "members", "match": "some"})]),
            "test",
        )
