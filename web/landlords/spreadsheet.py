"""Reading a landlord's file: a CSV or an XLSX workbook of tenancy changes, refused whole when it is not a
spreadsheet we can read safely.

Refused: a file over :data:`MAX_FILE_BYTES`, more than :data:`MAX_ROWS` rows, a file that is neither CSV
text nor an XLSX workbook, a workbook over any limit of :mod:`web.landlords.xlsx_archive`, any value a
spreadsheet would run as a formula (:mod:`web.landlords.formula_rule`, the same for both kinds of file), and
columns that are missing or not in the template. Each row comes back with its row number as the spreadsheet
shows it and its values normalised.

:func:`read_rows` does the whole reading in the calling process; the web app runs it in a child process with
memory and time limits (:mod:`web.landlords.parse_process`), after the cheap checks of :func:`upload_kind`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from web.landlords.csv_sheet import csv_cells
from web.landlords.formula_rule import FormulaFoundError, checked_value
from web.landlords.refusal import UploadRefusedError
from web.landlords.template import COLUMN_NAMES, REQUIRED_COLUMNS
from web.landlords.xlsx_sheet import xlsx_cells

__all__ = ["MAX_CELL_LENGTH", "MAX_FILE_BYTES", "MAX_ROWS", "FileKind", "SheetRow", "UploadRefusedError",
           "read_kind", "read_rows", "rows_of", "upload_kind"]

MAX_FILE_BYTES = 512 * 1024
MAX_ROWS = 500
MAX_CELL_LENGTH = 300
_XLSX_MAGIC = b"PK\x03\x04"


class FileKind(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True)
class SheetRow:
    number: int  # as the spreadsheet numbers it: the header is row 1
    values: dict[str, str]


def upload_kind(filename: str, content: bytes) -> FileKind:
    """What the file is, from its first bytes and its name: the checks that need no parsing."""
    if len(content) > MAX_FILE_BYTES:
        raise UploadRefusedError(f"The file must be smaller than {MAX_FILE_BYTES // 1024} KB. "
                                 f"Split it into files of up to {MAX_ROWS} rows")
    if not content.strip():
        raise UploadRefusedError("The file is empty")
    name = filename.lower()
    if content.startswith(_XLSX_MAGIC):
        if not name.endswith(".xlsx"):
            raise UploadRefusedError("The file must be a CSV or an XLSX file")
        return FileKind.XLSX
    if name.endswith(".csv"):
        return FileKind.CSV
    raise UploadRefusedError("The file must be a CSV or an XLSX file. Save it from your spreadsheet as "
                             "'CSV UTF-8' or 'Excel Workbook (.xlsx)'")


def read_rows(filename: str, content: bytes) -> list[SheetRow]:
    """The data rows of a CSV or XLSX file (blank rows skipped), or UploadRefusedError."""
    return read_kind(upload_kind(filename, content), content)


def read_kind(kind: FileKind, content: bytes) -> list[SheetRow]:
    """The data rows of a file already known to be CSV or XLSX."""
    return rows_of(xlsx_cells(content) if kind is FileKind.XLSX else csv_cells(content))


def rows_of(table: list[list[str]]) -> list[SheetRow]:
    """The table's data rows under its header row, every value through the formula rule."""
    if not table or not any(cell.strip() for cell in table[0]):
        raise UploadRefusedError("The first row must name the columns, as in the template")
    header = _header([_checked(1, index, cell, []) for index, cell in enumerate(table[0])])
    rows = []
    for number, raw in enumerate(table[1:], start=2):
        cells = [_checked(number, index, cell, header) for index, cell in enumerate(raw)]
        if not any(cells):
            continue
        if any(cells[len(header):]):
            raise UploadRefusedError(f"Row {number} has values outside the named columns")
        if any(len(cell) > MAX_CELL_LENGTH for cell in cells):
            raise UploadRefusedError(f"Row {number} has a cell longer than {MAX_CELL_LENGTH} characters")
        rows.append(SheetRow(number, {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)}))
        if len(rows) > MAX_ROWS:
            raise UploadRefusedError(f"The file has more than {MAX_ROWS} rows. Split it into smaller files")
    if not rows:
        raise UploadRefusedError("The file has no tenancy changes under the column names")
    return rows


def _header(cells: list[str]) -> list[str]:
    header = [cell.lower().replace(" ", "_") for cell in cells]
    while header and not header[-1]:
        header.pop()
    unknown = [name for name in header if name not in COLUMN_NAMES]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if unknown or missing or len(set(header)) != len(header):
        problems = ([f"columns not in the template: {', '.join(unknown)}"] if unknown else []) + (
            [f"missing columns: {', '.join(missing)}"] if missing else []) + (
            ["a column is named twice"] if len(set(header)) != len(header) else [])
        raise UploadRefusedError("The columns must be those of the template (" + "; ".join(problems) + ")")
    return header


def _checked(number: int, index: int, raw: str, header: list[str]) -> str:
    column = header[index] if index < len(header) else None
    try:
        return checked_value(raw, column)
    except FormulaFoundError as found:
        where = column or f"column {_column_letters(index + 1)}"
        raise UploadRefusedError(
            f"Row {number} has a formula in {where}: a value starting with {_described(str(found))}. Remove "
            "formulas (values starting with =, +, -, @, a tab or a carriage return) and upload the file again"
        ) from None


def _described(start: str) -> str:
    return {"\t": "a tab", "\r": "a carriage return"}.get(start, start)


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
