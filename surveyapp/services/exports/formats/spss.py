"""SPSS .sav through pyreadstat: codes as integers with value labels, special answers as user-missing values
(negative codes, labelled), variable labels in the chosen language (UTF-8, so Kazakh letters survive)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyreadstat
from pyreadstat.pyclasses import MissingRange

from surveyapp.services.exports.formats.labelled import text_columns, whole
from surveyapp.services.exports.table import ExportTable


def write(table: ExportTable, chunks: Iterator[pd.DataFrame], path: Path, codebook: list[dict[str, object]]) -> int:
    frame = whole(table, chunks)
    value_labels: dict[str, dict[float, str]] = {}
    missing: dict[str, list[int | float | str | MissingRange]] = {}
    for variable in table.variables:
        if variable.numbers:
            frame[variable.name] = frame[variable.name].map(variable.numbers).astype("float64")
            value_labels[variable.name] = {float(variable.numbers[c]): label for c, label in variable.labels.items()}
            if variable.special:
                # SPSS allows three discrete missing values per variable: the three kinds of special answer.
                missing[variable.name] = [float(n) for n in sorted(variable.numbers[c] for c in variable.special)[:3]]
    text_columns(frame, table)
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels=[v.label for v in table.variables],
        variable_value_labels=value_labels,
        missing_ranges=missing,
    )
    return len(frame)
