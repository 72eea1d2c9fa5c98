"""How the command line reads a CSV and what the values typed on the command line mean.

The rule, the same whichever CSV engine or pandas version reads the file:

* Columns the CLI groups or compares (``--strata``, ``--cluster``, ``--by``, margin variables, the
  ``--proportion`` column and every column named in ``--where``) are read as **text**, kept as a pandas
  Categorical with ``str`` categories in text order, so that no reader's type inference can change them.
* Such a column is **numeric** when every non-empty value in it parses as a number. Then a value given on
  the command line that parses as a number is compared as a number (``q=1`` matches ``1``, ``1.0`` and
  ``01``), and in ``--where`` the column is a float column (``q != 9``, ``age >= 18``). Otherwise the
  column is text: given values are compared with the text exactly as written in the file, and in
  ``--where`` the values must be quoted (``sex == 'F'``).
* Weights, ``--fpc`` and the ``--mean`` column are read as numbers (float64); a cell that is not a number
  is an error naming its row.
* Only empty cells are missing ("NA", "null" and the like are ordinary text).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis._columns import to_float
from analysis.errors import DataError

ENGINES = ("pyarrow", "pandas")
ENGINE = os.environ.get("ANALYSIS_CSV_ENGINE", "pyarrow")
"""CSV engine: "pyarrow" (multi-threaded, the default) or "pandas" (its C parser). Both give the same frame;
the environment variable ANALYSIS_CSV_ENGINE exists so that the benchmark can compare them."""

_SHOWN_VALUES = 12


def read_csv(
    path: str, *, text: Sequence[str] = (), numeric: Sequence[str] = (), engine: str | None = None
) -> pd.DataFrame:
    """Read only ``text`` and ``numeric`` columns (text wins when a column is in both), typed as above."""
    text_set = set(text)
    number_set = set(numeric) - text_set
    columns = list(dict.fromkeys([*text, *numeric]))
    engine = engine or ENGINE
    if engine not in ENGINES:
        raise DataError(f"unknown CSV engine {engine!r} (ANALYSIS_CSV_ENGINE: one of {', '.join(ENGINES)})")
    frame = _read_pyarrow(path, columns, text_set) if engine == "pyarrow" else None
    if frame is None:
        frame = _read_pandas(path, columns, text_set)
    if frame.empty:
        raise DataError(f"data file {path} has no rows")
    for column in columns:
        if column in text_set:
            frame[column] = _sorted_categories(frame[column])
        elif column in number_set and frame[column].dtype != np.float64:
            frame[column] = to_float(frame[column], f"'{column}'")
    return frame[columns]


def _read_pyarrow(path: str, columns: list[str], text: set[str]) -> pd.DataFrame | None:
    """The file read by pyarrow, or None when a numeric column holds text (pandas then names the row)."""
    import pyarrow as pa
    from pyarrow import csv

    types = {c: pa.dictionary(pa.int32(), pa.string()) if c in text else pa.float64() for c in columns}
    convert = csv.ConvertOptions(
        column_types=types, include_columns=columns, null_values=[""], strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    try:
        table = csv.read_csv(path, convert_options=convert)
    except pa.ArrowInvalid as exc:
        if "conversion error to double" in str(exc):
            return None
        raise DataError(f"cannot read {path}: {_first_line(exc)}") from None
    return table.to_pandas()


def _read_pandas(path: str, columns: list[str], text: set[str]) -> pd.DataFrame:
    dtype: dict[str, Any] = dict.fromkeys(text, str)
    try:
        return pd.read_csv(path, usecols=columns, dtype=dtype, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise DataError(f"cannot read {path}: {_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _sorted_categories(series: pd.Series) -> pd.Series:
    """A Categorical with ``str`` categories in text order, whatever the reader produced."""
    if not isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype("category")
    categories = np.array([str(c) for c in series.cat.categories], dtype=object)
    order = np.argsort(categories, kind="stable")
    # Recoding with numpy: pandas' reorder_categories costs several times more on a million rows.
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    codes = series.cat.codes.to_numpy()
    recoded = np.where(codes >= 0, rank[np.maximum(codes, 0)], -1)
    labels = pd.Index(categories[order])
    return pd.Series(pd.Categorical.from_codes(recoded, labels), index=series.index, name=series.name)


def level_numbers(series: pd.Series) -> np.ndarray | None:
    """The categories of a text column as numbers when every one parses as a number, else None."""
    categories = series.cat.categories
    if len(categories) == 0:
        return None
    numbers = pd.to_numeric(pd.Series(np.asarray(categories, dtype=object)), errors="coerce")
    values = numbers.to_numpy(dtype=np.float64)
    return None if np.isnan(values).any() else values


def indicator(series: pd.Series, values: Sequence[str], column: str) -> np.ndarray:
    """1.0 where the row's value is one of ``values``, 0.0 elsewhere, NaN where the cell is empty.

    An error when no row holds any of the values: a share of 0 is then almost always a mistyped code.
    """
    given = [v.strip() for v in values]
    categories = [str(c) for c in series.cat.categories]
    numbers = level_numbers(series)
    if numbers is None:
        hit = np.array([c in set(given) for c in categories], dtype=bool)
    else:
        wanted = [n for n in (_number(v) for v in given) if n is not None]
        hit = np.isin(numbers, wanted) | np.array([c in set(given) for c in categories], dtype=bool)
    codes = series.cat.codes.to_numpy()
    if not hit[codes[codes >= 0]].any():
        shown = ", ".join(_preview(categories if numbers is None else _number_texts(numbers)))
        raise DataError(
            f"none of the values {', '.join(given)} occurs in column '{column}' (its values: {shown}); "
            "a proportion of values that never occur is almost always a mistyped code"
        )
    result = np.where(hit[np.maximum(codes, 0)], 1.0, 0.0)
    result[codes < 0] = np.nan
    return result


def where_mask(frame: pd.DataFrame, expression: str, columns: Iterable[str]) -> np.ndarray:
    """Evaluate a pandas query expression with numeric text columns as numbers (see the module rule)."""
    typed: dict[str, Any] = {}
    for column in columns:
        series = frame[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            numbers = level_numbers(series)
            if numbers is not None:
                codes = series.cat.codes.to_numpy()
                series = pd.Series(np.where(codes >= 0, numbers[np.maximum(codes, 0)], np.nan), index=frame.index)
        typed[column] = series
    view = pd.DataFrame(typed, index=frame.index)
    try:
        result = view.eval(expression)
    except Exception as exc:  # pandas raises many types for a bad expression
        raise DataError(f"invalid subpopulation expression {expression!r}: {_first_line(exc)}") from None
    mask = np.asarray(result)
    if mask.shape != (len(frame),) or mask.dtype.kind != "b":
        raise DataError("the subpopulation condition must give one true/false value per row")
    return mask


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return None if np.isnan(value) else value


def _number_texts(numbers: np.ndarray) -> list[str]:
    return [str(int(v)) if float(v).is_integer() else repr(float(v)) for v in np.unique(numbers)]


def _preview(values: list[str]) -> list[str]:
    return values if len(values) <= _SHOWN_VALUES else [*values[:_SHOWN_VALUES], "…"]
