"""The landlord file's columns (the one place they are written down) and the templates the page offers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook


@dataclass(frozen=True)
class Column:
    name: str
    required: str  # "yes", "no", or when it is needed
    meaning: str
    example_start: str
    example_end: str


COLUMNS = (
    Column("change", "yes", "start (a tenancy starts: the tenants move in) or end (it ends: they move out)",
           "start", "end"),
    Column("date", "yes", "The day the tenancy starts or the day the tenants leave: 2026-05-01 or 01/05/2026",
           "2026-05-01", "2026-05-31"),
    Column("uprn", "no", "The property's UPRN, up to 12 digits, if you know it", "100090000001", "100090000002"),
    Column("address_line_1", "yes", "Building and street of the let property", "1 Acacia Avenue", "2 Acacia Avenue"),
    Column("address_line_2", "no", "Second address line", "", ""),
    Column("town", "yes", "Town or city", "Exampleton", "Exampleton"),
    Column("postcode", "yes", "Postcode of the let property", "ZY1 6WW", "ZY1 6WW"),
    Column("tenant_names", "yes", "Full name of every adult tenant, separated by semicolons",
           "Sam Taylor; Alex Taylor", "Rosa Singh"),
    Column("tenant_email", "one of email or phone", "The lead tenant's email address", "sam.taylor@example.com",
           "rosa.singh@example.com"),
    Column("tenant_phone", "one of email or phone", "The lead tenant's telephone number", "", "01632 960 002"),
    Column("forwarding_line_1", "for an end", "Building and street of the tenants' new address", "",
           "12 Long Lane"),
    Column("forwarding_town", "for an end", "Town or city of the new address", "", "Elsewhere"),
    Column("forwarding_postcode", "for an end", "Postcode of the new address", "", "SW1A 2AA"),
    Column("account_number", "no", "The tenants' Council Tax account number, for an end, if you know it", "",
           "500000001"),
    Column("owner_name", "no", "For an end: the owner of the home (you, or your client if you are the letting "
           "agent), who pays the Council Tax while it is empty; it corrects the council's register", "",
           "Quayside Homes Ltd"),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
SHEET_TITLE = "Tenancy changes"  # the sheet a workbook is read from, when it has one of that name
REQUIRED_COLUMNS = ("change", "date", "address_line_1", "town", "postcode", "tenant_names")


def _example_rows() -> list[list[str]]:
    return [[c.example_start for c in COLUMNS], [c.example_end for c in COLUMNS]]


def csv_template() -> bytes:
    """The CSV template: the header row and two example rows (a start and an end)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    writer.writerows(_example_rows())
    return out.getvalue().encode("utf-8")


def xlsx_template() -> bytes:
    """The same template as an XLSX workbook (text cells only: no formulas)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    sheet.append(list(COLUMN_NAMES))
    for row in _example_rows():
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
