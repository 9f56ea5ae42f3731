"""Reading uploaded tables (CSV or XLSX) into rows of text, the same way for every import.

CSV: UTF-8 with or without BOM, comma or semicolon. XLSX: the first sheet. Column names are matched
after lower-casing and trimming, through a map of accepted names (Swedish aliases welcome)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass

MAX_ROWS = 100_000


class TableError(ValueError):
    """The file cannot be read as a table; the message says why (in English, for the log and the tests)."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]  # the canonical names found
    rows: list[dict[str, str]]  # canonical name -> text, one dict per data row
    first_row_number: int = 2  # the row number, as a spreadsheet shows it, of rows[0]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TableError("the file is not UTF-8 text", "encoding") from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise TableError("the file is not a readable XLSX workbook", "xlsx") from error
    try:
        sheet = workbook.worksheets[0]
        return [[_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1)]
    finally:
        workbook.close()


def read_table(filename: str, data: bytes, aliases: Mapping[str, str], required: tuple[str, ...] = ()) -> Table:
    """Rows keyed by canonical column names. `aliases` maps every accepted header (lower case) to its
    canonical name; unknown columns are ignored; a missing required column is an error."""
    kind = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if kind == "xlsx":
        raw = _xlsx_rows(data)
    elif kind in ("csv", "txt"):
        raw = _csv_rows(data)
    else:
        raise TableError("only CSV and XLSX files can be read", "type")
    raw = [row for row in raw if any(cell for cell in row)]
    if not raw:
        raise TableError("the file is empty", "empty")
    header = [aliases.get(cell.strip().lower()) for cell in raw[0]]
    missing = [name for name in required if name not in header]
    if missing:
        raise TableError(f"missing columns: {', '.join(missing)}", "columns")
    if len(raw) - 1 > MAX_ROWS:
        raise TableError(f"more than {MAX_ROWS} rows", "size")
    rows = [
        {name: (row[index] if index < len(row) else "") for index, name in enumerate(header) if name} for row in raw[1:]
    ]
    return Table(columns=tuple(name for name in header if name), rows=rows)
