"""One writer per file format, driven by the column definitions: rows are dicts of plain values by column name.

Every text cell goes through core.spreadsheet.safe_cell, so that a title like "=HYPERLINK(...)" opens as text
in any spreadsheet; numbers stay numbers."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time
from enum import Enum
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from coaction.core.spreadsheet import safe_cell, spreadsheet_csv
from coaction.opendata.dictionary import HEADER, Column, dictionary_rows

Row = Mapping[str, Any]


def plain(value: Any) -> Any:
    """A value as the files write it: None as empty, times in ISO 8601 (UTC with a Z), codes as their text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _ordered(columns: Sequence[Column], rows: Iterable[Row]) -> Iterable[list]:
    """Each row's values in the columns' order: a row without one of the columns fails loudly (one source)."""
    names = [column.name for column in columns]
    for row in rows:
        yield [plain(row[name]) for name in names]


def table_csv(columns: Sequence[Column], rows: Iterable[Row], delimiter: str = ",") -> bytes:
    return spreadsheet_csv([column.name for column in columns], _ordered(columns, rows), delimiter=delimiter)


def dictionary_csv(columns: Sequence[Column], delimiter: str = ",") -> bytes:
    return spreadsheet_csv(HEADER, dictionary_rows(columns), delimiter=delimiter)


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    # openpyxl refuses control characters, and would write a text starting with "=" as a formula.
    return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def table_xlsx(columns: Sequence[Column], rows: Iterable[Row], sheet: str = "data") -> bytes:
    """A workbook with the data on its first sheet and the dictionary on a second, written as it streams."""
    workbook = Workbook(write_only=True)
    data = workbook.create_sheet(sheet[:31])  # Excel's limit on a sheet's name
    data.append([column.name for column in columns])
    for values in _ordered(columns, rows):
        data.append([_xlsx_cell(value) for value in values])
    dictionary = workbook.create_sheet("dictionary")
    dictionary.append(list(HEADER))
    for values in dictionary_rows(columns):
        dictionary.append([_xlsx_cell(value) for value in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
