from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis import Design, DesignError, LonelyPSU, LonelyPSUError, WeightError
from analysis.errors import DataError
from tests.analysis.golden_cases import GOLDEN, load_data


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        (np.nan, WeightError, "have 1 missing values (first at row 4)"),
        (-2.0, WeightError, "must not be negative (row 4: -2.0)"),
        (np.inf, WeightError, "are infinite at row 4"),
        ("heavy", DataError, "column 'pw' is not numeric (row 4: 'heavy')"),
    ],
)
def test_bad_weights_are_rejected(
    apistrat: pd.DataFrame, bad: object, error: type[Exception], message: str
) -> None:
    apistrat["pw"] = apistrat["pw"].astype(object)
    apistrat.loc[3, "pw"] = bad
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        Design.from_frame(apistrat, weights="pw", strata="stype")


def test_all_zero_weights_rejected(apistrat: pd.DataFrame) -> None:
    with pytest.raises(WeightError, match="all zero"):
        Design.from_frame(apistrat, weights=np.zeros(len(apistrat)))


def test_missing_stratum_or_cluster_rejected(synthetic: pd.DataFrame) -> None:
    synthetic.loc[10, "stratum"] = None
    with pytest.raises(DesignError, match="'stratum' has 1 missing values"):
        Design.from_frame(synthetic, weights="w0", strata="stratum", cluster="psu")
    synthetic = load_data("synthetic.csv").copy()
    synthetic["psu"] = synthetic["psu"].astype(float)
    synthetic.loc[0, "psu"] = np.nan
    with pytest.raises(DesignError, match="'psu' has 1 missing values"):
        Design.from_frame(synthetic, weights="w0", strata="stratum", cluster="psu")


def test_unknown_column_and_length_mismatch(synthetic: pd.DataFrame) -> None:
    with pytest.raises(DataError, match="unknown column 'strat'"):
        Design.from_frame(synthetic, weights="w0", strata="strat")
    with pytest.raises(DataError, match="has 3 values but the design has"):
        Design.from_frame(synthetic, weights=[1.0, 2.0, 3.0])


def test_lonely_psu_is_an_error_by_default() -> None:
    data = load_data("synthetic.csv#lonely")
    with pytest.raises(LonelyPSUError, match=r"1 stratum/strata have a single PSU \(R1_rural\)"):
        Design.from_frame(data, weights="w0", strata="stratum", cluster="psu")
    with pytest.raises(DesignError, match="unknown lonely_psu option 'drop'"):
        Design.from_frame(data, weights="w0", strata="stratum", cluster="psu", lonely_psu="drop")


def test_centered_lonely_psu_uses_grand_mean_of_psu_totals() -> None:
    data = load_data("synthetic.csv#lonely")
    designs = {
        mode: Design.from_frame(data, weights="w0", strata="stratum", cluster="psu", lonely_psu=mode)
        for mode in LonelyPSU
        if mode is not LonelyPSU.ERROR
    }
    # For a mean the influence values sum to zero, so the grand mean of PSU totals is zero: same as adjust.
    centred = analysis.mean(designs[LonelyPSU.CENTERED], "income")
    assert centred.se == pytest.approx(analysis.mean(designs[LonelyPSU.ADJUST], "income").se, rel=1e-9)
    assert centred.se > analysis.mean(designs[LonelyPSU.CERTAINTY], "income").se

    # For a total, compute Stata's singleunit(centered) by hand with pandas.
    rows = data[data["income"].notna()]
    z = (rows["income"] * rows["w0"]).groupby([rows["stratum"], rows["psu"]]).sum()
    all_psus = data.groupby(["stratum", "psu"]).size().index
    z = z.reindex(all_psus, fill_value=0.0)
    variance = 0.0
    for _, totals in z.groupby(level="stratum"):
        if len(totals) == 1:
            variance += float((totals.iloc[0] - z.mean()) ** 2)
        else:
            n_h = len(totals)
            variance += n_h / (n_h - 1) * float(((totals - totals.mean()) ** 2).sum())
    assert analysis.total(designs[LonelyPSU.CENTERED], "income").se == pytest.approx(np.sqrt(variance), rel=1e-10)


def test_remove_leaves_the_single_psu_stratum_out_of_the_variance() -> None:
    data = load_data("synthetic.csv#lonely")
    removed = Design.from_frame(data, weights="w0", strata="stratum", cluster="psu", lonely_psu="remove")
    certainty = Design.from_frame(data, weights="w0", strata="stratum", cluster="psu", lonely_psu="certainty")
    assert removed.lonely_psu is LonelyPSU.REMOVE
    # One stage only: R's "remove" and "certainty" give the same variance (they differ for later stages).
    assert analysis.mean(removed, "income").se == pytest.approx(analysis.mean(certainty, "income").se, rel=1e-12)
    # The total's variance by hand: the usual sum over the strata with two PSUs or more, nothing from the other.
    rows = data[data["income"].notna()]
    z = (rows["income"] * rows["w0"]).groupby([rows["stratum"], rows["psu"]]).sum()
    z = z.reindex(data.groupby(["stratum", "psu"]).size().index, fill_value=0.0)
    variance = sum(
        len(totals) / (len(totals) - 1) * float(((totals - totals.mean()) ** 2).sum())
        for _, totals in z.groupby(level="stratum")
        if len(totals) > 1
    )
    assert analysis.total(removed, "income").se == pytest.approx(np.sqrt(variance), rel=1e-10)


