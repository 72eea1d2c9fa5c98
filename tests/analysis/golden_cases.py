"""Loading the R reference cases of golden/golden.json into designs and estimates (shared by tests)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

import analysis
from analysis import Design

GOLDEN = Path(__file__).parent / "golden"


@cache
def golden() -> dict[str, Any]:
    return json.loads((GOLDEN / "golden.json").read_text(encoding="utf-8"))


@cache
def load_data(name: str) -> pd.DataFrame:
    """A fixture CSV; ``synthetic.csv#lonely`` is the synthetic sample cut to one PSU in one stratum."""
    file, _, variant = name.partition("#")
    frame = pd.read_csv(GOLDEN / file, keep_default_na=False, na_values=[""])
    if variant == "lonely":
        spec = golden()["lonely_psu_data"]
        frame = frame[(frame["stratum"] != spec["drop_stratum"]) | (frame["psu"] == spec["keep_psu"])]
        frame = frame.reset_index(drop=True)
    return frame


def build_design(case: dict[str, Any]) -> Design:
    spec = case["design"]
    data = load_data(spec["data"])
    design = Design.from_frame(
        data,
        weights=spec["weights"],
        strata=spec["strata"],
        cluster=spec["cluster"],
        fpc=spec["fpc"],
        lonely_psu=spec["lonely_psu"],
    )
    calibration = case.get("calibration")
    if calibration is None:
        return design
    if calibration["method"] == "poststratify":
        return design.poststratify(calibration["variable"], calibration["totals"])
    return design.rake(analysis.read_margins(GOLDEN / calibration["margins"]))


def run_case(case: dict[str, Any], design: Design | None = None) -> list[analysis.Estimate]:
    design = design or build_design(case)
    est = case["estimator"]
    common: dict[str, Any] = {"by": est["by"], "where": est["where"]}
    kind = est["kind"]
    if kind == "mean":
        result = analysis.mean(design, est["variable"], **common)
    elif kind == "total":
        result = analysis.total(design, est["variable"], **common)
    elif kind == "ratio":
        result = analysis.ratio(design, est["variable"], est["denominator"], **common)
    else:
        result = analysis.proportion(design, est["variable"], est["values"], ci_method=est["ci"], **common)
    return [result] if isinstance(result, analysis.Estimate) else result
