"""The stage handlers chained in memory (no Kafka): the flow of DESIGN.md §3 with the in-memory adapter."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

import pytest

from adapters.memory_revenues import InMemoryRevenuesSystem
from processors.apply_stage import apply_assessed
from processors.assess_stage import assess_validated
from processors.dead_letters import DEAD_LETTER_TOPIC
from processors.metrics_stage import measure_status
from processors.rules.costs import CostModel
from processors.stage_context import Output, StageContext
from processors.validate_stage import validate_submitted
from schemas.codec import shared_codec
from schemas.events import NotificationMetric, NotificationStatus, Status
from schemas.topics import ASSESSED, METRICS, STATUS, SUBMITTED, VALIDATED
from tests.builders import RULES, address, existing_account, move_in, move_out, notification, register_property

NOW = datetime(2025, 10, 10, 12, 0, tzinfo=UTC)
HANDLERS = {SUBMITTED.name: validate_submitted, VALIDATED.name: assess_validated,
            ASSESSED.name: apply_assessed, STATUS.name: measure_status}


class Pipeline:
    def __init__(self) -> None:
        self.revenues = InMemoryRevenuesSystem()
        self.revenues.load_register(
            [register_property("100090000004"), register_property("100090000002", line_1="2 Acacia Avenue")],
            [existing_account("500000001", "100090000002", start=date(2021, 3, 1))],
        )
        self.ctx = StageContext(revenues=self.revenues, rules=RULES, cost_model=CostModel.load(), clock=lambda: NOW)
        self.published: dict[str, list[Output]] = defaultdict(list)

    def submit(self, value: bytes) -> None:
        queue = [Output(SUBMITTED.name, b"k", value)]
        while queue:
            record = queue.pop(0)
            self.published[record.topic].append(record)
            handler = HANDLERS.get(record.topic)
            if handler is not None:
                queue.extend(handler(self.ctx, record.key, record.value))

    def statuses(self) -> list[NotificationStatus]:
        return [shared_codec().decode(o.value, NotificationStatus) for o in self.published[STATUS.name]]

    def metrics(self) -> list[NotificationMetric]:
        return [shared_codec().decode(o.value, NotificationMetric) for o in self.published[METRICS.name]]


@pytest.fixture
def pipeline() -> Pipeline:
    return Pipeline()


def encode(**kwargs: Any) -> bytes:
    return shared_codec().encode(notification(**kwargs))


def test_a_valid_move_in_is_validated_applied_and_measured(pipeline: Pipeline) -> None:
    pipeline.submit(encode(change=move_in(uprn="100090000004", move_date=date(2025, 10, 1))))
    assert [s.status for s in pipeline.statuses()] == [Status.VALIDATED, Status.APPLIED]
    applied = pipeline.statuses()[-1]
    (ref,) = applied.account_refs
    account = pipeline.revenues.account(ref)
    assert account is not None
    assert account.liability_start == date(2025, 10, 1)
    (metric,) = pipeline.metrics()
    assert (metric.outcome, metric.digital_cost_pence, metric.baseline_cost_pence, metric.saving_pence) == (
        Status.APPLIED, 15, 491, 476)


def test_a_postcode_that_does_not_match_the_register_is_rejected_and_changes_nothing(pipeline: Pipeline) -> None:
    change = move_in(uprn="100090000004")
    change["address"] = address(postcode="ZY9 9ZZ")
    pipeline.submit(encode(change=change))
    (status,) = pipeline.statuses()
    assert status.status is Status.REJECTED
    assert [(r.code, r.field) for r in status.reasons] == [("postcode_mismatch", "change.address.postcode")]
    assert pipeline.revenues.accounts_at("100090000004") == []
    assert pipeline.metrics()[0].outcome is Status.REJECTED


def test_an_address_missing_from_the_register_goes_to_a_person(pipeline: Pipeline) -> None:
    pipeline.submit(encode(change=move_in(uprn="999999")))
    (status,) = pipeline.statuses()
    assert (status.status, status.reasons[0].code) == (Status.REVIEW, "address_not_in_register")


def test_a_move_too_far_ahead_goes_to_a_person(pipeline: Pipeline) -> None:
    pipeline.submit(encode(change=move_in(move_date=date(2025, 11, 30))))
    (status,) = pipeline.statuses()
    assert (status.status, status.reasons[0].code) == (Status.REVIEW, "move_date_too_far_ahead")


def test_redelivery_of_the_same_notification_applies_it_once(pipeline: Pipeline) -> None:
    value = encode(change=move_out(uprn="100090000002", move_date=date(2025, 10, 1)))
    pipeline.submit(value)
    pipeline.submit(value)
    assert [s.status for s in pipeline.statuses()] == [Status.VALIDATED, Status.APPLIED, Status.APPLIED]
    account = pipeline.revenues.account("500000001")
    assert account is not None
    assert len(account.audit_notes) == 1


def test_the_same_move_told_twice_is_a_duplicate(pipeline: Pipeline) -> None:
    pipeline.submit(encode(change=move_in(uprn="100090000004")))
    pipeline.submit(encode(change=move_in(uprn="100090000004")))
    statuses = pipeline.statuses()
    assert statuses[-1].status is Status.DUPLICATE
    assert "CTX-7K3M-Q9PD" in statuses[-1].reasons[0].message
    assert len(pipeline.revenues.accounts_at("100090000004")) == 1


def test_bytes_that_are_not_a_notification_go_to_the_dead_letter_topic(pipeline: Pipeline) -> None:
    pipeline.submit(b"not avro at all")
    (dead,) = pipeline.published[DEAD_LETTER_TOPIC]
    assert dead.value == b"not avro at all"
    assert dict(dead.headers)["ctax-stage"] == b"validate"
    assert pipeline.statuses() == []


def test_metrics_carry_no_personal_data(pipeline: Pipeline) -> None:
    pipeline.submit(encode(change=move_in(uprn="100090000004")))
    for record in pipeline.published[METRICS.name]:
        for marker in (b"Sam Taylor", b"sam@example.com", b"Acacia", b"ZY1 5AB"):
            assert marker not in record.value
