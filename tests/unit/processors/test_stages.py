"""The stage handlers chained in memory (no Kafka): the flow of DESIGN.md §3 with the in-memory adapter."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

import pytest

from adapters.memory_revenues import InMemoryRevenuesSystem
from processors.cost_model_file import load_cost_model
from processors.pipeline.context import Output, SourceRecord, StageContext
from processors.pipeline.fused import BatchOptions, process_batch
from processors.pipeline.staged import apply_assessed, assess_validated, measure_status, validate_submitted
from schemas.codec import shared_codec
from schemas.events import NotificationMetric, NotificationStatus, Status
from schemas.topics import ASSESSED, DEAD_LETTER_TOPIC, METRICS, STATUS, SUBMITTED, VALIDATED
from tests.builders import RULES, address, existing_account, move_in, move_out, notification, register_property

KEEP_ASSESSED = BatchOptions(publish_assessed=True)

NOW = datetime(2025, 10, 10, 12, 0, tzinfo=UTC)
HANDLERS = {SUBMITTED.name: validate_submitted, VALIDATED.name: assess_validated,
            ASSESSED.name: apply_assessed, STATUS.name: measure_status}


class Pipeline:
    """Chains the handlers in memory; ``fused`` runs the batch pipeline, ``staged`` one handler per stage."""

    def __init__(self, mode: str = "staged") -> None:
        self.mode = mode
        self.revenues = InMemoryRevenuesSystem()
        self.revenues.load_register(
            [register_property("100090000004"), register_property("100090000002", line_1="2 Acacia Avenue")],
            [existing_account("500000001", "100090000002", start=date(2021, 3, 1))],
        )
        self.ctx = StageContext(revenues=self.revenues, rules=RULES, cost_model=load_cost_model(), clock=lambda: NOW)
        self.published: dict[str, list[Output]] = defaultdict(list)

    def submit(self, value: bytes) -> None:
        self.submit_batch([value])

    def submit_batch(self, values: list[bytes]) -> None:
        if self.mode == "fused":
            batch = [SourceRecord(SUBMITTED.name, b"k", v) for v in values]
            for record in process_batch(self.ctx, batch, KEEP_ASSESSED):
                self.published[record.topic].append(record)
            return
        for value in values:
            self._submit_staged(value)

    def _submit_staged(self, value: bytes) -> None:
        queue = [Output(SUBMITTED.name, b"k", value)]
        while queue:
            record = queue.pop(0)
            self.published[record.topic].append(record)
            handler = HANDLERS.get(record.topic)
            if handler is not None:
                queue.extend(handler(self.ctx, [SourceRecord(record.topic, record.key, record.value)]))

    def statuses(self) -> list[NotificationStatus]:
        return [shared_codec().decode(o.value, NotificationStatus) for o in self.published[STATUS.name]]

    def finals(self) -> list[NotificationStatus]:
        return [s for s in self.statuses() if s.status.is_final]

    def metrics(self) -> list[NotificationMetric]:
        return [shared_codec().decode(o.value, NotificationMetric) for o in self.published[METRICS.name]]


@pytest.fixture(params=["staged", "fused"])
def pipeline(request: pytest.FixtureRequest) -> Pipeline:
    return Pipeline(request.param)


def encode(**kwargs: Any) -> bytes:
    return shared_codec().encode(notification(**kwargs))


def test_a_valid_move_in_is_validated_applied_and_measured(pipeline: Pipeline) -> None:
    pipeline.submit(encode(change=move_in(uprn="100090000004", move_date=date(2025, 10, 1))))
    assert [s.status for s in pipeline.finals()] == [Status.APPLIED]
    applied = pipeline.finals()[-1]
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
    (status,) = pipeline.finals()
    assert status.status is Status.REJECTED
    assert [(r.code, r.field) for r in status.reasons] == [("postcode_mismatch", "change.address.postcode")]
    assert pipeline.revenues.accounts_at("100090000004") == []
    assert pipeline.metrics()[0].outcome is Status.REJECTED


def test_an_address_missing_from_the_register_goes_to_a_person(pipeline: Pipeline) -> None:
    pipeline.submit(encode(change=move_in(uprn="999999")))
    (status,) = pipeline.finals()
    assert (status.status, status.reasons[0].code) == (Status.REVIEW, "address_not_in_register")


def test_a_move_too_far_ahead_goes_to_a_person(pipeline: Pipeline) -> None:
    pipeline.submit(encode(change=move_in(move_date=date(2025, 11, 30))))
    (status,) = pipeline.finals()
    assert (status.status, status.reasons[0].code) == (Status.REVIEW, "move_date_too_far_ahead")


def test_redelivery_of_the_same_notification_applies_it_once(pipeline: Pipeline) -> None:
    value = encode(change=move_out(uprn="100090000002", move_date=date(2025, 10, 1)))
    pipeline.submit(value)
    pipeline.submit(value)
    assert [s.status for s in pipeline.finals()] == [Status.APPLIED, Status.APPLIED]
    account = pipeline.revenues.account("500000001")
    assert account is not None
    assert len(account.audit_notes) == 1


def test_the_same_move_told_twice_is_a_duplicate(pipeline: Pipeline) -> None:
    pipeline.submit(encode(change=move_in(uprn="100090000004")))
    pipeline.submit(encode(change=move_in(uprn="100090000004")))
    statuses = pipeline.finals()
    assert statuses[-1].status is Status.DUPLICATE
    assert "CTX-7K3M-Q9PD" in statuses[-1].reasons[0].message
    assert len(pipeline.revenues.accounts_at("100090000004")) == 1


def test_bytes_that_are_not_a_notification_go_to_the_dead_letter_topic(pipeline: Pipeline) -> None:
    pipeline.submit(b"not avro at all")
    (dead,) = pipeline.published[DEAD_LETTER_TOPIC]
    assert dead.value == b"not avro at all"
    assert dict(dead.headers)["ctax-stage"] == b"validate"
    assert pipeline.finals() == []


def test_metrics_carry_no_personal_data(pipeline: Pipeline) -> None:
    pipeline.submit(encode(change=move_in(uprn="100090000004")))
    for record in pipeline.published[METRICS.name]:
        for marker in (b"Sam Taylor", b"sam@example.com", b"Acacia", b"ZY1 5AB"):
            assert marker not in record.value


def test_moves_at_the_same_property_in_one_batch_see_each_other(pipeline: Pipeline) -> None:
    # The occupier leaves and a new one arrives the next day; then the same move-in is told again.
    leaving = encode(change=move_out(uprn="100090000002", move_date=date(2025, 10, 1)))
    arriving = encode(change=move_in(uprn="100090000002", move_date=date(2025, 10, 2)))
    again = encode(change=move_in(uprn="100090000002", move_date=date(2025, 10, 2)))
    pipeline.submit_batch([leaving, arriving, again])
    assert [s.status for s in pipeline.finals()] == [Status.APPLIED, Status.APPLIED, Status.DUPLICATE]
    accounts = pipeline.revenues.accounts_at("100090000002")
    # Between them the owner was liable for the empty home on 1 October (processors/rules/unoccupied.py).
    assert [(a.liability_start, a.liability_end) for a in accounts] == [
        (date(2025, 10, 2), None), (date(2025, 10, 1), date(2025, 10, 1)), (date(2021, 3, 1), date(2025, 9, 30))]


def test_every_final_status_has_exactly_one_metric(pipeline: Pipeline) -> None:
    pipeline.submit_batch([encode(change=move_in(uprn="100090000004")), encode(change=move_in(uprn="999")),
                           b"garbage"])
    assert sorted(m.notification_id for m in pipeline.metrics()) == sorted(s.notification_id for s in pipeline.finals())
    assert len(pipeline.metrics()) == 2


def test_an_officers_correction_is_not_sent_back_for_its_dates(pipeline: Pipeline) -> None:
    far_ahead = move_in(uprn="100090000004", move_date=date(2025, 11, 30))
    pipeline.submit(encode(change=far_ahead, channel="officer_correction",
                           corrects_notification_id="0b5d4b7e-4c1a-4bb0-9c55-2b4a1f3c9d10"))
    (status,) = pipeline.finals()
    assert status.status is Status.APPLIED


def test_an_officers_correction_still_needs_a_register_address(pipeline: Pipeline) -> None:
    pipeline.submit(encode(change=move_in(uprn="999"), channel="officer_correction"))
    (status,) = pipeline.finals()
    assert (status.status, status.reasons[0].code) == (Status.REVIEW, "address_not_in_register")
