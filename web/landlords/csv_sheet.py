"""A landlord's CSV file as a table of text cells: UTF-8 only, every row held to the cells a spreadsheet row
of tenancy changes could need."""

from __future__ import annotations

import csv
import io

from web.landlords.refusal import UploadRefusedError
from web.landlords.xlsx_archive import MAX_CELLS_PER_ROW, MAX_ROW_ELEMENTS


def csv_cells(content: bytes) -> list[list[str]]:
    """The cells of each line of the file, as written (UploadRefusedError when it is not CSV UTF-8)."""
    if b"\x00" in content:
        raise UploadRefusedError("The file is not a spreadsheet: save it as CSV UTF-8 or XLSX")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadRefusedError("The CSV file must be saved as 'CSV UTF-8'") from None
    table: list[list[str]] = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if number > MAX_ROW_ELEMENTS:
                raise UploadRefusedError(f"The file has more than {MAX_ROW_ELEMENTS:,} lines, blank or not. "
                                         "Keep only the tenancy changes")
            if len(cells) > MAX_CELLS_PER_ROW:
                raise UploadRefusedError(f"Row {number} has more than {MAX_CELLS_PER_ROW} cells. "
                                         "Keep only the template's columns")
            table.append(cells)
    except csv.Error:
        raise UploadRefusedError("The CSV file could not be read: check it was saved as CSV UTF-8") from None
    return table
