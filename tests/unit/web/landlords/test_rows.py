"""A landlord's row as a notification: a start is a move-in, an end a move-out; problems name the column."""

from __future__ import annotations

from datetime import date

import pytest

from schemas.notification import MoveIn, MoveOut, NotificationRequest, Tenure
from tests.unit.web.landlords.files import BAD_POSTCODE, END, START, csv_file
from web.landlords.rows import RowProblem, row_request
from web.landlords.spreadsheet import read_rows


def _values(row: str) -> dict[str, str]:
    return read_rows("t.csv", csv_file(row))[0].values


def test_a_tenancy_start_is_a_move_in_of_every_tenant() -> None:
    request = row_request(_values(START))
    assert isinstance(request, NotificationRequest)
    assert isinstance(request.change, MoveIn)
    assert request.change.move_in_date == date(2026, 5, 1)
    assert [r.full_name for r in request.change.residents] == ["Sam Taylor", "Alex Taylor"]
    assert request.change.tenure is Tenure.PRIVATE_TENANT
    assert (request.contact.full_name, request.contact.email) == ("Sam Taylor", "sam@example.com")


def test_a_tenancy_end_is_a_move_out_to_the_forwarding_address() -> None:
    request = row_request(_values(END))
    assert isinstance(request, NotificationRequest)
    assert isinstance(request.change, MoveOut)
    assert (request.change.move_out_date, request.change.account_reference) == (date(2026, 5, 31), "500000001")
    assert request.change.landlord_name == "Quayside Homes Ltd"  # the owner, liable while the home is empty
    assert request.change.forwarding_address.postcode == "SW1A 2AA"


@pytest.mark.parametrize(("change", "column", "reason"), [
    ({"postcode": "NOT A POSTCODE"}, "postcode", "Enter a real postcode"),
    ({"change": "renewal"}, "change", "Enter start"),
    ({"date": "31/02/2026"}, "date", "Enter the date as"),
    ({"tenant_names": " ; "}, "tenant_names", "full name of every adult"),
    ({"tenant_email": "", "tenant_phone": ""}, "tenant_email", "email address or a telephone number"),
    ({"uprn": "12x"}, "uprn", "UPRN"),
    ({"account_number": "500<1>"}, "account_number", "The account number is not in the right format"),
    ({"forwarding_line_1": "", "forwarding_town": "", "forwarding_postcode": ""}, "forwarding_line_1", "new address"),
    ({"owner_name": "Homes <Ltd>"}, "owner_name", "owner's or agent's name must only include"),
])
def test_a_bad_row_names_the_column_and_the_reason(change: dict[str, str], column: str, reason: str) -> None:
    problem = row_request({**_values(END), **change})
    assert isinstance(problem, RowProblem)
    assert problem.column == column
    assert reason in problem.reason


def test_the_mixed_files_bad_row_is_its_postcode() -> None:
    assert row_request(_values(BAD_POSTCODE)) == RowProblem("postcode", "Enter a real postcode, like SW1A 2AA")
