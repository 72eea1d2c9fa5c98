"""CSV (UTF-8 with a byte-order mark, so spreadsheet programs read Kazakh letters): written chunk by chunk,
never the whole table in memory; the codebook as a second CSV beside it (<file>.codebook.csv)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from surveyapp.services.exports.codebook import COLUMNS
from surveyapp.services.exports.safe_text import safe_cell, safe_frame
from surveyapp.services.exports.table import ExportTable


def codebook_path(path: Path) -> Path:
    return path.with_name(path.name + ".codebook.csv")


def write(table: ExportTable, chunks: Iterator[pd.DataFrame], path: Path, codebook: list[dict[str, object]]) -> int:
    rows = 0
    text = [v.name for v in table.variables if v.kind in {"text", "code"}]
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write(",".join(table.names) + "\n")
        for chunk in chunks:
            safe_frame(chunk, text).to_csv(
                out, header=False, index=False, date_format="%Y-%m-%dT%H:%M:%S", lineterminator="\n"
            )
            rows += len(chunk)
    with codebook_path(path).open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in codebook)
    return rows
