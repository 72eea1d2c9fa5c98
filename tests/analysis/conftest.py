from __future__ import annotations

import pandas as pd
import pytest

from analysis import Design
from tests.analysis.golden_cases import GOLDEN, load_data


@pytest.fixture
def apistrat() -> pd.DataFrame:
    return load_data("apistrat.csv").copy()


@pytest.fixture
def synthetic() -> pd.DataFrame:
    return load_data("synthetic.csv").copy()


@pytest.fixture
def syn_margins() -> pd.DataFrame:
    return pd.read_csv(GOLDEN / "synthetic_margins.csv", dtype=str)


@pytest.fixture
def syn_design(synthetic: pd.DataFrame) -> Design:
    return Design.from_frame(synthetic, weights="w0", strata="stratum", cluster="psu")
