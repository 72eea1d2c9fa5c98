"""CSV (UTF-8 with a byte-order mark, so spreadsheet programs read Kazakh letters): written chunk by chunk,
never the whole table in memory; the codebook as a second CSV beside it (<file>.codebook.csv)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pandas as pd

from surveyapp.services.exports.codebook import COLUMNS
from surveyapp.services.exports.safe_text import safe_cell, safe_frame
from surveyapp.services.exports.table import ExportTable

TIME_FORMAT: Final = "%Y-%m-%dT%H:%M:%S"


def codebook_path(path: Path) -> Path:
    return path.with_name(path.name + ".codebook.csv")


def write(table: ExportTable, chunks: Iterator[pd.DataFrame], path: Path, codebook: list[dict[str, object]]) -> int:
    rows = 0
    text = [v.name for v in table.variables if v.kind in {"text", "code"}]
    times = [v.name for v in table.variables if v.kind == "time"]
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write(",".join(table.names) + "\n")
        for chunk in chunks:
            # The times formatted here, not by to_csv's date_format: with a date_format pandas also looks at
            # every cell of every text column for a date to format, a Python call per cell.
            for name in times:
                chunk[name] = chunk[name].dt.strftime(TIME_FORMAT)
            safe_frame(chunk, text).to_csv(out, header=False, index=False, lineterminator="\n")
            rows += len(chunk)
    with codebook_path(path).open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in codebook)
    return rows
