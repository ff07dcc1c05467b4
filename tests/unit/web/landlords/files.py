"""Landlord files for tests: good, mixed (one bad row), hostile; as CSV text or XLSX bytes."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from openpyxl import Workbook

from web.landlords.template import COLUMN_NAMES

HEADER = ",".join(COLUMN_NAMES)
START = ("start,2026-05-01,100090000001,1 Acacia Avenue,,Exampleton,ZY1 6WW,Sam Taylor; Alex Taylor,sam@example.com,"
         ",,,,,")
END = ("end,31/05/2026,100090000002,2 Acacia Avenue,,Exampleton,ZY1 6WW,Rosa Singh,,01632 960 002,"
       "12 Long Lane,Elsewhere,SW1A 2AA,500000001,Quayside Homes Ltd")
BAD_POSTCODE = "start,2026-05-02,,3 Acacia Avenue,,Exampleton,NOT A POSTCODE,Femi Hughes,femi@example.com,,,,,,"


def csv_file(*rows: str) -> bytes:
    return "\r\n".join((HEADER, *rows)).encode()


def xlsx_file(rows: Sequence[Sequence[object]], header: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header or list(COLUMN_NAMES))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_not_xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return out.getvalue()
