"""XLSX: a data sheet streamed row by row (openpyxl's write-only mode) and the codebook as a second sheet."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pandas as pd
from openpyxl import Workbook

from surveyapp.services.exports.codebook import COLUMNS
from surveyapp.services.exports.safe_text import safe_cell
from surveyapp.services.exports.table import ExportTable

MAX_ROWS: Final = 1_048_575  # a worksheet's rows less the header


class TooManyRowsError(ValueError):
    pass


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    # openpyxl stores a string starting with "=" as a formula: neutralized like the CSV's text cells.
    return safe_cell(value)


def write(table: ExportTable, chunks: Iterator[pd.DataFrame], path: Path, codebook: list[dict[str, object]]) -> int:
    book = Workbook(write_only=True)
    data = book.create_sheet("data")
    data.append(table.names)
    rows = 0
    for chunk in chunks:
        rows += len(chunk)
        if rows > MAX_ROWS:
            raise TooManyRowsError(f"{rows} rows do not fit in one XLSX sheet; export csv, parquet, sav or dta")
        for record in chunk.itertuples(index=False, name=None):
            data.append([_cell(v) for v in record])
    for repeat in table.repeats:
        # One sheet per repeat, named as the repeat (codes are at most 64 characters, sheet names 31).
        long = book.create_sheet(repeat.code[:31])
        long.append(repeat.table.names)
        for record in repeat.frame.itertuples(index=False, name=None):
            long.append([_cell(v) for v in record])
    sheet = book.create_sheet("codebook")
    sheet.append(list(COLUMNS))
    for row in codebook:
        sheet.append([safe_cell(row[c]) for c in COLUMNS])
    book.save(path)
    return rows
