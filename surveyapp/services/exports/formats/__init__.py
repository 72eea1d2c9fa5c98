"""One module per file format, each with ``write(table, chunks, path, codebook)``; registered in FORMATS."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final

import pandas as pd

from surveyapp.services.exports.formats import csv_file, parquet_file, spss, stata, xlsx_file
from surveyapp.services.exports.table import ExportTable

Writer = Callable[[ExportTable, Iterator[pd.DataFrame], Path, list[dict[str, object]]], int]

FORMATS: Final[dict[str, Writer]] = {
    "csv": csv_file.write,
    "xlsx": xlsx_file.write,
    "sav": spss.write,
    "dta": stata.write,
    "parquet": parquet_file.write,
}
