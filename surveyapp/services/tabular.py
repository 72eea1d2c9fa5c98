"""Reading the CSV and XLSX files researchers import, with row numbers for messages."""

from __future__ import annotations

import csv
import hashlib
import io
import math
from dataclasses import dataclass
from pathlib import Path


class ImportFileError(Exception):
    """An import file cannot be used; the message names the file, line and column, and how to fix it."""


@dataclass(frozen=True)
class Table:
    path: Path
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line number as the researcher sees it, values)
    sha256: str


def read_table(path: Path, required: list[str]) -> Table:
    if not path.exists():
        raise ImportFileError(f"{path}: no such file")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        columns, rows = xlsx_rows(path)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFileError(f"{path}: not UTF-8 text; save it as 'CSV UTF-8' or as .xlsx") from None
        reader = csv.DictReader(io.StringIO(text))
        columns = [c.strip() for c in reader.fieldnames or []]
        rows = []
        for line, raw in enumerate(reader, start=2):
            if None in raw:
                raise ImportFileError(f"{path}:{line}: more values than columns in the header")
            values = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
            if any(values.values()):
                rows.append((line, values))
    missing = [c for c in required if c not in columns]
    if missing:
        raise ImportFileError(
            f"{path}: column(s) {', '.join(missing)} missing; the file needs {', '.join(required)}"
            f" (found: {', '.join(columns) or 'no header'})"
        )
    if not rows:
        raise ImportFileError(f"{path}: no data rows")
    return Table(path, columns, rows, digest)


def xlsx_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(f"{path}: not a readable .xlsx workbook ({error.__class__.__name__})") from None
    sheet = workbook.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = next(lines, None) or ()
    columns = [str(c).strip() if c is not None else "" for c in header]
    rows = []
    for line, values in enumerate(lines, start=2):
        record = {col: ("" if v is None else str(v).strip()) for col, v in zip(columns, values, strict=False) if col}
        if any(record.values()):
            rows.append((line, record))
    workbook.close()
    return columns, rows


def number(table: Table, line: int, column: str, value: str, *, allow_empty: bool = False) -> float | None:
    if value == "" and allow_empty:
        return None
    try:
        result = float(value.replace(",", ".").replace(" ", "").replace("\u00a0", ""))
    except ValueError:
        raise ImportFileError(f"{table.path}:{line}: {column} {value!r} is not a number") from None
    if not math.isfinite(result):
        # float() reads "NaN", "inf" and "1e400" (infinity); the database and the weighting cannot use them.
        raise ImportFileError(f"{table.path}:{line}: {column} {value!r} is not a finite number")
    if result < 0:
        raise ImportFileError(f"{table.path}:{line}: {column} {value!r} is negative; counts and totals cannot be")
    return result
