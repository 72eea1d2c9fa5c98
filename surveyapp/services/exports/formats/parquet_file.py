"""Parquet through pyarrow, one row group per chunk; variable labels and codes in the file's metadata."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from surveyapp.services.exports.table import ExportTable


def schema(table: ExportTable) -> pa.Schema:
    types = {"number": pa.float64(), "flag": pa.float64(), "time": pa.timestamp("us")}
    fields = [
        pa.field(v.name, types.get(v.kind, pa.string()), metadata={"label": v.label, "code": v.code})
        for v in table.variables
    ]
    labels = {v.name: {"label": v.label, "values": v.labels, "missing": list(v.special)} for v in table.variables}
    return pa.schema(fields, metadata={"surveyapp.variables": json.dumps(labels, ensure_ascii=False)})


def write(table: ExportTable, chunks: Iterator[pd.DataFrame], path: Path, codebook: list[dict[str, object]]) -> int:
    target = schema(table)
    rows = 0
    with pq.ParquetWriter(path, target) as writer:
        for chunk in chunks:
            writer.write_table(pa.Table.from_pandas(chunk, schema=target, preserve_index=False))
            rows += len(chunk)
        if rows == 0:
            writer.write_table(target.empty_table())
    return rows
