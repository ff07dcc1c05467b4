"""Business validation in the notification models: clear, field-level messages."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from schemas.formats import clean_name, normalise_postcode, normalise_uprn
from schemas.notification import NotificationRequest
from tests.builders import address, move_in, move_out, move_within


def errors(body: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as caught:
        NotificationRequest.model_validate(body)
    return [(".".join(str(p) for p in e["loc"]), e["msg"]) for e in caught.value.errors()]


def request(change: dict[str, Any], **contact: Any) -> dict[str, Any]:
    return {"contact": {"full_name": "Sam Taylor", "email": "sam@example.com", **contact}, "change": change}


@pytest.mark.parametrize(("raw", "clean"), [("sw1a2aa", "SW1A 2AA"), (" M1  1AE ", "M1 1AE"), ("b338th", "B33 8TH"),
                                            ("CR26XH", "CR2 6XH"), ("dn551pt", "DN55 1PT")])
def test_postcodes_are_normalised(raw: str, clean: str) -> None:
    assert normalise_postcode(raw) == clean


@pytest.mark.parametrize("raw", ["", "SW1A", "QX1 1AA", "SW1A 2AAA", "12345", "SW1A 2CI", "SW1A\n2AA"])
def test_malformed_postcodes_are_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="real postcode"):
        normalise_postcode(raw)


def test_uprns_are_up_to_12_digits() -> None:
    assert normalise_uprn("000100090000004") == "100090000004"
    for bad in ("1234567890123", "12a", "-1", "0", ""):
        with pytest.raises(ValueError, match="12 digits"):
            normalise_uprn(bad)


def test_names_refuse_control_characters_and_markup() -> None:
    assert clean_name("  Mary-Jane   O'Neil ") == "Mary-Jane O'Neil"
    for bad in ("Bob\x00", "<script>", "Robert'); DROP TABLE account;--", "a\u202eb"):
        with pytest.raises(ValueError):
            clean_name(bad)


def test_a_bad_postcode_is_reported_on_its_field() -> None:
    change = move_in()
    change["address"] = address(postcode="nonsense")
    assert errors(request(change)) == [
        ("change.move_in.address.postcode", "Value error, Enter a real postcode, like SW1A 2AA")]


def test_contact_needs_an_email_or_phone() -> None:
    body = {"contact": {"full_name": "Sam Taylor"}, "change": move_in()}
    assert "Enter an email address or a telephone number" in errors(body)[0][1]


def test_children_are_not_listed_as_residents() -> None:
    change = move_in(move_date=date(2025, 10, 1))
    change["residents"] = [{"full_name": "Kid Taylor", "date_of_birth": date(2010, 1, 1)}]
    assert "aged 18 or over" in errors(request(change))[0][1]


def test_a_move_within_needs_two_different_properties() -> None:
    assert "different property" in errors(request(move_within(from_uprn="5", to_uprn="5")))[0][1]


def test_forwarding_address_must_differ() -> None:
    change = move_out()
    change["forwarding_address"] = change["address"]
    assert "forwarding address must be different" in errors(request(change))[0][1]


def test_unknown_fields_are_refused_not_ignored() -> None:
    change = move_in(favourite_colour="blue")
    assert errors(request(change))[0][0] == "change.move_in.favourite_colour"


def test_kind_picks_the_change() -> None:
    assert errors(request({"kind": "move_sideways"}))[0][0] == "change"
