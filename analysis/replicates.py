"""Replicate weights: jackknife (JK1, JKn), Rao–Wu bootstrap and BRR/Fay, built from a design or read from a file.

A :class:`Replicates` is attached to a :class:`~analysis.design.Design` (``design.replicates``); every estimator
then takes its variance from the replicates instead of Taylor linearisation, as R's ``svrepdesign`` /
``as.svrepdesign`` designs do:

    v = scale * sum_r rscale_r (theta_r - centre)^2,  centre = mean of the theta_r (or theta when ``mse``)

Replicates built from a design are stored as PSU x replicate *factors* of the base weights (R's "compressed"
replicate weights): replicate ``r`` gives row ``k`` the weight ``b_k F[psu_k, r]`` with ``b`` the weights
before any calibration. Replicate weights read from a file are stored per row (``F`` is rows x replicates and
``b = 1``), as R's ``svrepdesign(combined.weights = TRUE)``. When the design is raked, every replicate is
raked again to the same margins (R's ``calibrate``/``rake`` on a ``svyrep.design``): see
:mod:`analysis.replicate_variance`.

Constructions, each as R's ``as.svrepdesign(design, type = ...)``:

* ``jk1`` (unstratified): drop one PSU, multiply the others by ``n/(n-1)``; ``scale = (1-f)(n-1)/n``.
* ``jkn`` (stratified): drop one PSU of stratum ``h``, multiply the rest of ``h`` by ``n_h/(n_h-1)``;
  ``rscale = (1-f_h)(n_h-1)/n_h``; strata sampled completely give no replicate.
* ``bootstrap``: Rao–Wu rescaling bootstrap, ``n_h - 1`` PSUs drawn with replacement in each stratum,
  factor ``count * n_h/(n_h-1)``, ``scale = 1/(R-1)`` (R's ``type = "subbootstrap"``). With an FPC the factor
  is shrunk to ``1 + sqrt(1-f_h)(count n_h/(n_h-1) - 1)`` (Rao & Wu 1988); R's subbootstrap drops the FPC.
  numpy's generator with a fixed ``seed``, so R's draws cannot be reproduced: the tests check the formula.
* ``brr``: two PSUs per stratum, half-samples from a Hadamard matrix (Sylvester, or one given as R's
  ``hadamard.matrix``); with ``fay_rho`` the Fay variant, factors ``2 - rho`` / ``rho``,
  ``scale = 1/(R (1-rho)^2)``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis._columns import readonly
from analysis.errors import DesignError, WeightError
from analysis.stages import LonelyPSU

if TYPE_CHECKING:
    from analysis.design import Design

DEFAULT_BOOTSTRAP_REPLICATES = 50


class ReplicateType(StrEnum):
    JK1 = "jk1"
    JKN = "jkn"
    BOOTSTRAP = "bootstrap"
    BRR = "brr"
    FAY = "fay"
    OTHER = "other"
    """Replicate weights from a file whose scale and rscales are given explicitly."""


@dataclass(frozen=True, eq=False)
class Replicates:
    """Replicate weights of a design: ``factors`` of the base weights per unit (PSU, or row when per_row)."""

    type: ReplicateType
    factors: np.ndarray
    """Units x replicates."""
    per_row: bool
    """True for replicate weights read from a file: the units are the rows and the factors are the weights."""
    scale: float
    rscales: np.ndarray
    mse: bool
    df: int
    """Degrees of freedom for intervals: rank of the replicate weights minus 1, as R's ``degf()``."""
    fay_rho: float = 0.0

    @property
    def n_replicates(self) -> int:
        return int(self.factors.shape[1])


