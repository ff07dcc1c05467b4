"""Reading a landlord's file: CSV and XLSX alike, and every kind of file refused whole with a clear reason."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import datetime

import pytest
from openpyxl import Workbook

from tests.unit.web.landlords.files import BAD_POSTCODE, END, HEADER, START, csv_file, xlsx_file, zip_not_xlsx
from tests.unit.web.landlords.hostile_files import good_xlsx, rezipped
from web.landlords.spreadsheet import MAX_FILE_BYTES, MAX_ROWS, UploadRefusedError, read_rows
from web.landlords.template import COLUMN_NAMES, SHEET_TITLE, csv_template, xlsx_template


def test_the_templates_read_back_as_two_rows() -> None:
    for name, content in (("t.csv", csv_template()), ("t.xlsx", xlsx_template())):
        rows = read_rows(name, content)
        assert [r.number for r in rows] == [2, 3]
        assert rows[0].values["change"] == "start"
        assert rows[1].values["forwarding_postcode"] == "SW1A 2AA"


def test_csv_rows_are_numbered_as_the_spreadsheet_shows_them_and_blank_rows_skipped() -> None:
    rows = read_rows("tenancies.CSV", csv_file(START, ",,,,,,,,,,,,,", END, BAD_POSTCODE))
    assert [r.number for r in rows] == [2, 4, 5]
    assert rows[1].values["date"] == "31/05/2026"


def test_xlsx_dates_and_numbers_read_as_text() -> None:
    content = xlsx_file([["start", datetime(2026, 5, 1), 100090000001, "1 Acacia Avenue", None, "Exampleton",
                          "ZY1 6WW", "Sam Taylor", "sam@example.com"]])
    (row,) = read_rows("t.xlsx", content)
    assert (row.values["date"], row.values["uprn"], row.values["address_line_2"]) == ("2026-05-01", "100090000001", "")


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "must be a CSV or an XLSX file"),
    ("tenancies.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "not a spreadsheet"),
    ("tenancies.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "must be a CSV or an XLSX file"),
    ("tenancies.xlsx", zip_not_xlsx(), "not an XLSX workbook we can read"),
    ("tenancies.xlsx", b"PK\x03\x04garbage", "not an XLSX workbook we can read"),
    ("tenancies.csv", "\r\n".join((HEADER, START)).encode("utf-16"), "not a spreadsheet"),
    ("tenancies.csv", b"", "empty"),
    ("tenancies.csv", b"x" * (MAX_FILE_BYTES + 1), "smaller than 512 KB"),
    ("tenancies.csv", csv_file(*[START] * (MAX_ROWS + 1)), f"more than {MAX_ROWS} rows"),
    ("tenancies.csv", csv_file(START.replace("Sam Taylor", '=HYPERLINK("http://evil.example")')), "formula"),
    ("tenancies.csv", csv_file(START.replace("Sam Taylor", "@SUM(A1)")), "formula"),
    ("tenancies.csv", csv_file(START.replace("Sam Taylor", "-2+3")), "formula"),
    ("tenancies.csv", b"change,date,postcde\r\nstart,2026-05-01,ZY1 6WW", "columns not in the template: postcde"),
    ("tenancies.csv", b"change,date\r\nstart,2026-05-01", "missing columns: address_line_1"),
    ("tenancies.csv", csv_file(), "no tenancy changes"),
    ("tenancies.csv", csv_file(START + ",surplus"), "outside the named columns"),
])
def test_files_that_are_refused_whole(name: str, content: bytes, reason: str) -> None:
    with pytest.raises(UploadRefusedError, match=reason):
        read_rows(name, content)


def test_an_xlsx_formula_is_refused() -> None:
    content = xlsx_file([["start", "2026-05-01", "", "1 Acacia Avenue", "", "Exampleton", "ZY1 6WW",
                          "=CONCAT(\"Sam\",\" Taylor\")", "sam@example.com"]])
    with pytest.raises(UploadRefusedError, match="Row 2 has a formula"):
        read_rows("t.xlsx", content)


def test_a_phone_number_with_a_plus_is_not_a_formula_and_is_stored_without_it() -> None:
    (row,) = read_rows("t.csv", csv_file(START.replace("sam@example.com,", "sam@example.com,+44 808 157 0192")))
    assert row.values["tenant_phone"] == "0808 157 0192"
    assert len(COLUMN_NAMES) == 15


def test_the_sheet_the_template_names_is_read_even_when_it_is_not_the_first() -> None:
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    notes.append(list(COLUMN_NAMES))
    notes.append(START.replace("Sam Taylor", "Not This One").split(","))
    changes = book.create_sheet(SHEET_TITLE)
    changes.append(list(COLUMN_NAMES))
    changes.append(END.split(","))
    out = io.BytesIO()
    book.save(out)
    (row,) = read_rows("t.xlsx", out.getvalue())
    assert row.values["tenant_names"] == "Rosa Singh"


@pytest.mark.parametrize(("build", "reason"), [
    (lambda: rezipped(good_xlsx(), add={f"xl/media/image{i}.png": b"\x89PNG" for i in range(200)}),
     "more than 200 parts"),
    (lambda: rezipped(good_xlsx(), add={"../../etc/cron.d/x": b"x"}), "damaged"),
    (lambda: _without("[Content_Types].xml"), "not an XLSX workbook"),
    (lambda: rezipped(good_xlsx(), add={"xl/media/big.png": bytes(2 * 1024 * 1024)}), "unpacks to more than 1 MB"),
])
def test_archives_no_real_workbook_would_be_are_refused(build: Callable[[], bytes], reason: str) -> None:
    with pytest.raises(UploadRefusedError, match=reason):
        read_rows("t.xlsx", build())


def _without(name: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good_xlsx())) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info))
    return out.getvalue()
