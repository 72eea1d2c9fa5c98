"""The sheets of an XLSForm workbook as numbered rows of cells, whatever it was saved as.

.xlsx (openpyxl), .xls (xlrd, with pyxform's reading of its numbers and dates), one CSV file in pyxform's
layout (the sheet name in the first column, as `xls2xform` reads it), or a folder or .zip holding one CSV per
sheet (survey.csv, choices.csv, settings.csv). Row numbers are the ones the author sees: the spreadsheet row,
or the line of the CSV file. Sheet names are lower case.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import xlrd
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from pyxform.xls2json_backends import xls_value_to_unicode

from .errors import QuestionnaireError

# A sheet: its rows as (row number, cells), the header first.
Table = Iterator[tuple[int, list[Any]]]

_FORMATS = ".xlsx (Excel), .xls (Excel 97-2003), .csv, or a folder or .zip of survey.csv, choices.csv, settings.csv"


def read_tables(path: Path) -> dict[str, Table]:
    suffix = path.suffix.lower()
    if path.is_dir():
        return _csv_files(path, {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.is_file()})
    if suffix == ".zip":
        return _zip(path)
    if suffix == ".csv":
        return _pyxform_csv(path, _read(path))
    if suffix == ".xls":
        return _xls(path)
    return _xlsx(path)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise QuestionnaireError(f"{path}: cannot be read ({error.strerror})") from None


def _xlsx(path: Path) -> dict[str, Table]:
    try:
        with warnings.catch_warnings():
            # Workbooks saved by Google Sheets or KoboToolbox lack styles or carry unknown properties; openpyxl
            # says so, and neither matters to the questions read here.
            warnings.simplefilter("ignore", UserWarning)
            workbook = load_workbook(path, read_only=True, data_only=True)
        tables = {
            sheet.title.strip().lower(): iter(
                [(number, list(values)) for number, values in enumerate(sheet.iter_rows(values_only=True), 1)]
            )
            for sheet in workbook.worksheets
        }
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
        raise QuestionnaireError(
            f"{path}: not a readable .xlsx workbook ({error}); the import reads {_FORMATS}"
        ) from None
    workbook.close()
    return tables


def _xls(path: Path) -> dict[str, Table]:
    try:
        book = xlrd.open_workbook(file_contents=_read(path))
    except (xlrd.XLRDError, OSError, ValueError, AssertionError, IndexError) as error:
        raise QuestionnaireError(
            f"{path}: not a readable .xls workbook ({error}); the import reads {_FORMATS}"
        ) from None
    tables: dict[str, Table] = {}
    try:
        for sheet in book.sheets():
            rows = []
            for index in range(sheet.nrows):
                cells: list[Any] = []
                for cell in sheet.row(index):
                    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        cells.append(None)
                    else:
                        try:
                            cells.append(xls_value_to_unicode(cell.value, cell.ctype, book.datemode))
                        except xlrd.xldate.XLDateError:
                            raise QuestionnaireError(
                                f"{path}:{sheet.name.strip().lower()}:{index + 1}: a date Excel cannot place "
                                f"({cell.value!r}) (fix: type the date as text, e.g. '2024-01-31)"
                            ) from None
                rows.append((index + 1, cells))
            tables[sheet.name.strip().lower()] = iter(rows)
    finally:
        book.release_resources()
    return tables


def _text(path: Path | str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise QuestionnaireError(f"{path}: not UTF-8 text; save the CSV as UTF-8") from None


def _pyxform_csv(path: Path, data: bytes) -> dict[str, Table]:
    """One CSV file holding every sheet: a row whose first cell is a sheet name starts that sheet (its other
    cells, or the next row's, are the header); data rows leave the first cell empty."""
    tables: dict[str, list[tuple[int, list[Any]]]] = {}
    sheet: str | None = None
    for number, row in enumerate(csv.reader(io.StringIO(_text(path, data), newline="")), 1):
        if not row:
            continue
        first, rest = row[0].strip(), row[1:]
        if first:
            sheet = first.lower()
            tables.setdefault(sheet, [])
        if sheet is None:
            if any(cell.strip() for cell in row):
                raise QuestionnaireError(
                    f"{path}:{number}: a row before any sheet name (fix: start the file with a row "
                    "'survey,type,name,label'; or save each sheet as survey.csv, choices.csv, settings.csv in a "
                    "folder or .zip)"
                )
            continue
        if any(cell.strip() for cell in rest):
            tables[sheet].append((number, rest))
    return {name: iter(rows) for name, rows in tables.items()}


def _csv_files(where: Path | str, files: dict[str, bytes]) -> dict[str, Table]:
    tables: dict[str, Table] = {}
    for name, data in files.items():
        stem, _, extension = PurePosixPath(name).name.rpartition(".")
        if extension.lower() != "csv" or not stem or stem.startswith("."):
            continue
        reader = csv.reader(io.StringIO(_text(f"{where}/{name}", data), newline=""))
        tables[stem.strip().lower()] = iter(list(enumerate(reader, 1)))
    if "survey" not in tables:
        raise QuestionnaireError(f"{where}: no survey.csv; the import reads {_FORMATS}")
    return tables


def _zip(path: Path) -> dict[str, Table]:
    try:
        with zipfile.ZipFile(path) as archive:
            files = {
                info.filename: archive.read(info)
                for info in archive.infolist()
                if not info.is_dir() and "__MACOSX" not in info.filename and info.file_size < 20_000_000
            }
    except (zipfile.BadZipFile, OSError) as error:
        raise QuestionnaireError(f"{path}: not a readable .zip ({error}); the import reads {_FORMATS}") from None
    return _csv_files(path, files)
