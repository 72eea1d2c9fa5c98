"""Survey indicators from answers: respondent values under a definition, and the mean of several shares."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import Design, proportion, read_margins
from analysis.composite import mean_of_shares
from analysis.definition import ItemInfo, parse_definition
from analysis.survey_indicator import estimate, respondent_values

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def design() -> Design:
    data = pd.read_csv(GOLDEN / "synthetic.csv")
    rng = np.random.default_rng(5)
    codes = np.array(["very_safe", "rather_safe", "rather_unsafe", "very_unsafe", "dont_know"])
    data["m.a"] = rng.choice(codes, size=len(data), p=[0.3, 0.3, 0.2, 0.15, 0.05])
    data["m.b"] = rng.choice(codes, size=len(data), p=[0.2, 0.3, 0.3, 0.1, 0.1])
    data.loc[rng.random(len(data)) < 0.05, "m.b"] = None  # item nonresponse
    base = Design.from_frame(data, weights="w0", strata="stratum", cluster="psu")
    return base.rake(read_margins(GOLDEN / "synthetic_margins.csv"))


CATALOGUE = {
    "m.a": ItemInfo(
        "matrix_row", ("very_safe", "rather_safe", "rather_unsafe", "very_unsafe", "dont_know"), ("dont_know",)
    ),
    "m.b": ItemInfo(
        "matrix_row", ("very_safe", "rather_safe", "rather_unsafe", "very_unsafe", "dont_know"), ("dont_know",)
    ),
    "q": ItemInfo("single_choice", ("yes", "no"), ()),
}


def definition(statistic: str, components: list[dict[str, object]], **measure: object) -> object:
    return parse_definition(
        {
            "population": "adults",
            "statistic": statistic,
            "rule": "test",
            "measures": [{"instrument": "x", "versions": ["1"], "components": components, **measure}],
        },
        "test",
    )


def test_proportion_matches_the_estimator_on_valid_answers(design: Design) -> None:
    rule = definition("proportion", [{"item": "m.a", "numerator": ["very_safe", "rather_safe"]}])
    values = respondent_values(rule, rule.measures[0], design.data, CATALOGUE)
    assert np.isnan(values.value[design.data["m.a"].to_numpy() == "dont_know"]).all()
    [ours] = estimate(rule, design, values)
    valid = design.data["m.a"].where(design.data["m.a"] != "dont_know")
    reference = proportion(design, valid, ["very_safe", "rather_safe"])
    assert ours.estimate == pytest.approx(100 * reference.estimate, rel=1e-12)
    assert ours.se == pytest.approx(100 * reference.se, rel=1e-12)
    assert (ours.ci_low, ours.ci_high) == pytest.approx((100 * reference.ci_low, 100 * reference.ci_high))
    by_region = estimate(rule, design, values, by="region")
    assert [e.by for e in by_region] == sorted(design.data["region"].unique())


def test_mean_of_one_share_is_that_share(design: Design) -> None:
    data = design.data
    base = (data["m.a"].notna() & (data["m.a"] != "dont_know")).to_numpy(float)
    hit = data["m.a"].isin(["very_safe", "rather_safe"]).to_numpy(float) * base
    [single] = mean_of_shares(design, [(hit, base)])
    reference = proportion(design, data["m.a"].where(data["m.a"] != "dont_know"), ["very_safe", "rather_safe"])
    assert single.estimate == pytest.approx(reference.estimate, rel=1e-12)
    assert single.se == pytest.approx(reference.se, rel=1e-10)
    assert single.df == reference.df and single.deff == pytest.approx(reference.deff, rel=1e-10)
    [twice] = mean_of_shares(design, [(hit, base), (hit, base)])
    assert twice.estimate == pytest.approx(single.estimate) and twice.se == pytest.approx(single.se)


def test_mean_of_shares_is_the_mean_of_the_shares(design: Design) -> None:
    rule = definition(
        "mean_of_proportions",
        [
            {"item": "m.a", "numerator": ["very_safe", "rather_safe"]},
            {"item": "m.b", "numerator": ["very_safe", "rather_safe"]},
        ],
    )
    values = respondent_values(rule, rule.measures[0], design.data, CATALOGUE)
    [combined] = estimate(rule, design, values)
    parts = []
    for column in ("m.a", "m.b"):
        series = design.data[column]
        parts.append(proportion(design, series.where(series != "dont_know"), ["very_safe", "rather_safe"]))
    assert combined.estimate == pytest.approx(100 * (parts[0].estimate + parts[1].estimate) / 2, rel=1e-12)
    # The SE of a mean is at most the mean of the SEs (equal only for perfectly correlated shares).
    assert 0 < combined.se <= 100 * (parts[0].se + parts[1].se) / 2 + 1e-9


def test_score_needs_enough_valid_components(design: Design) -> None:
    points = {"very_safe": 3, "rather_safe": 2, "rather_unsafe": 1, "very_unsafe": 0}
    rule = definition(
        "score_mean", [{"item": "m.a", "points": points}, {"item": "m.b", "points": points}], max_points=3, min_valid=2
    )
    values = respondent_values(rule, rule.measures[0], design.data, CATALOGUE).value
    a = design.data["m.a"].map(points).to_numpy(float)
    b = design.data["m.b"].map(points).to_numpy(float)
    expected = np.where(~np.isnan(a) & ~np.isnan(b), 100 * (a + b) / 2 / 3, np.nan)
    np.testing.assert_allclose(values, expected)
    [result] = estimate(rule, design, respondent_values(rule, rule.measures[0], design.data, CATALOGUE))
    assert 0 < result.estimate < 100 and result.n == int((~np.isnan(expected)).sum())


def test_unknown_item_is_a_clear_error(design: Design) -> None:
    rule = definition("proportion", [{"item": "nope", "numerator": ["x"]}])
    with pytest.raises(Exception, match="item 'nope' is not in the data"):
        respondent_values(rule, rule.measures[0], design.data, CATALOGUE)
