from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import analysis
from analysis import CIMethod, Design, Estimate, EstimationError
from analysis.errors import DataError
from tests.analysis.golden_cases import GOLDEN


def test_estimate_fields_and_tidy_frame(syn_design: Design) -> None:
    assert [f.name for f in dataclasses.fields(Estimate)] == [
        "by", "estimate", "se", "ci_low", "ci_high", "df", "deff", "n", "n_eff"]
    rows = analysis.mean(syn_design, "income", by="region")
    frame = analysis.to_frame(rows)
    assert list(frame.columns) == [f.name for f in dataclasses.fields(Estimate)]
    assert frame["by"].tolist() == ["R1", "R2", "R3", "R4", "R5", "R6"]
    assert frame["n"].sum() == syn_design.data["income"].notna().sum()
    single = analysis.mean(syn_design, "income")
    assert single.by is None
    assert len(analysis.to_frame(single)) == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        single.se = 0.0  # type: ignore[misc]


def test_missing_values_leave_the_domain_but_not_the_design(syn_design: Design) -> None:
    est = analysis.mean(syn_design, "income")
    assert est.n == syn_design.data["income"].notna().sum()
    assert est.df == syn_design.df


def test_where_string_mask_and_by_agree(syn_design: Design) -> None:
    women = syn_design.data["sex"] == "F"
    by_string = analysis.proportion(syn_design, "q", ["yes"], where="sex == 'F'")
    by_mask = analysis.proportion(syn_design, "q", ["yes"], where=women.to_numpy())
    by_sex = analysis.proportion(syn_design, "q", ["yes"], by="sex")
    assert by_string == by_mask
    assert by_sex[0].by == "F"
    assert dataclasses.astuple(by_sex[0])[1:] == pytest.approx(dataclasses.astuple(by_string)[1:], rel=1e-12)


def test_empty_domain_and_bad_where(syn_design: Design) -> None:
    with pytest.raises(EstimationError, match="the domain is empty"):
        analysis.mean(syn_design, "income", where="income < 0")
    with pytest.raises(DataError, match="invalid subpopulation expression"):
        analysis.mean(syn_design, "income", where="income <")
    with pytest.raises(DataError, match="one true/false value per row"):
        analysis.mean(syn_design, "income", where=np.arange(syn_design.n))


def test_ratio_with_zero_denominator_and_bad_level(syn_design: Design) -> None:
    with pytest.raises(EstimationError, match="denominator's weighted total is zero"):
        analysis.ratio(syn_design, "income", np.zeros(syn_design.n))
    with pytest.raises(EstimationError, match="between 0 and 1"):
        analysis.mean(syn_design, "income", level=1.5)
    with pytest.raises(EstimationError, match="unknown CI method 'exact'"):
        analysis.proportion(syn_design, "q", ["yes"], ci_method="exact")


def test_total_of_an_indicator_is_proportion_times_population(syn_design: Design) -> None:
    yes = (syn_design.data["q"] == "yes").astype(float)
    share = analysis.proportion(syn_design, "q", "yes")
    count = analysis.total(syn_design, yes)
    assert count.estimate == pytest.approx(share.estimate * syn_design.weights.sum(), rel=1e-12)


def test_wilson_and_wald_formulas(syn_design: Design) -> None:
    wald = analysis.proportion(syn_design, "q", ["yes"], ci_method=CIMethod.WALD)
    wilson = analysis.proportion(syn_design, "q", ["yes"], ci_method=CIMethod.WILSON)
    t = stats.t.ppf(0.975, wald.df)
    assert (wald.ci_low, wald.ci_high) == pytest.approx((wald.estimate - t * wald.se, wald.estimate + t * wald.se))
    p, n_eff = wilson.estimate, wilson.estimate * (1 - wilson.estimate) / wilson.se**2
    centre = (p + t**2 / (2 * n_eff)) / (1 + t**2 / n_eff)
    half = t / (1 + t**2 / n_eff) * np.sqrt(p * (1 - p) / n_eff + t**2 / (4 * n_eff**2))
    assert (wilson.ci_low, wilson.ci_high) == pytest.approx((centre - half, centre + half), rel=1e-12)


@pytest.mark.parametrize("method", [CIMethod.LOGIT, CIMethod.BETA, CIMethod.WILSON])
def test_proportion_of_zero_gives_an_exact_interval_inside_0_1(syn_design: Design, method: CIMethod) -> None:
    est = analysis.proportion(syn_design, "q", ["maybe"], ci_method=method)
    assert (est.estimate, est.se) == (0.0, 0.0)
    assert est.ci_low == 0.0 and 0.0 < est.ci_high < 0.02


def test_deff_is_nan_when_weights_are_scaled_to_the_sample(synthetic: pd.DataFrame) -> None:
    normalised = Design.from_frame(synthetic, weights=synthetic["w0"] / synthetic["w0"].mean(),
                                   strata="stratum", cluster="psu")
    est = analysis.mean(normalised, "income")
    assert np.isnan(est.deff) and np.isnan(est.n_eff)
    assert est.se > 0


def test_numeric_proportion_values_and_missing_by(synthetic: pd.DataFrame) -> None:
    synthetic["yes"] = (synthetic["q"] == "yes").astype(int)
    synthetic.loc[:9, "urban"] = None
    design = Design.from_frame(synthetic, weights="w0", strata="stratum", cluster="psu")
    rows = analysis.proportion(design, "yes", [1], by="urban")
    assert [r.by for r in rows] == ["rural", "urban"]
    assert sum(r.n for r in rows) == len(synthetic) - 10


def test_domains_processed_in_blocks_give_the_same_answer(syn_design: Design,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    raked = syn_design.rake(analysis.read_margins(GOLDEN / "synthetic_margins.csv"))
    whole = analysis.mean(raked, "income", by="region")
    # Two domains per block: rows of the other blocks must fall out like rows outside every domain.
    monkeypatch.setattr("analysis.variance._BLOCK_CELLS", 2 * raked.n_psu)
    blocked = analysis.mean(raked, "income", by="region")
    assert [b.se for b in blocked] == pytest.approx([w.se for w in whole], rel=1e-12)
