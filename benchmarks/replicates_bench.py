"""Benchmark of replicate-weight standard errors on 1,000,000 rows x 80 replicates. Not part of the test suite.

    .venv/bin/python benchmarks/replicates_bench.py [--rows 1000000] [--replicates 80] [--repeat 5]

Data: synthetic responses in 40 strata (20 regions x urban/rural) of 30 PSUs each. Each scenario times the
standard errors only (the data frame and the design are built beforehand, as a report job would), for the
share answering "yes" overall and by region (20 domains) and the mean income overall and by region:

* ``bootstrap``: Rao-Wu bootstrap, R replicates built from the design;
* ``bootstrap_raked``: the same design raked to region, sex and age margins: every replicate raked again;
* ``jkn_80``: JKn on a design of 40 strata x 2 PSUs (80 replicates);
* ``file``: R replicate weight columns read from the data (rows x R matrix, as from an export);
* ``file_raked``: the same, raked: every replicate column raked again.

Target: each scenario <= 10 s (median of the repeats).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import analysis  # noqa: E402
from analysis import Design  # noqa: E402
from analysis.replicate_variance import replicate_weights  # noqa: E402

REGIONS = [f"R{i:02d}" for i in range(1, 21)]
AGES = ["15-24", "25-34", "35-49", "50-64", "65+"]


def make_data(rows: int, psus_per_stratum: int, seed: int = 20240611) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_psu = 40 * psus_per_stratum
    psu = np.sort(rng.integers(0, n_psu, rows))
    stratum = psu // psus_per_stratum
    region = stratum // 2
    w0 = rng.uniform(50, 400, n_psu)[psu] * rng.uniform(0.9, 1.1, rows)
    age = rng.choice(len(AGES), rows, p=[0.25, 0.25, 0.2, 0.18, 0.12])
    sex = rng.integers(0, 2, rows)
    eta = -0.5 + 0.2 * age + 0.3 * sex + 0.02 * region + rng.normal(0, 0.3, n_psu)[psu]
    yes = (rng.random(rows) < 1 / (1 + np.exp(-eta))).astype(float)
    return pd.DataFrame({
        "stratum": stratum, "psu": psu, "w0": w0, "region": np.array(REGIONS)[region],
        "sex": np.array(["F", "M"])[sex], "agegrp": np.array(AGES)[age], "yes": yes,
        "income": np.exp(rng.normal(10, 0.6, rows)),
    })


def margins(data: pd.DataFrame) -> dict[str, dict[str, float]]:
    # Population margins 5 % off the sample's weighted totals, all adding up to the same population.
    total = float(data["w0"].sum())
    result = {}
    for variable in ("region", "sex", "agegrp"):
        shares = data.groupby(variable)["w0"].sum() / total
        tilted = shares * np.linspace(0.95, 1.05, len(shares))
        result[variable] = {str(k): float(v) for k, v in (tilted / tilted.sum() * total * 1.02).items()}
    return result


def job(design: Design) -> float:
    """The SEs a report needs; returns one of them so nothing is optimised away."""
    national = analysis.mean(design, "yes")
    regional = analysis.mean(design, "yes", by="region")
    income = analysis.mean(design, "income")
    income_regional = analysis.mean(design, "income", by="region")
    return national.se + regional[0].se + income.se + income_regional[0].se


def timed(run: Callable[[], float], repeat: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--replicates", type=int, default=80)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    data = make_data(args.rows, 30)
    base = Design.from_frame(data, weights="w0", strata="stratum", cluster="psu")
    m = margins(data)
    boot = base.with_replicates("bootstrap", replicates=args.replicates, seed=1)
    boot_raked = boot.rake(m)
    matrix = replicate_weights(boot)
    frame = data.assign(**{f"repw{i + 1}": matrix[:, i] for i in range(matrix.shape[1])})
    start = time.perf_counter()
    file_design = Design.from_frame(frame, weights="w0").with_replicate_weights(r"repw\d+", "bootstrap")
    read_seconds = time.perf_counter() - start
    file_raked = file_design.rake(m)

    pairs = make_data(args.rows, 2)
    jkn = Design.from_frame(pairs, weights="w0", strata="stratum", cluster="psu").with_replicates("jkn")
    assert jkn.replicates is not None

    scenarios = {
        f"bootstrap ({args.replicates})": boot,
        f"bootstrap_raked ({args.replicates})": boot_raked,
        f"jkn_80 ({jkn.replicates.n_replicates})": jkn,
        f"file ({args.replicates} columns)": file_design,
        f"file_raked ({args.replicates} columns)": file_raked,
    }
    print(f"rows={args.rows:,}  repeat={args.repeat}  (SEs for 'yes' and income, national + 20 regions)")
    print(f"  building the file design (columns -> matrix, rank for df): {read_seconds:.2f} s")
    for name, design in scenarios.items():
        median, times = timed(lambda d=design: job(d), args.repeat)
        flag = "ok" if median <= 10 else "OVER TARGET"
        print(f"  {name:32s} median {median:6.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times)})  {flag}")
    # For scale: the same job with Taylor linearisation.
    median, _ = timed(lambda: job(base), args.repeat)
    print(f"  {'taylor (for comparison)':32s} median {median:6.2f} s")


if __name__ == "__main__":
    main()
