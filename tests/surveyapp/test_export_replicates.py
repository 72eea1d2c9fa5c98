"""Replicate weights in exports: the SE computed by hand from the exported repw_* columns (the codebook's scale
and rscales) equals the engine's replicate SE for the same design, and a type the design cannot take is refused."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from flask import Flask

from analysis.design import Design
from analysis.estimate import mean
from tests.conftest import invoke

PROGRAMME = "public_safety_2024_2028"
SAFE = "safe_alone_area"


@pytest.fixture
def computed(app: Flask) -> Flask:
    assert invoke(app, "demo", "init", "--adults", "200", "--pupils", "40")[0] == 0
    code, out = invoke(app, "indicators", "compute", "--programme", PROGRAMME, "--year", "2025")
    assert code == 0, out
    return app


def _export(app: Flask, out: Path, *extra: str) -> tuple[int, str]:
    return invoke(
        app, "responses", "export", "--instrument", "public_safety", "--year", "2025",
        "--format", out.suffix[1:], "--lang", "en", "--out", str(out), *extra,
    )  # fmt: skip


@pytest.mark.parametrize(("kind", "extra"), [("jkn", []), ("bootstrap", ["--replicates-n", "20"])])
def test_se_from_exported_replicates_equals_the_engines(
    computed: Flask, tmp_path: Path, kind: str, extra: list[str]
) -> None:
    out = tmp_path / f"{kind}.csv"
    code, output = _export(computed, out, "--replicates", kind, *extra)
    assert code == 0, output
    assert "svrepdesign(" in output and "svyset [pw=final_weight]" in output
    frame = pd.read_csv(out, encoding="utf-8-sig", dtype={"stratum": str, "psu": str})
    codebook = pd.read_csv(str(out) + ".codebook.csv", encoding="utf-8-sig", keep_default_na=False)
    r_call = codebook.loc[(codebook["variable"] == "_replicates") & (codebook["type"] == "R"), "label_en"].item()
    scale = float(re.search(r"scale = ([0-9.e+-]+)", r_call).group(1))
    rscales = np.array([float(v) for v in re.search(r"rscales = c\(([^)]*)\)", r_call).group(1).split(",")])
    names = [c for c in frame.columns if c.startswith("repw_")]
    assert len(names) == len(rscales) and (kind != "bootstrap" or len(names) == 20)
    used = frame[frame["in_run"] == 1].reset_index(drop=True)
    assert used[names].notna().all().all() and frame.loc[frame["in_run"] == 0, names].isna().all().all()
    first = sorted(used[SAFE].dropna().unique())[0]
    y = (used[SAFE] == first).astype(float).to_numpy()
    w = used["final_weight"].to_numpy()
    theta = (w * y).sum() / w.sum()
    reps = used[names].to_numpy()
    thetas = (reps * y[:, None]).sum(axis=0) / reps.sum(axis=0)
    by_hand = np.sqrt(scale * (rscales * (thetas - thetas.mean()) ** 2).sum())

    data = pd.concat(
        [pd.DataFrame({"y": y, "stratum": used["stratum"].fillna("all"), "final_weight": w}), used[names]], axis=1
    )
    data["psu"] = used["psu"].fillna(pd.Series([f"x{i}" for i in range(len(data))]))
    design = Design.from_frame(data, weights="final_weight", strata="stratum", cluster="psu", lonely_psu="adjust")
    if kind == "jkn":  # the engine builds the same replicates from the design
        engine = mean(design.with_replicates("jkn"), "y")
        assert engine.estimate == pytest.approx(theta, rel=1e-12)
        assert engine.se == pytest.approx(by_hand, rel=1e-9)
    # and reading the exported columns back as R's svrepdesign does gives the same SE
    as_read = mean(design.with_replicate_weights(names, kind, scale=scale, rscales=rscales), "y")
    assert as_read.se == pytest.approx(by_hand, rel=1e-9) and by_hand > 0


def test_impossible_replicates_are_refused_and_nothing_written(computed: Flask, tmp_path: Path) -> None:
    out = tmp_path / "out" / "x.csv"
    out.parent.mkdir()
    code, output = _export(computed, out, "--replicates", "jkn", "--replicates-n", "10")
    assert code != 0 and "--replicates-n is for bootstrap only" in output and "Nothing was written" in output
    code, output = _export(computed, out, "--replicates", "jk1")
    assert code != 0 and "jk1 replicates cannot be built" in output and "use jkn" in output
    assert "Traceback" not in output
    assert list(out.parent.iterdir()) == []


def test_brr_gives_the_stata_brr_line(computed: Flask, tmp_path: Path) -> None:
    out = tmp_path / "brr.parquet"
    code, output = _export(computed, out, "--replicates", "brr")
    assert code == 0, output
    assert "brrweight(repw_1-repw_" in output and 'type = "BRR"' in output
