"""The correction form for every kind: read back unchanged, corrected where review needs a person."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from schemas.notification import ChangeKind, NotificationRequest
from web.intake.api_examples import example_requests
from web.staff.review.correction_form import (
    corrected_change,
    detail_rows,
    errors_from_validation,
    initial_values,
    text_fields,
)

TODAY = date(2026, 5, 12)


def _change(name: str) -> dict[str, object]:
    return NotificationRequest.model_validate(example_requests(TODAY)[name]).change.model_dump(mode="json")


@pytest.mark.parametrize("name", sorted(example_requests(TODAY)))
def test_every_kind_reads_back_unchanged(name: str) -> None:
    change = _change(name)
    corrected, errors = corrected_change(change, initial_values(change))
    assert errors == {}
    assert NotificationRequest.model_validate({"contact": example_requests(TODAY)[name]["contact"],
                                               "change": corrected}).change.model_dump(mode="json") == change


def test_an_officer_corrects_a_certificate_and_the_account_reference() -> None:
    change = _change("student_exemption")
    assert [f.key for f in text_fields(change)] == ["students-0-certificate_reference",
                                                     "students-1-certificate_reference", "account_reference"]
    form = {**initial_values(change), "students-1-certificate_reference": "UOE/20259999", "account_reference": ""}
    corrected, errors = corrected_change(change, form)
    assert errors == {}
    assert corrected["students"][1]["certificate_reference"] == "UOE/20259999"
    assert corrected["account_reference"] is None
    assert change["students"][1]["certificate_reference"] == "UOE/20255678"  # type: ignore[index]
    assert any(row["key"]["text"] == "Student" for row in detail_rows(change))


def test_a_change_of_name_needs_the_name_on_the_account() -> None:
    change = _change("change_of_name")
    assert change["kind"] == ChangeKind.CHANGE_OF_NAME.value
    _, errors = corrected_change(change, {**initial_values(change), "previous_name": ""})
    assert errors == {"previous_name": "Enter the name on the account now"}
    _, errors = corrected_change(change, {**initial_values(change), "effective_date-month": "13"})
    assert errors == {"effective_date-day": "Enter a real date of the change, for example 27 3 2026"}


def test_a_bad_certificate_error_lands_on_its_field() -> None:
    change = _change("student_exemption")
    corrected, _ = corrected_change(change, {**initial_values(change), "students-0-certificate_reference": "UOE<1>"})
    with pytest.raises(ValidationError) as raised:
        NotificationRequest.model_validate({"contact": example_requests(TODAY)["student_exemption"]["contact"],
                                            "change": corrected})
    assert "students-0-certificate_reference" in errors_from_validation(raised.value, "student_exemption")


def test_an_officer_names_the_owner_of_the_home_a_move_out_left_empty() -> None:
    change = _change("move_out")
    assert change["landlord_name"] is None
    assert "landlord_name" in [f.key for f in text_fields(change)]
    corrected, errors = corrected_change(change, {**initial_values(change), "landlord_name": " Quayside Homes Ltd "})
    assert errors == {}
    assert corrected["landlord_name"] == "Quayside Homes Ltd"
    request = NotificationRequest.model_validate({"contact": example_requests(TODAY)["move_out"]["contact"],
                                                  "change": corrected})
    assert request.change.model_dump()["landlord_name"] == "Quayside Homes Ltd"
