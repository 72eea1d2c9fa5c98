"""Coverage of the default confidence intervals in repeated two-stage samples. Run by hand, not in the tests.

    .venv/bin/python benchmarks/coverage_sim.py [--replicates 500] [--seed 20261204] [--calfun raking]
        [--sampled-psus 8] [--persons-per-psu 15] [--no-change]

Small domains (analysis.ci.SMALL_DF): ``--no-change --persons-per-psu 50 --replicates 2000 --sampled-psus K``
for K = 3, 5, 7, 8, 9 gives regions with 2K - 2 design df; analysis/README.md quotes the table.

Population (fixed seed): 6 regions x urban/rural = 12 strata of 250 PSUs each (20-200 persons, about 330,000
persons), with sex, age group and a yes/no outcome whose probability depends on region, settlement and age
and on a PSU effect (intraclass correlation about 0.05 on the logit scale). The second year is the same
population with the outcome drawn again after a shift of the logit (+0.15 overall, region-specific on top).

Each replicate, each year: 8 PSUs per stratum by simple random sampling, 15 persons per PSU; persons respond
with a probability that falls with youth and rises in rural PSUs (0.45-0.85), so nonresponse is not at random
within PSUs; base weights (inverse selection probabilities) of the respondents are calibrated to the
population's region, sex and age-group counts (``--calfun``: raking by default, or linear / logit with bounds
0.3,3 on the base weights first scaled to the population). Two second-year samples are drawn: independent PSUs,
and the same PSUs with fresh persons (a panel of PSUs).

Reported: how often the logit and the Korn-Graubard (beta) intervals (95 %) cover the population share
nationally and in each region, with the median design df and the mean width, and how often the change
interval (analysis.change) covers the true change between the years, for independent samples and for the panel
of PSUs; with the Monte Carlo standard error of a coverage of 95 % (sqrt(0.95 x 0.05 / replicates)).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import analysis  # noqa: E402
from analysis import Design  # noqa: E402
from analysis.change import change  # noqa: E402

REGIONS = [f"R{i}" for i in range(1, 7)]
SETTLEMENTS = ["urban", "rural"]
AGES = ["15-24", "25-34", "35-49", "50-64", "65+"]
PSUS_PER_STRATUM = 250
SAMPLED_PSUS = 8
PERSONS_PER_PSU = 15


def population(rng: np.random.Generator) -> pd.DataFrame:
    n_strata = len(REGIONS) * len(SETTLEMENTS)
    n_psu = n_strata * PSUS_PER_STRATUM
    size = rng.integers(20, 201, size=n_psu)
    psu = np.repeat(np.arange(n_psu), size)
    stratum = psu // PSUS_PER_STRATUM
    region = stratum // len(SETTLEMENTS)
    rural = stratum % len(SETTLEMENTS)
    n = len(psu)
    age = rng.choice(len(AGES), size=n, p=[0.21, 0.23, 0.24, 0.19, 0.13])
    sex = rng.integers(0, 2, size=n)
    region_effect = np.linspace(-0.6, 0.6, len(REGIONS))
    psu_effect = rng.normal(0.0, 0.4, size=n_psu)
    logit1 = -0.2 + region_effect[region] + 0.3 * rural + 0.15 * (age - 2) + 0.1 * sex + psu_effect[psu]
    shift = 0.15 + np.linspace(-0.1, 0.2, len(REGIONS))[region]
    y1 = rng.random(n) < 1 / (1 + np.exp(-logit1))
    y2 = rng.random(n) < 1 / (1 + np.exp(-(logit1 + shift)))
    response = np.array([0.45, 0.55, 0.65, 0.75, 0.8])[age] + 0.05 * rural
    return pd.DataFrame({
        "psu": psu, "stratum": stratum, "region": np.array(REGIONS)[region],
        "settlement": np.array(SETTLEMENTS)[rural], "sex": np.array(["M", "F"])[sex],
        "agegrp": np.array(AGES)[age], "y1": y1, "y2": y2, "p_response": response,
    })


def margins(pop: pd.DataFrame) -> dict[str, dict[str, float]]:
    return {v: {str(k): float(c) for k, c in pop[v].value_counts().items()} for v in ("region", "sex", "agegrp")}


def draw(pop: pd.DataFrame, starts: np.ndarray, sizes: np.ndarray, rng: np.random.Generator,
         psus: np.ndarray | None = None, sampled: int = SAMPLED_PSUS,
         persons: int = PERSONS_PER_PSU) -> tuple[pd.DataFrame, np.ndarray]:
    """Respondents of one two-stage sample with their base weights; ``psus`` reuses a PSU selection."""
    if psus is None:
        picks = [s * PSUS_PER_STRATUM + rng.choice(PSUS_PER_STRATUM, sampled, replace=False)
                 for s in range(len(REGIONS) * len(SETTLEMENTS))]
        psus = np.concatenate(picks)
    rows, weights = [], []
    for p in psus.tolist():
        m = min(persons, int(sizes[p]))
        chosen = starts[p] + rng.choice(int(sizes[p]), m, replace=False)
        rows.append(chosen)
        weights.append(np.full(m, (PSUS_PER_STRATUM / sampled) * sizes[p] / m))
    index, w = np.concatenate(rows), np.concatenate(weights)
    sample = pop.iloc[index].reset_index(drop=True)
    responded = rng.random(len(sample)) < sample["p_response"].to_numpy()
    sample = sample[responded].reset_index(drop=True)
    sample["w0"] = w[responded]
    return sample, psus


def calibrated(sample: pd.DataFrame, target: dict[str, dict[str, float]], calfun: str, total: float) -> Design:
    design = Design.from_frame(sample, weights="w0", strata="stratum", cluster="psu")
    if calfun == "raking":
        return design.rake(target)
    scaled = design.with_weights(sample["w0"].to_numpy() * total / sample["w0"].sum())
    return scaled.calibrate(target, calfun=calfun, bounds=None if calfun == "linear" else (0.3, 3.0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replicates", type=int, default=500)
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--calfun", default="raking", choices=["raking", "linear", "logit"])
    # Few PSUs per stratum give regions few design df: where the df rule (analysis.ci.SMALL_DF) was chosen.
    parser.add_argument("--sampled-psus", type=int, default=SAMPLED_PSUS, help="PSUs drawn per stratum")
    parser.add_argument("--persons-per-psu", type=int, default=PERSONS_PER_PSU)
    parser.add_argument("--no-change", action="store_true", help="skip the second year (level intervals only)")
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    pop = population(rng)
    sizes = pop.groupby("psu").size().to_numpy()
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    target = margins(pop)
    total = float(len(pop))
    truth1 = {"national": float(pop["y1"].mean()), **pop.groupby("region")["y1"].mean().to_dict()}
    truth2 = float(pop["y2"].mean())
    true_change = truth2 - truth1["national"]
    print(f"population {len(pop):,} persons, {pop['psu'].nunique()} PSUs in 12 strata; national share "
          f"{truth1['national']:.4f} -> {truth2:.4f} (change {true_change:+.4f}); calibration: {args.calfun}")

    covered = {k: 0 for k in truth1}
    covered_beta = {k: 0 for k in truth1}
    widths_beta = {k: 0.0 for k in truth1}
    df_seen: dict[str, list[float]] = {k: [] for k in truth1}
    widths = {k: 0.0 for k in truth1}
    change_covered = {"independent": 0, "panel": 0}
    change_se = {"independent": [], "panel": []}
    changes = {"independent": [], "panel": []}
    pairs: dict[str, list[tuple[float, float, float]]] = {"independent": [], "panel": []}
    respondents = []
    started = time.perf_counter()
    for _ in range(args.replicates):
        s1, psus = draw(pop, starts, sizes, rng, sampled=args.sampled_psus,
                       persons=args.persons_per_psu)
        respondents.append(len(s1))
        s1["y"] = s1["y1"].astype(float)
        d1 = calibrated(s1, target, args.calfun, total)
        national = analysis.proportion(d1, "y", [1.0])
        regional = analysis.proportion(d1, "y", [1.0], by="region")
        for key, est in [("national", national), *((str(e.by), e) for e in regional)]:
            covered[key] += est.ci_low <= truth1[key] <= est.ci_high
            widths[key] += est.ci_high - est.ci_low
            df_seen[key].append(est.df)
        beta = [analysis.proportion(d1, "y", [1.0], ci_method="beta"),
                *analysis.proportion(d1, "y", [1.0], by="region", ci_method="beta")]
        for est in beta:
            key = "national" if est.by is None else str(est.by)
            covered_beta[key] += est.ci_low <= truth1[key] <= est.ci_high
            widths_beta[key] += est.ci_high - est.ci_low
        for kind in () if args.no_change else ("independent", "panel"):
            s2, _ = draw(pop, starts, sizes, rng, psus=psus if kind == "panel" else None, sampled=args.sampled_psus,
                       persons=args.persons_per_psu)
            s2["y"] = s2["y2"].astype(float)
            d2 = calibrated(s2, target, args.calfun, total)
            result = change(d1, d2, "proportion", "y", values=[1.0], panel="psu" if kind == "panel" else None)
            change_covered[kind] += result.ci_low <= true_change <= result.ci_high
            change_se[kind].append(result.se)
            changes[kind].append(result.change)
            pairs[kind].append((result.before, result.after, result.covariance))
    elapsed = time.perf_counter() - started

    r = args.replicates
    mc = math.sqrt(0.95 * 0.05 / r)
    print(f"{r} replicates, {np.mean(respondents):.0f} respondents per sample on average, {elapsed:.1f} s; "
          f"Monte Carlo SE of a 95 % coverage: {100 * mc:.1f} points")
    print(f"{'domain':<10} {'df':>5} {'true':>7} {'logit cov':>10} {'width':>7} {'beta cov':>9} {'width':>7}")
    for key in truth1:
        print(f"{key:<10} {np.median(df_seen[key]):5.0f} {truth1[key]:7.4f} {100 * covered[key] / r:9.1f}% "
              f"{widths[key] / r:7.4f} {100 * covered_beta[key] / r:8.1f}% {widths_beta[key] / r:7.4f}")
    for kind in () if args.no_change else ("independent", "panel"):
        empirical = float(np.std(changes[kind], ddof=1))
        before, after, covariance = (np.array(v) for v in zip(*pairs[kind], strict=True))
        print(f"change ({kind:<11}) coverage {100 * change_covered[kind] / r:5.1f}%   mean SE "
              f"{np.mean(change_se[kind]):.4f}   empirical SD of the change {empirical:.4f}   covariance of the "
              f"years: mean estimated {np.mean(covariance):.2e}, empirical {np.cov(before, after)[0, 1]:.2e}")


if __name__ == "__main__":
    main()