def test_fpc_as_fraction_equals_fpc_as_population_size(apistrat: pd.DataFrame) -> None:
    apistrat["fraction"] = apistrat.groupby("stype")["stype"].transform("size") / apistrat["fpc"]
    by_size = Design.from_frame(apistrat, weights="pw", strata="stype", fpc="fpc")
    by_fraction = Design.from_frame(apistrat, weights="pw", strata="stype", fpc="fraction")
    without = Design.from_frame(apistrat, weights="pw", strata="stype")
    se = analysis.mean(by_size, "api00").se
    assert analysis.mean(by_fraction, "api00").se == pytest.approx(se, rel=1e-12)
    assert analysis.mean(without, "api00").se > se


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.assign(fpc=d["fpc"].where(d.index != 0, 5000)), "fpc is not constant within stratum E"),
        (lambda d: d.assign(fpc=np.where(d["stype"] == "H", 10, d["fpc"])), "smaller than the number of sampled"),
        (lambda d: d.assign(fpc=np.where(d["stype"] == "H", 0.5, d["fpc"])), "mixes sampling fractions"),
        (lambda d: d.assign(fpc=-d["fpc"]), "fpc must be positive"),
    ],
)
def test_inconsistent_fpc_rejected(apistrat: pd.DataFrame, change, message: str) -> None:
    with pytest.raises(DesignError, match=message):
        Design.from_frame(change(apistrat), weights="pw", strata="stype", fpc="fpc")


def test_design_is_immutable_and_counts(syn_design: Design) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        syn_design.weights = np.ones(syn_design.n)  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        syn_design.weights[0] = 1.0
    assert syn_design.n_strata == 12
    assert syn_design.n_psu == syn_design.data["psu"].nunique()
    assert syn_design.df == syn_design.n_psu - syn_design.n_strata
    assert "strata=12" in repr(syn_design)


def test_psu_codes_are_nested_in_strata(synthetic: pd.DataFrame) -> None:
    # The same cluster label in two strata is two PSUs (R's nest = TRUE).
    synthetic["local_psu"] = synthetic.groupby("stratum")["psu"].rank(method="dense").astype(int)
    nested = Design.from_frame(synthetic, weights="w0", strata="stratum", cluster="local_psu")
    assert nested.n_psu == synthetic["psu"].nunique()


def test_rake_and_with_weights_return_new_designs(syn_design: Design, synthetic: pd.DataFrame) -> None:
    before = synthetic.copy()
    weights_before = syn_design.weights.copy()
    margins = analysis.read_margins(GOLDEN / "synthetic_margins.csv")
    raked = syn_design.rake(margins)
    assert raked is not syn_design and raked.calibration is not None
    assert syn_design.calibration is None
    np.testing.assert_array_equal(syn_design.weights, weights_before)
    pd.testing.assert_frame_equal(synthetic, before)
    plain = raked.with_weights("w0")
    assert plain.calibration is None
    np.testing.assert_array_equal(plain.weights, weights_before)


@pytest.mark.parametrize("mode", [LonelyPSU.CERTAINTY, LonelyPSU.ADJUST, LonelyPSU.CENTERED])
def test_unclustered_fast_path_equals_one_row_clusters(apistrat: pd.DataFrame, mode: LonelyPSU) -> None:
    # Without clusters the variance is computed row-wise; declaring every row its own cluster takes the
    # general PSU-matrix path. A one-row stratum exercises the lonely-PSU rules on both.
    extra = apistrat.iloc[[0]].assign(stype="X", snum=-1, fpc=1000.0)
    data = pd.concat([apistrat, extra], ignore_index=True)
    rowwise = Design.from_frame(data, weights="pw", strata="stype", fpc="fpc", lonely_psu=mode)
    general = Design.from_frame(data, weights="pw", strata="stype", fpc="fpc", cluster="snum", lonely_psu=mode)
    assert not rowwise.has_clusters and general.has_clusters
    for estimator in (lambda d: analysis.mean(d, "api00", by="awards"),
                      lambda d: [analysis.total(d, "enroll", where="api00 > 600")],
                      lambda d: analysis.proportion(d, "sch_wide", ["Yes"], by="stype")):
        for fast, slow in zip(estimator(rowwise), estimator(general), strict=True):
            assert fast.se == pytest.approx(slow.se, rel=1e-10)
            assert (fast.df, fast.n, fast.by) == (slow.df, slow.n, slow.by)
