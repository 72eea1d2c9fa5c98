"""Population margins: read from a CSV file or a frame, and how a data value is written in one."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import TypeAlias

import numpy as np
import pandas as pd

from analysis.errors import MarginError

Margins: TypeAlias = Mapping[str, Mapping[str, float]]
"""Population margins: variable -> {category (as text) -> population total}."""


def read_margins(path: str | Path) -> dict[str, dict[str, float]]:
    """Read a margins CSV with columns ``variable,category,total`` (categories kept as text)."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise MarginError(f"margins file not found: {path}") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise MarginError(f"cannot read margins file {path}: {exc}") from None
    return margins_from_frame(frame, source=str(path))


def margins_from_frame(frame: pd.DataFrame, source: str = "margins") -> dict[str, dict[str, float]]:
    missing = [c for c in ("variable", "category", "total") if c not in frame.columns]
    if missing:
        raise MarginError(f"{source} lacks column(s) {', '.join(missing)} (need variable,category,total)")
    if frame.empty:
        raise MarginError(f"{source} has no rows")
    margins: dict[str, dict[str, float]] = {}
    for row_number, (variable, category, total) in enumerate(
        zip(frame["variable"], frame["category"], frame["total"], strict=True), start=2
    ):
        variable, category = str(variable).strip(), str(category).strip()
        try:
            value = float(total)
        except (TypeError, ValueError):
            raise MarginError(f"{source} line {row_number}: total {total!r} is not a number") from None
        if not math.isfinite(value) or value <= 0:
            raise MarginError(f"{source} line {row_number}: total for {variable}={category} must be positive")
        categories = margins.setdefault(variable, {})
        if category in categories:
            raise MarginError(f"{source} line {row_number}: {variable}={category} is listed twice")
        categories[category] = value
    return margins


def level_text(value: object) -> str:
    """How a data value is written in a margins file: integral floats without the '.0'."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()
