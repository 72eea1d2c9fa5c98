"""Turning user columns into numpy arrays and integer codes, with errors that name the column."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import DataError, DesignError

# A column argument is either the name of a column of the design's data or the values themselves.
Column = str | Sequence[Any] | np.ndarray | pd.Series


def resolve(data: pd.DataFrame | None, column: Column, n: int, what: str) -> np.ndarray | pd.Series:
    """Return the values a column argument stands for, checked to have one value per row."""
    if isinstance(column, str):
        if data is None:
            raise DataError(f"{what} '{column}' given by name but the design has no data frame")
        if column not in data.columns:
            raise DataError(f"unknown column '{column}' ({what})")
        return data[column]
    values = column if isinstance(column, pd.Series | np.ndarray) else np.asarray(column)
    if len(values) != n:
        raise DataError(f"{what} has {len(values)} values but the design has {n} rows")
    return values


def label(column: Column, what: str) -> str:
    return f"'{column}'" if isinstance(column, str) else what


def to_float(values: np.ndarray | pd.Series, name: str) -> np.ndarray:
    """Numeric values as float64; text that is not a number is an error, empty cells become NaN."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    arr = np.asarray(values)
    if arr.dtype.kind in "biuf":
        return arr.astype(np.float64, copy=False)
    converted = pd.to_numeric(pd.Series(arr), errors="coerce").to_numpy(dtype=np.float64)
    bad = np.isnan(converted) & ~pd.isna(pd.Series(arr)).to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DataError(f"column {name} is not numeric (row {row + 1}: {arr[row]!r})")
    return converted


def factorize(values: np.ndarray | pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (-1 for missing) and the sorted distinct values they point to.

    A pandas Categorical keeps its own category order (the CLI uses that to sort domains numerically)
    and costs nothing to encode, which matters for million-row files.
    """
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy().astype(np.int64)
        levels = np.asarray(values.cat.categories, dtype=object)
        used = np.bincount(codes[codes >= 0], minlength=len(levels)) > 0
        if used.all():
            return codes, levels
        remap = np.cumsum(used) - 1
        codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
        return codes, levels[used]
    codes, uniques = pd.factorize(np.asarray(values), sort=True, use_na_sentinel=True)
    return codes.astype(np.int64, copy=False), np.asarray(uniques, dtype=object)


def no_missing(codes: np.ndarray, name: str) -> None:
    """Refuse codes from :func:`factorize` that mark a missing design variable (strata, PSUs, SSUs)."""
    if (codes < 0).any():
        row = int(np.flatnonzero(codes < 0)[0]) + 1
        raise DesignError(f"{name} has {int((codes < 0).sum())} missing values (first at row {row})")


def readonly(array: np.ndarray) -> np.ndarray:
    """A read-only array, copied if needed, so a design shared between estimates cannot be altered."""
    array = np.asarray(array)
    if array.flags.writeable:
        array = array.copy()
        array.flags.writeable = False
    return array


def nest(outer: np.ndarray, inner: np.ndarray, n_inner_levels: int) -> tuple[np.ndarray, np.ndarray]:
    """Number the units of a stage within the stage above: each distinct (outer, inner) pair becomes one unit,
    numbered so that the units of one outer unit are consecutive (in order of first appearance within it).
    Returns each row's unit and each unit's outer unit, the layout the variance sums over."""
    key = outer * n_inner_levels + inner
    first_seen, unique_keys = pd.factorize(key, sort=False)
    unsorted_outer = unique_keys // n_inner_levels
    order = np.argsort(unsorted_outer, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[first_seen], unsorted_outer[order]

