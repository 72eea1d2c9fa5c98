"""A few results cross-checked against svy (PyPI, the successor of samplics), an independent implementation.

svy agrees with R and with us on uncalibrated designs. It is not used for calibrated designs here because its
raking variance ignores the calibration (R's calibrate() does not), and not for Korn-Graubard because svy
caps the effective sample size at n where R does not.
"""

from __future__ import annotations

import numpy as np
import pytest

import analysis
from analysis import Design
from tests.analysis.golden_cases import GOLDEN

svy = pytest.importorskip("svy")
pl = pytest.importorskip("polars")


def test_mean_total_ratio_and_logit_proportions_agree_with_svy(syn_design: Design) -> None:
    sample = svy.Sample(svy.read_csv(str(GOLDEN / "synthetic.csv")),
                        svy.Design(stratum="stratum", psu="psu", wgt="w0"))

    theirs = sample.estimation.mean("income", drop_nulls=True, deff="wor").to_polars().row(0, named=True)
    ours = analysis.mean(syn_design, "income")
    assert ours.estimate == pytest.approx(theirs["est"], rel=1e-10)
    assert (ours.se, ours.ci_low, ours.ci_high, ours.deff) == pytest.approx(
        (theirs["se"], theirs["lci"], theirs["uci"], theirs["deff"]), rel=1e-8)
    assert (ours.df, ours.n) == (theirs["df"], theirs["n"])

    theirs = sample.estimation.total("income", drop_nulls=True).to_polars().row(0, named=True)
    ours = analysis.total(syn_design, "income")
    assert (ours.estimate, ours.se) == pytest.approx((theirs["est"], theirs["se"]), rel=1e-8)

    theirs = sample.estimation.ratio("income", "hh", drop_nulls=True).to_polars().row(0, named=True)
    ours = analysis.ratio(syn_design, "income", "hh")
    assert (ours.estimate, ours.se) == pytest.approx((theirs["est"], theirs["se"]), rel=1e-8)

    table = (sample.estimation.prop("q", by="region", ci_method="logit").to_polars()
             .filter(pl.col("q") == "yes").sort("region"))
    frame = analysis.to_frame(analysis.proportion(syn_design, "q", ["yes"], by="region"))
    assert frame["by"].tolist() == table["region"].to_list()
    for ours_col, their_col in [("estimate", "est"), ("se", "se"), ("ci_low", "lci"), ("ci_high", "uci")]:
        np.testing.assert_allclose(frame[ours_col], table[their_col].to_numpy(), rtol=1e-8)
    np.testing.assert_array_equal(frame["df"], table["df"].to_numpy())
