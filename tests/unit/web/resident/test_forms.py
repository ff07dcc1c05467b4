"""Reading the resident's form fields: GOV.UK date errors, postcodes, contact details."""

from __future__ import annotations

from datetime import date

import pytest

from web.resident.forms import DateWording, FormErrors, parse_contact, parse_date, parse_postcode


@pytest.mark.parametrize(("fields", "message"), [
    ({}, "Enter the date you moved in"),
    ({"d-day": "3"}, "Date you moved in must include a month and year"),
    ({"d-day": "31", "d-month": "2", "d-year": "2026"}, "Date you moved in must be a real date"),
    ({"d-day": "x", "d-month": "2", "d-year": "2026"}, "Date you moved in must be a real date"),
    ({"d-day": "1", "d-month": "2", "d-year": "26"}, "Year must include 4 numbers"),
])
def test_date_errors_follow_the_govuk_pattern(fields: dict[str, str], message: str) -> None:
    errors = FormErrors()
    assert parse_date(fields, errors, "d", DateWording("date you moved in")) is None
    assert [e["text"] for e in errors.summary()] == [message]


def test_a_good_date_and_postcode_are_read() -> None:
    errors = FormErrors()
    assert parse_date({"d-day": "07", "d-month": "3", "d-year": "2026"}, errors, "d", DateWording("x")) == date(
        2026, 3, 7)
    assert parse_postcode({"postcode": " zy31aa "}, errors) == "ZY3 1AA"
    assert not errors


def test_contact_needs_a_name_and_a_way_to_reach_them() -> None:
    errors = FormErrors()
    assert parse_contact({"contact-name": "Sam Taylor"}, errors) is None
    assert errors.summary() == [{"text": "Enter an email address or a telephone number so we can contact you",
                                 "href": "#contact-email"}]
    errors = FormErrors()
    long_email = "a" * 250 + "@example.com"
    assert parse_contact({"contact-name": "Sam", "contact-email": long_email}, errors) is None
    assert errors.message("contact-email") is not None
