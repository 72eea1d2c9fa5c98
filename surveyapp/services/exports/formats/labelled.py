"""What SPSS and Stata share: the whole table in memory (readstat writes a file from one frame), code
columns as integers with their value labels."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from surveyapp.services.exports.table import ExportTable


def whole(table: ExportTable, chunks: Iterator[pd.DataFrame]) -> pd.DataFrame:
    parts = list(chunks)
    if not parts:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in table.names})
    return pd.concat(parts, ignore_index=True)


def text_columns(frame: pd.DataFrame, table: ExportTable) -> None:
    """Strings without None (readstat writes an empty string for a missing text)."""
    for variable in table.variables:
        if variable.kind in {"text", "code"} and not variable.numbers:
            frame[variable.name] = frame[variable.name].fillna("").astype(str)
