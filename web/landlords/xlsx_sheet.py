"""A landlord's XLSX workbook as a table of text cells: the archive checked first (:mod:`xlsx_archive`), then
the sheet the template names (or the first visible one) read with openpyxl in read-only mode.

Every way openpyxl can fail on a damaged or crafted workbook becomes an :class:`UploadRefusedError` saying
which row it reached, never an error page.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from web.landlords.refusal import UploadRefusedError
from web.landlords.template import SHEET_TITLE
from web.landlords.xlsx_archive import check_archive

NOT_A_WORKBOOK = ("The file is not an XLSX workbook we can read: save it again as 'Excel Workbook (.xlsx)' "
                  "or as CSV UTF-8")


def xlsx_cells(content: bytes) -> list[list[str]]:
    """The text of each row of the workbook's tenancy sheet (UploadRefusedError for anything else)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            check_archive(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, ValueError,
            OSError):  # RuntimeError: an encrypted part
        raise UploadRefusedError(NOT_A_WORKBOOK) from None
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged or disguised file
        raise UploadRefusedError(NOT_A_WORKBOOK) from None
    try:
        return _sheet_cells(chosen_sheet(book))
    finally:
        book.close()


def chosen_sheet(book: Workbook) -> Any:
    """The visible sheet named as the template's, else the first visible sheet of rows (not a chart)."""
    visible = [sheet for sheet in book.worksheets if sheet.sheet_state == "visible"]
    named = [sheet for sheet in visible if sheet.title.strip().casefold() == SHEET_TITLE.casefold()]
    if named:
        return named[0]
    if visible:
        return visible[0]
    raise UploadRefusedError("The workbook has no visible sheet of rows (only charts, or hidden sheets). Put the "
                             "tenancy changes on a visible sheet, as in the template")


def _sheet_cells(sheet: Any) -> list[list[str]]:
    table: list[list[str]] = []
    # The sheet's own <dimension> is not trusted: openpyxl would pad every row to its width.
    sheet.reset_dimensions()
    rows: Iterator[tuple[Any, ...]] = sheet.iter_rows()
    while True:
        try:
            row = next(rows, None)
        except Exception:  # noqa: BLE001 - openpyxl fails inside its iterator on a malformed cell
            raise UploadRefusedError(f"Row {len(table) + 1} has a cell we cannot read (for example a number cell "
                                     "holding text). Save the workbook again from your spreadsheet, or as CSV "
                                     "UTF-8") from None
        if row is None:
            return table
        table.append([_cell_text(len(table) + 1, cell) for cell in row])


def _cell_text(number: int, cell: Any) -> str:
    if getattr(cell, "data_type", None) == "f":
        raise UploadRefusedError(f"Row {number} has a formula. Replace formulas with their values (copy, then "
                                 "paste values) and upload the file again")
    return cell_text(getattr(cell, "value", None))


def cell_text(value: object) -> str:
    """A cell's value as the text a landlord typed: dates as 2026-05-01, whole numbers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a UPRN or account number typed as a number
    return str(value)
