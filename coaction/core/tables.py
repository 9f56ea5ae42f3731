"""Reading uploaded tables (CSV or XLSX) into rows of text, the same way for every import.

CSV: UTF-8 with or without BOM, comma or semicolon. XLSX: the first sheet. Column names are matched
after lower-casing and trimming, through a map of accepted names (Swedish aliases welcome)."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass
from typing import BinaryIO

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


def _csv_rows(source: BinaryIO) -> Iterator[list[str]]:
    text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")

    def lines() -> Iterator[str]:
        try:
            yield from text
        except UnicodeDecodeError as error:
            raise TableError("the file is not UTF-8 text", "encoding") from error

    numbered = lines()
    first_line = next(numbered, "")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    for row in csv.reader(itertools.chain([first_line], numbered), delimiter=delimiter):
        yield [cell.strip() for cell in row]


def _xlsx_rows(source: BinaryIO) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise TableError("the file is not a readable XLSX workbook", "xlsx") from error
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield [_text(cell) for cell in row]
    finally:
        workbook.close()


@dataclass(frozen=True)
class Stream:
    """A table read as it goes: the header is checked at once, the rows come one at a time (a generator: close it
    when stopping early)."""

    columns: tuple[str, ...]
    rows: Generator[dict[str, str], None, None]
    first_row_number: int = 2


def stream_table(filename: str, source: BinaryIO, aliases: Mapping[str, str], required: tuple[str, ...] = ()) -> Stream:
    """Rows keyed by canonical column names, read one at a time from `source`, so that any number of rows fits in
    the same memory. `aliases` maps every accepted header (lower case) to its canonical name; unknown columns are
    ignored; a missing required column is an error. A row the file cannot give (bad UTF-8 further down) raises
    TableError while reading."""
    kind = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if kind == "xlsx":
        raw = _xlsx_rows(source)
    elif kind in ("csv", "txt"):
        raw = _csv_rows(source)
    else:
        raise TableError("only CSV and XLSX files can be read", "type")
    filled = (row for row in raw if any(cell for cell in row))
    first = next(filled, None)
    if first is None:
        raise TableError("the file is empty", "empty")
    header = [aliases.get(cell.strip().lower()) for cell in first]
    missing = [name for name in required if name not in header]
    if missing:
        raw.close()
        raise TableError(f"missing columns: {', '.join(missing)}", "columns")

    def rows() -> Generator[dict[str, str], None, None]:
        try:
            for row in filled:
                yield {name: (row[index] if index < len(row) else "") for index, name in enumerate(header) if name}
        finally:
            raw.close()

    return Stream(columns=tuple(name for name in header if name), rows=rows())


def read_table(filename: str, data: bytes, aliases: Mapping[str, str], required: tuple[str, ...] = ()) -> Table:
    """The whole table at once, at most MAX_ROWS rows (for the imports that show every row before writing)."""
    stream = stream_table(filename, io.BytesIO(data), aliases, required)
    rows = list(itertools.islice(stream.rows, MAX_ROWS + 1))
    stream.rows.close()
    if len(rows) > MAX_ROWS:
        raise TableError(f"more than {MAX_ROWS} rows", "size")
    return Table(columns=stream.columns, rows=rows, first_row_number=stream.first_row_number)
