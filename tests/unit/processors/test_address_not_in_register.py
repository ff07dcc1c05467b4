"""A notification whose address the resident typed in (no UPRN) goes to review, never to assessment."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from adapters.memory_revenues import InMemoryRevenuesSystem
from processors.cost_model_file import load_cost_model
from processors.pipeline.context import SourceRecord, StageContext
from processors.pipeline.register_checks import check_against_register
from processors.pipeline.staged import validate_submitted
from schemas.codec import shared_codec
from schemas.events import NotificationStatus, Status
from schemas.notification import MoveWithin
from schemas.topics import STATUS
from tests.builders import RULES, address, move_in, move_out, move_within, notification, register_property

NOW = datetime(2025, 10, 10, 12, 0, tzinfo=UTC)
TODAY = date(2025, 10, 10)


def test_a_move_in_without_a_uprn_needs_a_person() -> None:
    verdict = check_against_register(notification(move_in(uprn=None)), {}, RULES, TODAY)
    assert not verdict.rejections
    assert [(r.code, r.field) for r in verdict.review] == [("address_not_in_register", "change.address")]
    assert "typed it in" in verdict.review[0].message


def test_a_move_within_names_which_address_was_typed_in() -> None:
    change = move_within(to_uprn=None)
    register = {"100090000004": None}
    verdict = check_against_register(notification(change), register, RULES, TODAY)
    assert ("address_not_in_register", "change.to_address") in [(r.code, r.field) for r in verdict.review]


def test_two_typed_in_addresses_must_differ() -> None:
    with pytest.raises(ValidationError, match="different property"):
        MoveWithin.model_validate(move_within(from_uprn=None, to_uprn=None, to_address=address()))
    MoveWithin.model_validate(move_within(from_uprn=None, to_uprn=None))


def test_the_validate_stage_sends_it_to_review_and_the_codec_round_trips_a_null_uprn() -> None:
    revenues = InMemoryRevenuesSystem()
    revenues.load_register([register_property("100090000004")], [])
    ctx = StageContext(revenues=revenues, rules=RULES, cost_model=load_cost_model(), clock=lambda: NOW)
    sent = notification(move_out(uprn=None, move_date=TODAY))
    value = shared_codec().encode(sent)
    assert shared_codec().decode(value, type(sent)) == sent
    outputs = validate_submitted(ctx, [SourceRecord("submitted", b"k", value)])
    (status_output,) = [o for o in outputs if o.topic == STATUS.name]
    status = shared_codec().decode(status_output.value, NotificationStatus)
    assert status.status == Status.REVIEW
    assert [r.code for r in status.reasons] == ["address_not_in_register"]