# ---------------------------------------------------------------------------------------------- from a design
def from_design(
    design: Design,
    type: ReplicateType | str,
    *,
    replicates: int | None = None,
    seed: int | None = None,
    fay_rho: float = 0.0,
    mse: bool = False,
    hadamard: np.ndarray | None = None,
) -> Replicates:
    """Replicate factors for ``design``'s strata and PSUs (see the module docstring for each type)."""
    kind = _type(type)
    if replicates is not None and kind is not ReplicateType.BOOTSTRAP:
        raise DesignError(f"the number of replicates is fixed by the design for {kind.value} (only bootstrap "
                          "takes it)")
    f = np.asarray(design.sampling_fraction, dtype=np.float64)
    if kind is ReplicateType.JK1:
        if design.has_strata:
            raise DesignError("jk1 is for unstratified designs (R refuses it too); use jkn for a stratified design")
        factors, rscales, scale = _jackknife(design, f)
    elif kind is ReplicateType.JKN:
        if not design.has_strata:
            raise DesignError("jkn needs strata; use jk1 or bootstrap for an unstratified design")
        factors, rscales, scale = _jackknife(design, f)
    elif kind is ReplicateType.BOOTSTRAP:
        count = DEFAULT_BOOTSTRAP_REPLICATES if replicates is None else int(replicates)
        if count < 2:
            raise DesignError(f"a bootstrap needs at least 2 replicates, got {count}")
        factors = _bootstrap(design, f, count, seed)
        rscales, scale = np.ones(count), 1.0 / (count - 1)
    elif kind in (ReplicateType.BRR, ReplicateType.FAY):
        if kind is ReplicateType.FAY and not 0.0 < fay_rho < 1.0:
            raise DesignError(f"Fay's rho must lie strictly between 0 and 1, got {fay_rho}")
        if kind is ReplicateType.BRR and not 0.0 <= fay_rho < 1.0:
            raise DesignError(f"Fay's rho must lie in [0, 1), got {fay_rho}")
        factors = _brr(design, fay_rho, hadamard)
        kind = ReplicateType.FAY if fay_rho > 0 else ReplicateType.BRR
        rscales, scale = np.ones(factors.shape[1]), 1.0 / (factors.shape[1] * (1.0 - fay_rho) ** 2)
    else:
        raise DesignError("replicate type 'other' only applies to replicate weights read from a file")
    df = int(np.linalg.matrix_rank(factors)) - 1
    return Replicates(kind, readonly(factors), False, float(scale), readonly(rscales), bool(mse), df,
                      float(fay_rho))


def _type(type: ReplicateType | str) -> ReplicateType:
    try:
        return ReplicateType(str(type).lower())
    except ValueError:
        choices = ", ".join(t.value for t in ReplicateType)
        raise DesignError(f"unknown replicate type '{type}' (choose one of: {choices})") from None


