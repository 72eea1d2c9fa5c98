"""CSV (UTF-8 with a byte-order mark, so spreadsheet programs read Kazakh letters): written chunk by chunk,
never the whole table in memory; the codebook as a second CSV beside it (<file>.codebook.csv)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from surveyapp.services.exports.codebook import COLUMNS
from surveyapp.services.exports.table import ExportTable


def codebook_path(path: Path) -> Path:
    return path.with_name(path.name + ".codebook.csv")


def write(table: ExportTable, chunks: Iterator[pd.DataFrame], path: Path, codebook: list[dict[str, object]]) -> int:
    rows = 0
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write(",".join(table.names) + "\n")
        for chunk in chunks:
            chunk.to_csv(out, header=False, index=False, date_format="%Y-%m-%dT%H:%M:%S", lineterminator="\n")
            rows += len(chunk)
    with codebook_path(path).open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(codebook)
    return rows
