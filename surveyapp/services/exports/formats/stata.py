"""Stata .dta (format 118, UTF-8) through pyreadstat. Stata labels integers only, so every string code is
mapped to an integer (the mapping is in the codebook) and special answers become extended missing values
(.a don't know, .b refuse, .c not applicable) with their labels."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pandas as pd
import pyreadstat

from surveyapp.services.exports.formats.labelled import text_columns, whole
from surveyapp.services.exports.table import SPECIAL_NUMBERS, STATA_MISSING, ExportTable

LABEL_LIMIT: Final = 80  # characters of a Stata variable label; the codebook keeps the whole text
LETTERS: Final = {SPECIAL_NUMBERS[kind]: letter for kind, letter in STATA_MISSING.items()}


def write(table: ExportTable, chunks: Iterator[pd.DataFrame], path: Path, codebook: list[dict[str, object]]) -> int:
    frame = whole(table, chunks)
    value_labels: dict[str, dict[Any, str]] = {}
    missing: dict[str, list[str]] = {}
    for variable in table.variables:
        if not variable.numbers:
            continue
        stata = {c: LETTERS.get(n, "z") if c in variable.special else n for c, n in variable.numbers.items()}
        column = frame[variable.name].map(stata)
        if variable.special:
            # A numeric column with letters for the extended missing values: pyreadstat's convention.
            frame[variable.name] = column.astype(object).where(column.notna(), None)
            missing[variable.name] = sorted({str(stata[c]) for c in variable.special})
        else:
            frame[variable.name] = column.astype("float64")
        value_labels[variable.name] = {stata[c]: label for c, label in variable.labels.items()}
    text_columns(frame, table)
    pyreadstat.write_dta(
        frame,
        str(path),
        column_labels=[v.label[:LABEL_LIMIT] for v in table.variables],
        variable_value_labels=value_labels,
        missing_user_values=missing,
        version=15,
    )
    return len(frame)