def _jackknife(design: Design, f: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Delete-one-PSU factors within strata (JK1 is the one-stratum case) and their rscales."""
    n_h = design.n_psu_in_stratum
    complete = (1.0 - f) < 1e-7
    columns: list[np.ndarray] = []
    rscales: list[float] = []
    psu_stratum = design.psu_stratum
    lonely = (n_h == 1) & ~complete
    for h in range(design.n_strata):
        if complete[h] or n_h[h] == 1:
            continue  # exhaustively sampled strata need no replicate; lonely ones are handled below
        members = np.flatnonzero(psu_stratum == h)
        block = np.ones((design.n_psu, len(members)))
        block[members, :] = n_h[h] / (n_h[h] - 1.0)
        block[members, np.arange(len(members))] = 0.0
        columns.append(block)
        rscales.extend([(1.0 - f[h]) * (n_h[h] - 1.0) / n_h[h]] * len(members))
    if lonely.any():
        if design.lonely_psu is LonelyPSU.ADJUST:
            # R's jknweights(lonely.psu = "adjust"): drop the stratum, scale every other up by H/(H-1).
            n_strata = design.n_strata
            for h in np.flatnonzero(lonely).tolist():
                column = np.where(psu_stratum == h, 0.0, n_strata / (n_strata - 1.0))
                columns.append(column[:, None])
                rscales.append((n_strata - 1.0) / n_strata)
        elif design.lonely_psu is LonelyPSU.CENTERED:
            raise DesignError("lonely_psu='centered' has no jackknife equivalent; use 'certainty', 'remove' "
                              "or 'adjust' with replicate weights")
    if not columns:
        raise DesignError("every stratum was sampled completely: there is no sampling variance to replicate")
    factors = np.concatenate(columns, axis=1)
    scale = 1.0
    if not design.has_strata:
        # JK1 keeps R's form: rscales 1 and scale (1-f)(n-1)/n.
        scale, rscales = rscales[0], [1.0] * len(rscales)
    return factors, np.asarray(rscales), scale


def _bootstrap(design: Design, f: np.ndarray, count: int, seed: int | None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    factors = np.ones((design.n_psu, count))
    for h in range(design.n_strata):
        start, n_h = int(design.stratum_psu_start[h]), int(design.n_psu_in_stratum[h])
        if n_h < 2:
            continue  # a lonely PSU cannot be resampled: it contributes no variance (R's "certainty")
        draws = rng.integers(0, n_h, size=(count, n_h - 1))
        counts = np.zeros((count, n_h))
        np.add.at(counts, (np.repeat(np.arange(count), n_h - 1), draws.ravel()), 1.0)
        rescaled = counts.T * (n_h / (n_h - 1.0))
        shrink = np.sqrt(max(0.0, 1.0 - f[h]))
        factors[start:start + n_h, :] = 1.0 + shrink * (rescaled - 1.0)
    return factors


def sylvester_hadamard(size: int) -> np.ndarray:
    """The 0/1 Sylvester Hadamard matrix of order ``size`` (a power of 2): H[i, j] = parity of bits of i & j."""
    i = np.arange(size)[:, None] & np.arange(size)[None, :]
    bits = np.zeros_like(i)
    while i.any():
        bits ^= i & 1
        i = i >> 1
    return bits.astype(np.int64)


def _brr(design: Design, rho: float, hadamard: np.ndarray | None) -> np.ndarray:
    if not design.has_strata:
        raise DesignError("BRR needs strata of two PSUs; use jk1 or bootstrap for an unstratified design")
    bad = np.flatnonzero(design.n_psu_in_stratum != 2)
    if len(bad):
        names = ", ".join(str(s) for s in design.strata_levels[bad][:5])
        raise DesignError(f"BRR needs exactly 2 PSUs in every stratum; {len(bad)} stratum/strata differ "
                          f"({names}); use jkn or bootstrap")
    n_strata = design.n_strata
    if hadamard is None:
        size = 1
        while size < n_strata + 1:
            size *= 2
        h_matrix = sylvester_hadamard(size)
    else:
        h_matrix = _checked_hadamard(hadamard, n_strata)
    # As R's brrweights: stratum h (in order of the strata) uses row h + 1 (the first row is all equal);
    # H = 0 puts the second PSU of the stratum (in data order) in the half-sample, H = 1 the first.
    first_row = np.full(design.n_psu, design.n, dtype=np.int64)
    np.minimum.at(first_row, design.psu, np.arange(design.n))
    factors = np.empty((design.n_psu, h_matrix.shape[1]))
    for h in range(n_strata):
        start = int(design.stratum_psu_start[h])
        pair = np.array([start, start + 1])
        first, second = pair[np.argsort(first_row[pair], kind="stable")]
        row = h_matrix[h + 1]
        factors[first] = np.where(row == 1, 2.0 - rho, rho)
        factors[second] = np.where(row == 1, rho, 2.0 - rho)
    return factors


def _checked_hadamard(matrix: np.ndarray, n_strata: int) -> np.ndarray:
    h = np.asarray(matrix)
    if h.ndim != 2 or h.shape[0] < n_strata + 1:
        raise DesignError(f"the Hadamard matrix needs at least {n_strata + 1} rows (strata + 1)")
    values = np.unique(h)
    if len(values) != 2:
        raise DesignError("the Hadamard matrix must hold exactly two different values")
    binary = (h != values[0]).astype(np.int64)
    signs = 2.0 * binary - 1.0
    gram = signs.T @ signs
    if not np.allclose(gram, np.eye(h.shape[1]) * h.shape[0]):
        raise DesignError("the matrix is not a Hadamard matrix (its columns are not orthogonal)")
    return binary


# ---------------------------------------------------------------------------------------------- from a file
def from_columns(
    design: Design,
    weights: str | Sequence[str] | np.ndarray,
    type: ReplicateType | str,
    *,
    scale: float | None = None,
    rscales: Sequence[float] | np.ndarray | None = None,
    fay_rho: float | None = None,
    mse: bool = False,
    df: int | None = None,
) -> Replicates:
    """Replicate weights given per row, as R's ``svrepdesign(repweights = , type = , scale = , rscales = )``.

    ``weights`` is a regular expression matched against ``design.data``'s column names (R's
    ``repweights = "pattern"``; a plain prefix works), a list of column names, or a rows x replicates array.
    The weights are full replicate weights (R's ``combined.weights = TRUE``). ``scale`` defaults as R's:
    BRR ``1/R``, Fay ``1/(R (1-rho)^2)``, bootstrap ``1/(R-1)``, JK1 ``(R-1)/R``; JKn needs ``rscales`` and
    "other" needs both.
    """
    kind = _type(type)
    matrix, names = _matrix(design, weights)
    count = matrix.shape[1]
    if rscales is not None:
        rs = np.asarray(rscales, dtype=np.float64).ravel()
        if rs.size == 1:
            rs = np.full(count, float(rs[0]))
        if rs.size != count or not np.isfinite(rs).all() or (rs < 0).any():
            raise DesignError(f"rscales must hold {count} non-negative numbers (one per replicate), got {rs.size}")
    else:
        if kind is ReplicateType.JKN:
            raise DesignError("JKn replicate weights need rscales ((n_h-1)/n_h of each replicate's stratum)")
        rs = np.ones(count)
    rho = 0.0
    if kind is ReplicateType.FAY:
        if fay_rho is None or not 0.0 < fay_rho < 1.0:
            raise DesignError("Fay replicate weights need fay_rho strictly between 0 and 1")
        rho = float(fay_rho)
    defaults = {
        ReplicateType.BRR: 1.0 / count,
        ReplicateType.FAY: 1.0 / (count * (1.0 - rho) ** 2),
        ReplicateType.BOOTSTRAP: 1.0 / max(count - 1, 1),
        ReplicateType.JK1: (count - 1.0) / count,
        ReplicateType.JKN: 1.0,
    }
    if scale is None:
        if kind is ReplicateType.OTHER:
            raise DesignError("replicate type 'other' needs an explicit scale")
        scale = defaults[kind]
    if not (np.isfinite(scale) and scale > 0):
        raise DesignError(f"the replicate scale must be a positive number, got {scale}")
    if df is None:
        df = _rank(matrix) - 1
    del names
    return Replicates(kind, readonly(matrix), True, float(scale), readonly(rs), bool(mse), int(df), rho)


def _matrix(design: Design, weights: str | Sequence[str] | np.ndarray) -> tuple[np.ndarray, list[str]]:
    data: pd.DataFrame = design.data
    if isinstance(weights, str):
        try:
            pattern = re.compile(weights)
        except re.error as exc:
            raise DesignError(f"invalid replicate weight pattern {weights!r}: {exc}") from None
        names = [str(c) for c in data.columns if pattern.match(str(c))]
        if not names:
            raise DesignError(f"no column name starts with / matches {weights!r}: no replicate weights found")
    elif isinstance(weights, np.ndarray):
        matrix = np.asarray(weights, dtype=np.float64)
        if matrix.ndim != 2 or matrix.shape[0] != design.n:
            raise DesignError(f"replicate weights must be a {design.n} x R array, got shape {matrix.shape}")
        return _checked(matrix, [f"replicate {i + 1}" for i in range(matrix.shape[1])]), []
    else:
        names = [str(c) for c in weights]
        missing = [c for c in names if c not in data.columns]
        if missing:
            raise DesignError(f"replicate weight column '{missing[0]}' is not in the data")
    if len(names) < 2:
        raise DesignError(f"at least 2 replicate weight columns are needed, found {len(names)} ({', '.join(names)})")
    try:
        matrix = data[names].to_numpy(dtype=np.float64)
    except (TypeError, ValueError):
        raise WeightError(f"replicate weight columns must be numeric ({', '.join(names[:3])}, ...)") from None
    return _checked(matrix, names), names


def _checked(matrix: np.ndarray, names: list[str]) -> np.ndarray:
    if matrix.shape[1] < 2:
        raise DesignError("at least 2 replicates are needed")
    # Two reductions without temporaries: NaN propagates into min/max, so finite bounds >= 0 mean all is well.
    low, high = float(matrix.min()), float(matrix.max())
    if np.isfinite(low) and np.isfinite(high) and low >= 0:
        return np.ascontiguousarray(matrix)
    bad = ~np.isfinite(matrix)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise WeightError(f"replicate weight {names[col]} is missing or infinite at row {row + 1}")
    if (matrix < 0).any():
        row, col = np.argwhere(matrix < 0)[0]
        raise WeightError(f"replicate weight {names[col]} is negative at row {row + 1}")
    return np.ascontiguousarray(matrix)


_RANK_SAMPLE_ROWS = 50_000


def _rank(matrix: np.ndarray) -> int:
    """Rank of a rows x R matrix from its R x R cross-product (one BLAS pass instead of a tall QR).

    A subset of the rows is tried first: its rank can only be lower, so when it already has full column rank
    (the usual case) that is the answer, without the full pass over a million rows."""
    if matrix.shape[0] > _RANK_SAMPLE_ROWS:
        step = matrix.shape[0] // _RANK_SAMPLE_ROWS + 1
        sampled = _gram_rank(matrix[::step])
        if sampled == matrix.shape[1]:
            return sampled
    return _gram_rank(matrix)


def _gram_rank(matrix: np.ndarray) -> int:
    gram = matrix.T @ matrix
    eigen = np.linalg.eigvalsh(gram)
    top = float(eigen.max())
    if top <= 0:
        return 0
    # Singular values are the square roots; R's qr(tol = 1e-5) is relative to the largest column norm.
    return int((np.sqrt(np.maximum(eigen, 0.0)) > 1e-5 * np.sqrt(top)).sum())


def attach(design: Design, replicates: Replicates) -> Design:
    if replicates.per_row and replicates.factors.shape[0] != design.n:
        raise DesignError("replicate weights do not have one row per data row")
    if not replicates.per_row and replicates.factors.shape[0] != design.n_psu:
        raise DesignError("replicate factors do not have one row per PSU")
    return dataclasses.replace(design, replicates=replicates)
