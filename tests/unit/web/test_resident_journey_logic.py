"""The resident journey without a browser: question order, answer checking, the request sent, stored answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from schemas.notification import ChangeKind, MoveIn, MoveWithin, Tenure
from web.resident.answers import (
    AddressRole,
    ChosenAddress,
    ContactAnswers,
    JourneyAnswers,
    Person,
    needs_review,
    next_path,
    notification_request,
)
from web.resident.forms import DateWording, FormErrors, parse_contact, parse_date, parse_postcode
from web.resident.status_page import normalise_reference, reason_lines
from web.stores.database import create_store_engine
from web.stores.journeys import IDLE_LIMIT, JourneyStore, journey_table

REGISTERED = ChosenAddress(uprn="100091000001", line_1="1 Mill Lane", town="Exampleton", postcode="ZY3 1AA")
TYPED = ChosenAddress(uprn=None, line_1="7 Mill Lane", town="Exampleton", postcode="ZY3 1AA")


def complete_move_within(new: ChosenAddress = TYPED) -> JourneyAnswers:
    return JourneyAnswers(
        kind=ChangeKind.MOVE_WITHIN, addresses={AddressRole.LEAVING: REGISTERED, AddressRole.NEW: new},
        move_date=date(2026, 1, 10), people=[Person(full_name="Sam Taylor", date_of_birth=date(1990, 1, 1))],
        people_done=True, tenure=Tenure.OWNER_OCCUPIER,
        contact=ContactAnswers(full_name="Sam Taylor", phone="01632 960 001"),
    )


def test_questions_come_in_order_and_then_check_answers() -> None:
    answers = JourneyAnswers()
    assert next_path(answers) == "/moving/kind"
    answers.kind = ChangeKind.MOVE_WITHIN
    assert next_path(answers) == "/moving/address/leaving/postcode"
    answers.addresses[AddressRole.LEAVING] = REGISTERED
    assert next_path(answers) == "/moving/address/new/postcode"
    assert next_path(complete_move_within()) == "/moving/check"
    moving_out = complete_move_within()
    moving_out.kind = ChangeKind.MOVE_OUT
    assert next_path(moving_out) == "/moving/forwarding-address"  # changing the kind asks what that kind needs


def test_a_typed_in_address_is_sent_without_a_uprn_and_flagged_for_review() -> None:
    answers = complete_move_within()
    request = notification_request(answers)
    assert isinstance(request.change, MoveWithin)
    assert (request.change.from_uprn, request.change.to_uprn) == ("100091000001", None)
    assert needs_review(answers)
    listed = complete_move_within(new=REGISTERED.model_copy(update={"uprn": "100091000004"}))
    assert not needs_review(listed)


def test_a_move_in_request_matches_the_api_contract() -> None:
    answers = complete_move_within()
    answers.kind = ChangeKind.MOVE_IN
    change = notification_request(answers).change
    assert isinstance(change, MoveIn)
    assert (change.uprn, change.move_in_date, change.tenure) == (None, date(2026, 1, 10), Tenure.OWNER_OCCUPIER)


def test_an_incomplete_journey_cannot_be_sent() -> None:
    with pytest.raises(ValueError, match="not complete"):
        notification_request(JourneyAnswers(kind=ChangeKind.MOVE_IN))


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


def test_references_are_read_however_they_are_typed() -> None:
    assert normalise_reference("ctx 7k3m q9pd") == "CTX-7K3M-Q9PD"
    assert normalise_reference("7K3MQ9PD") == "CTX-7K3M-Q9PD"
    assert normalise_reference("CTX-7K3M") is None


def test_reasons_are_shown_without_what_the_resident_typed() -> None:
    reasons = [{"code": "postcode_mismatch", "message": "The postcode ZY9 9ZZ does not match"},
               {"code": "value_error", "message": "Resident 1: Sam Taylor ..."}]
    lines = reason_lines(reasons)
    assert lines == ["The postcode did not match the address chosen.",
                     "Some of the details were not complete or not in the right format."]
    assert not any("ZY9" in line or "Sam" in line for line in lines)
    officer = "We cannot accept a move this far ahead. Tell us again within 14 days of moving."
    assert reason_lines([{"code": "officer_rejected", "message": officer}]) == [officer]


def test_stored_answers_are_found_by_token_only_and_expire(tmp_path: Path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path}/web.db")
    store = JourneyStore(engine)
    token = store.start()
    answers = complete_move_within()
    store.save(token, answers)
    assert store.load(token) == answers
    assert store.load("someone-elses-token") is None
    with engine.begin() as conn:
        assert token not in {row.token_digest for row in conn.execute(select(journey_table))}
        conn.execute(update(journey_table).values(updated_at=datetime.now(UTC) - IDLE_LIMIT - timedelta(seconds=1)))
    assert store.load(token) is None
