"""Reading a landlord's file: a CSV or an XLSX workbook of tenancy changes, refused whole when it is not a
spreadsheet we can read safely.

Refused: a file over :data:`MAX_FILE_BYTES`, more than :data:`MAX_ROWS` rows, a file that is neither CSV
text nor an XLSX workbook, a workbook that would unpack to more than :data:`MAX_UNPACKED_BYTES`, any cell
with a formula (an XLSX formula, or a CSV cell that a spreadsheet would run as one), and columns that are
missing or not in the template. Each row comes back with its row number as the spreadsheet shows it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import load_workbook

from web.landlords.template import COLUMN_NAMES, REQUIRED_COLUMNS

MAX_FILE_BYTES = 512 * 1024
MAX_ROWS = 500
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_CELL_LENGTH = 300
_XLSX_MAGIC = b"PK\x03\x04"
# What Excel or LibreOffice would run as a formula when a CSV is opened (OWASP's CSV injection list): a cell
# starting with =, @, a tab or a carriage return, or with + or - unless all that follows is a plain number
# (a telephone number like +44 808 157 0192 is not refused).
_CSV_FORMULA = re.compile(r"^(?:\s*[=@]|[\t\r]|\s*[+-](?![\d\s()]*$))")


class UploadRefusedError(Exception):
    """The whole file is refused; the message says why and what to do, for the landlord to read."""


@dataclass(frozen=True)
class SheetRow:
    number: int  # as the spreadsheet numbers it: the header is row 1
    values: dict[str, str]


def read_rows(filename: str, content: bytes) -> list[SheetRow]:
    """The data rows of a CSV or XLSX file (blank rows skipped), or UploadRefusedError."""
    if len(content) > MAX_FILE_BYTES:
        raise UploadRefusedError(f"The file must be smaller than {MAX_FILE_BYTES // 1024} KB. "
                                 f"Split it into files of up to {MAX_ROWS} rows")
    if not content.strip():
        raise UploadRefusedError("The file is empty")
    name = filename.lower()
    if content.startswith(_XLSX_MAGIC):
        if not name.endswith(".xlsx"):
            raise UploadRefusedError("The file must be a CSV or an XLSX file")
        table = _xlsx_cells(content)
    elif name.endswith(".csv"):
        table = _csv_cells(content)
    else:
        raise UploadRefusedError("The file must be a CSV or an XLSX file. Save it from your spreadsheet as "
                                 "'CSV UTF-8' or 'Excel Workbook (.xlsx)'")
    return _rows(table)


def _csv_cells(content: bytes) -> list[list[str]]:
    if b"\x00" in content:
        raise UploadRefusedError("The file is not a spreadsheet: save it as CSV UTF-8 or XLSX")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadRefusedError("The CSV file must be saved as 'CSV UTF-8'") from None
    try:
        table = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        raise UploadRefusedError("The CSV file could not be read: check it was saved as CSV UTF-8") from None
    for number, cells in enumerate(table, start=1):
        if any(_CSV_FORMULA.match(cell) for cell in cells):
            raise UploadRefusedError(f"Row {number} has a formula. Remove formulas (cells starting with = + - or @) "
                                     "and upload the file again")
    return table


def _xlsx_cells(content: bytes) -> list[list[str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise UploadRefusedError("The workbook is too large once opened. Keep only the tenancy changes")
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except UploadRefusedError:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged or disguised file
        raise UploadRefusedError("The file is not an XLSX workbook we can read: save it again as "
                                 "'Excel Workbook (.xlsx)' or as CSV UTF-8") from None
    try:
        sheet = book.worksheets[0]
        table: list[list[str]] = []
        for number, row in enumerate(sheet.iter_rows(), start=1):
            if number > MAX_ROWS + 1:
                raise UploadRefusedError(f"The file has more than {MAX_ROWS} rows. Split it into smaller files")
            cells = []
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
                    raise UploadRefusedError(f"Row {number} has a formula. Replace formulas with their values "
                                             "(copy, then paste values) and upload the file again")
                cells.append(_cell_text(cell.value))
            table.append(cells)
        return table
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a UPRN or account number typed as a number
    return str(value)


def _rows(table: list[list[str]]) -> list[SheetRow]:
    if not table or not any(cell.strip() for cell in table[0]):
        raise UploadRefusedError("The first row must name the columns, as in the template")
    header = [cell.strip().lower().replace(" ", "_") for cell in table[0]]
    while header and not header[-1]:
        header.pop()
    unknown = [name for name in header if name not in COLUMN_NAMES]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if unknown or missing or len(set(header)) != len(header):
        problems = ([f"columns not in the template: {', '.join(unknown)}"] if unknown else []) + (
            [f"missing columns: {', '.join(missing)}"] if missing else []) + (
            ["a column is named twice"] if len(set(header)) != len(header) else [])
        raise UploadRefusedError("The columns must be those of the template (" + "; ".join(problems) + ")")
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if any(cell.strip() for cell in cells[len(header):]):
            raise UploadRefusedError(f"Row {number} has values outside the named columns")
        if any(len(cell) > MAX_CELL_LENGTH for cell in cells):
            raise UploadRefusedError(f"Row {number} has a cell longer than {MAX_CELL_LENGTH} characters")
        rows.append(SheetRow(number, {name: (cells[i].strip() if i < len(cells) else "")
                                      for i, name in enumerate(header)}))
    if len(rows) > MAX_ROWS:
        raise UploadRefusedError(f"The file has more than {MAX_ROWS} rows. Split it into smaller files")
    if not rows:
        raise UploadRefusedError("The file has no tenancy changes under the column names")
    return rows
