from __future__ import annotations

import os

import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

from analysis import Design
from tests.analysis.golden_cases import GOLDEN, load_data

# Hypothesis profiles for the property tests (tests/analysis/test_properties.py builds its settings on the
# selected one). "deterministic" (the default, and always under CI=...) derives every example from the test
# itself and keeps no example database, so a run can never fail on a fresh random draw: the same examples run
# every time. "explore" draws new random examples on each run (more of them) to hunt for new failures
# locally: HYPOTHESIS_PROFILE=explore .venv/bin/pytest tests/analysis/test_properties.py
settings.register_profile(
    "deterministic",
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "explore",
    max_examples=500,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
PROPERTY_PROFILE = "deterministic" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "deterministic")


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
