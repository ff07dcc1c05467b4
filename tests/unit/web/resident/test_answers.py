"""The resident journey's answers without a browser: question order, review flags, the request sent."""

from __future__ import annotations

from datetime import date

import pytest

from schemas.notification import ChangeKind, MoveIn, MoveWithin, Tenure
from tests.unit.web.resident.fixtures import REGISTERED, TYPED, complete_move_within
from web.resident.answers import AddressRole, JourneyAnswers
from web.resident.notification_builder import notification_request
from web.resident.question_order import needs_review, next_path


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
    request = notification_request(answers, date(2026, 1, 5))
    assert isinstance(request.change, MoveWithin)
    assert (request.change.from_uprn, request.change.to_uprn) == ("100091000001", None)
    assert needs_review(answers)
    listed = complete_move_within(new=REGISTERED.model_copy(update={"uprn": "100091000004"}))
    assert not needs_review(listed)


def test_a_move_in_request_matches_the_api_contract() -> None:
    answers = complete_move_within()
    answers.kind = ChangeKind.MOVE_IN
    assert next_path(answers) == "/moving/previous-address"  # the revenues team needs to know where from
    answers.previous_address = TYPED
    change = notification_request(answers, date(2026, 1, 5)).change
    assert isinstance(change, MoveIn)
    assert (change.uprn, change.move_in_date, change.tenure) == (None, date(2026, 1, 10), Tenure.OWNER_OCCUPIER)
    assert change.previous_address == TYPED.as_address()
    assert not change.twelve_instalments


def test_an_incomplete_journey_cannot_be_sent() -> None:
    with pytest.raises(ValueError, match="not complete"):
        notification_request(JourneyAnswers(kind=ChangeKind.MOVE_IN), date(2026, 1, 5))
