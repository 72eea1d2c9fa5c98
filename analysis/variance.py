"""Taylor-linearisation variance for many domains at once, vectorised over rows.

Input is, for each row, its weighted influence value ``w_k * u_k`` and its domain (``n_domains`` marks rows
outside every domain). The steps mirror R's ``svyrecvar``/``onestrat``:

1. if the weights are calibrated, replace each influence value by its residual from the base-weighted
   regression on the margin indicators (R's ``calibrate()``/``qr.resid``);
2. sum within PSUs (one ``np.bincount`` over PSU x domain);
3. within each stratum, centre the PSU totals and weight the sum of squares by
   ``(1 - f_h) * n_h / (n_h - 1)``.

PSUs of a domain with no members count as zero totals, so domain variances keep the whole design, as R's
``subset()`` and ``svyby()`` do.
"""

from __future__ import annotations

import numpy as np

from analysis.design import Design, LonelyPSU

# Work on at most this many PSU x domain cells at a time to bound memory on very large designs.
_BLOCK_CELLS = 20_000_000


def domain_variance(
    design: Design,
    weighted_influence: np.ndarray,
    influence: np.ndarray,
    domain: np.ndarray,
    n_domains: int,
) -> np.ndarray:
    """Linearised variance of each domain's estimate.

    ``influence`` (unweighted ``u_k``) is only used for the calibration regression, which R runs with the
    base weights rather than the final ones.
    """
    if not design.has_clusters and design.calibration is None:
        return _rowwise_variance(design, weighted_influence, domain, n_domains)
    block = max(1, _BLOCK_CELLS // max(design.n_psu, 1))
    out = np.empty(n_domains)
    for start in range(0, n_domains, block):
        stop = min(n_domains, start + block)
        if start == 0 and stop == n_domains:
            local = domain
        else:
            # Rows of other blocks fall into the sink column, like rows outside every domain.
            local = np.where((domain >= start) & (domain < stop), domain - start, stop - start)
        out[start:stop] = _block_variance(design, weighted_influence, influence, local, stop - start)
    return out


def _block_variance(
    design: Design, wu: np.ndarray, u: np.ndarray, domain: np.ndarray, n_domains: int
) -> np.ndarray:
    return totals_variance(design, *influence_totals(design, wu, u, domain, n_domains))


def influence_totals(
    design: Design, wu: np.ndarray, u: np.ndarray, domain: np.ndarray, n_domains: int
) -> tuple[np.ndarray, np.ndarray | None]:
    """PSU x domain totals of the (calibration-residualised) weighted influence values, and the same per SSU
    for a two-stage design (``None`` otherwise).

    The variance of any linear combination of domain estimates is :func:`totals_variance` of the same
    combination of these columns: that is how contrasts get the covariance of domains sharing PSUs.
    """
    width = n_domains + 1  # last column collects rows outside the domains and is dropped
    totals = np.bincount(design.psu * width + domain, weights=wu, minlength=design.n_psu * width)
    totals = totals.reshape(design.n_psu, width)[:, :n_domains]
    stage2 = design.stage2
    ssu_totals = None
    if stage2 is not None:
        ssu_totals = np.bincount(stage2.ssu * width + domain, weights=wu, minlength=stage2.n_ssu * width)
        ssu_totals = ssu_totals.reshape(stage2.n_ssu, width)[:, :n_domains]

    calibration = design.calibration
    if calibration is not None and design.psu_cell_weight is not None:
        base_wu = calibration.base_weights * u
        cell_sums = np.bincount(
            calibration.cell * width + domain, weights=base_wu, minlength=calibration.n_cells * width
        ).reshape(calibration.n_cells, width)[:, :n_domains]
        fitted = calibration.fitted(cell_sums)
        # PSU total of w_k * fitted[cell_k] is the PSU-by-cell weight table times the cell fits.
        totals = totals - np.asarray(design.psu_cell_weight @ fitted)
        if stage2 is not None and ssu_totals is not None:
            from scipy import sparse

            ssu_cell = sparse.csr_matrix(
                (design.weights, (stage2.ssu, calibration.cell)), shape=(stage2.n_ssu, calibration.n_cells)
            )
            ssu_totals = ssu_totals - np.asarray(ssu_cell @ fitted)
    return totals, ssu_totals


def totals_variance(design: Design, totals: np.ndarray, ssu_totals: np.ndarray | None = None) -> np.ndarray:
    """Variance from PSU x column totals, plus the second stage from SSU x column totals (R's ``multistage``):
    ``V = V_1 + sum_i f_h(i) (1 - f_i) m_i / (m_i - 1) sum_j (z_ij - z_i.)^2`` over PSUs ``i`` with ``m_i``
    sampled SSUs, first-stage fraction ``f_h(i)`` and second-stage fraction ``f_i``."""
    variance = stratified_sum_of_squares(design, totals)
    stage2 = design.stage2
    if stage2 is None or ssu_totals is None:
        return variance
    m = stage2.n_ssu_in_psu.astype(np.float64)
    starts = stage2.psu_ssu_start
    owner = np.repeat(np.arange(design.n_psu), stage2.n_ssu_in_psu)
    psu_sum = np.add.reduceat(ssu_totals, starts, axis=0)
    centred = ssu_totals - (psu_sum / m[:, None])[owner]
    ss = np.add.reduceat(centred * centred, starts, axis=0)
    finite2 = 1.0 - stage2.sampling_fraction
    finite2 = np.where(finite2 < 1e-7, 0.0, finite2)
    # A PSU with one sampled SSU has no within-PSU variance estimate: it contributes nothing (R's
    # "certainty"); the design refuses such PSUs under LonelyPSU.ERROR.
    scale = np.where(m > 1, finite2 * m / np.maximum(m - 1.0, 1.0), 0.0)
    first = design.sampling_fraction[design.psu_stratum]
    return variance + (first * scale) @ ss


def stratified_sum_of_squares(design: Design, totals: np.ndarray) -> np.ndarray:
    """Variance from a PSU x domain matrix of PSU totals (PSUs ordered by stratum)."""
    starts = design.stratum_psu_start
    n_h = design.n_psu_in_stratum.astype(np.float64)
    stratum_sum = np.add.reduceat(totals, starts, axis=0)
    centred = totals - (stratum_sum / n_h[:, None])[design.psu_stratum]
    centred_ss = np.add.reduceat(centred * centred, starts, axis=0)
    raw_ss = np.add.reduceat(totals * totals, starts, axis=0) if (n_h == 1).any() else centred_ss
    return _combine_strata(design, centred_ss, stratum_sum, raw_ss)


def _rowwise_variance(design: Design, wu: np.ndarray, domain: np.ndarray, n_domains: int) -> np.ndarray:
    """The same variance when every row is its own PSU and there is no calibration.

    A row's total is non-zero in its own domain only, so the stratum x domain sums of squares come from
    bincounts over the rows instead of a rows x domains matrix. Two passes (mean first, then squared
    deviations) keep the accuracy of the dense path; the rows of a stratum outside the domain each add
    the squared stratum mean.
    """
    width = n_domains + 1
    n_strata = design.n_strata
    key = design.stratum * width + domain
    shape = (n_strata, width)
    members = np.bincount(key, minlength=n_strata * width).reshape(shape)[:, :n_domains]
    stratum_sum = np.bincount(key, weights=wu, minlength=n_strata * width).reshape(shape)[:, :n_domains]
    n_h = design.n_psu_in_stratum.astype(np.float64)
    mean = stratum_sum / n_h[:, None]
    deviation = wu - np.concatenate([mean, np.zeros((n_strata, 1))], axis=1)[design.stratum, domain]
    inside = np.bincount(key, weights=deviation * deviation, minlength=n_strata * width)
    centred_ss = inside.reshape(shape)[:, :n_domains] + (n_h[:, None] - members) * mean * mean
    raw_ss: np.ndarray = centred_ss
    if (n_h == 1).any():
        raw_ss = np.bincount(key, weights=wu * wu, minlength=n_strata * width).reshape(shape)[:, :n_domains]
    return _combine_strata(design, centred_ss, stratum_sum, raw_ss)


def _combine_strata(
    design: Design, centred_ss: np.ndarray, stratum_sum: np.ndarray, raw_ss: np.ndarray
) -> np.ndarray:
    """Weight each stratum's sum of squares by ``(1 - f_h) n_h / (n_h - 1)``; handle one-PSU strata."""
    n_h = design.n_psu_in_stratum.astype(np.float64)
    finite = 1.0 - design.sampling_fraction
    # R skips strata sampled completely (f_h = 1) outright; tiny negative values from rounding would hurt.
    finite = np.where(finite < 1e-7, 0.0, finite)
    lonely = n_h == 1
    squares = centred_ss
    if lonely.any():
        squares = centred_ss.copy()
        mode = design.lonely_psu
        if mode is LonelyPSU.ADJUST:
            squares[lonely] = raw_ss[lonely]
        elif mode is LonelyPSU.CENTERED:
            # (z - m)^2 for the single PSU total z, m the mean PSU total of the whole sample.
            grand = stratum_sum.sum(axis=0) / design.n_psu
            squares[lonely] = raw_ss[lonely] - 2.0 * grand * stratum_sum[lonely] + grand * grand
        # CERTAINTY and REMOVE keep the zero deviation of a one-PSU stratum from its own mean.
    scale = finite * np.where(lonely, 1.0, n_h / np.maximum(n_h - 1.0, 1.0))
    return scale @ squares


def domain_degrees_of_freedom(
    design: Design, domain: np.ndarray, n_domains: int
) -> np.ndarray:
    """PSUs minus strata among those holding members of each domain (R's ``degf()`` on a subset)."""
    width = n_domains + 1
    if not design.has_clusters:
        members = np.bincount(design.stratum * width + domain, minlength=design.n_strata * width)
        members = members.reshape(design.n_strata, width)[:, :n_domains]
        return (members.sum(axis=0) - (members > 0).sum(axis=0)).astype(np.int64)
    counts = np.bincount(design.psu * width + domain, minlength=design.n_psu * width)
    present = counts.reshape(design.n_psu, width)[:, :n_domains] > 0
    psus = present.sum(axis=0)
    strata = (np.add.reduceat(present.astype(np.int64), design.stratum_psu_start, axis=0) > 0).sum(axis=0)
    return (psus - strata).astype(np.int64)
