"""One formula rule for every cell of a CSV or an XLSX file: each variant refused in both formats, decided
after the value is normalised; a telephone number's leading + stored neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest

from tests.unit.web.landlords.files import START
from tests.unit.web.landlords.hostile_files import xlsx_text_rows, xlsx_text_table
from web.landlords.formula_rule import FormulaFoundError, checked_value, neutral_phone, normalised
from web.landlords.spreadsheet import UploadRefusedError, read_rows
from web.landlords.template import COLUMN_NAMES

FORMULAS = {
    "equals": "=1+2",
    "space then equals": " =2+5",
    "tab then formula": '\t=HYPERLINK("http://evil.example/?x","Click me")',
    "tab then text": "\tSam Taylor",
    "carriage return": "\r=1+1",
    "carriage return then text": "\rSam Taylor",
    "no-break space": "\u00a0=1+1",
    "em space": "\u2003=1+1",
    "ideographic space": "\u3000=1+1",
    "zero-width space": "\u200b=1+1",
    "byte-order mark": "\ufeff=1+1",
    "full-width equals": "\uff1d1+1",
    "plus": "+1+2",
    "minus": "-2+3",
    "lone minus": "-",
    "at": "@SUM(A1)",
    "space then at": "  @SUM(A1)",
    "no-break space then plus": "\u00a0+SUM(A1)",
}
COLUMNS = ["tenant_names", "address_line_1", "town", "postcode", "tenant_email", "account_number", "tenant_phone"]


def _csv_with(column: str, value: str) -> bytes:
    row = START.split(",")
    row[COLUMN_NAMES.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([COLUMN_NAMES, row])
    return out.getvalue().encode()


def _xlsx_with(column: str, value: str) -> bytes:
    row = START.split(",")
    row[COLUMN_NAMES.index(column)] = value
    return xlsx_text_rows([row])


FORMATS: dict[str, tuple[str, Callable[[str, str], bytes]]] = {
    "csv": ("tenancies.csv", _csv_with), "xlsx": ("tenancies.xlsx", _xlsx_with)}


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("variant", FORMULAS)
def test_every_formula_variant_is_refused_in_both_formats(file_format: str, variant: str) -> None:
    name, build = FORMATS[file_format]
    with pytest.raises(UploadRefusedError, match="Row 2 has a formula in tenant_names"):
        read_rows(name, build("tenant_names", FORMULAS[variant]))


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("column", COLUMNS)
def test_every_column_is_held_to_the_rule(file_format: str, column: str) -> None:
    name, build = FORMATS[file_format]
    with pytest.raises(UploadRefusedError, match=f"Row 2 has a formula in {column}"):
        read_rows(name, build(column, "\u00a0=HYPERLINK(\"http://evil.example\")"))


@pytest.mark.parametrize("file_format", FORMATS)
def test_a_header_cell_and_a_cell_beyond_the_columns_are_held_to_it_too(file_format: str) -> None:
    name = FORMATS[file_format][0]
    header_formula = [["=1+1", *COLUMN_NAMES[1:]], START.split(",")]
    beyond = [list(COLUMN_NAMES), [*START.split(","), "@SUM(A1)"]]
    for table, where in ((header_formula, "Row 1 has a formula in column A"),
                         (beyond, "Row 2 has a formula in column P")):
        if file_format == "csv":
            out = io.StringIO()
            csv.writer(out, lineterminator="\r\n").writerows(table)
            content = out.getvalue().encode()
        else:
            content = xlsx_text_table(table)
        with pytest.raises(UploadRefusedError, match=where):
            read_rows(name, content)


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize(("typed", "stored"), [
    ("+44 808 157 0192", "0808 157 0192"),
    ("\u00a0+44 (0)20 7946 0000", "020 7946 0000"),
    ("+33 1 23 45 67 89", "0033 1 23 45 67 89"),
    ("01632 960 002", "01632 960 002"),
])
def test_a_telephone_numbers_plus_is_stored_neutralised(file_format: str, typed: str, stored: str) -> None:
    name, build = FORMATS[file_format]
    (row,) = read_rows(name, build("tenant_phone", typed))
    assert row.values["tenant_phone"] == stored


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("phone", ["-0161 496 0000", "+SUM(1)", "+44 808 157 0192+1", "\t+44 808 157 0192"])
def test_a_telephone_column_formula_is_still_refused(file_format: str, phone: str) -> None:
    name, build = FORMATS[file_format]
    with pytest.raises(UploadRefusedError, match="Row 2 has a formula in tenant_phone"):
        read_rows(name, build("tenant_phone", phone))


@pytest.mark.parametrize("file_format", FORMATS)
def test_values_are_stored_as_normalised(file_format: str) -> None:
    name, build = FORMATS[file_format]
    (row,) = read_rows(name, build("address_line_1", "\u200b 1\u00a0Acacia\u2003 Avenue\u00a0"))
    assert row.values["address_line_1"] == "1 Acacia Avenue"


def test_normalised_folds_compatibility_forms_and_unicode_spaces() -> None:
    assert normalised("\ufeff\u00a0Sam\u202fTaylor\u200b ") == "Sam Taylor"
    assert normalised("\uff1dSUM(A1)") == "=SUM(A1)"
    assert normalised("Zo\u200de") == "Zo\u200de"  # a joiner inside a name is kept


def test_checked_value_says_which_character_started_the_formula() -> None:
    with pytest.raises(FormulaFoundError) as found:
        checked_value("\u00a0@SUM(A1)", "town")
    assert str(found.value) == "@"
    assert checked_value("Exampleton", "town") == "Exampleton"


def test_neutral_phone_refuses_what_is_not_a_number() -> None:
    assert neutral_phone("+447700900123") == "07700900123"
    assert neutral_phone("+44 7700 900123 ext") is None
    assert neutral_phone("-44 7700 900123") is None
