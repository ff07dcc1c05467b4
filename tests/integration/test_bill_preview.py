"""The bill preview against the real worker: ``ctax web`` previews through the read-only reader, publishing
nothing; the notification then sent with the preview's digest is applied by ``ctax worker`` with exactly the
figures shown, and its metric says so (or says not, when the register changed in between)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from schemas.topics import SUBMITTED
from tests.builders import existing_account, register_property
from tests.integration.running_stack import RunningStack, run_coroutine
from tests.integration.test_move_journeys import TODAY, fy_start

VACANT, OCCUPIED, PAID_LATE = "100090001601", "100090001602", "100090001603"
SOON = (TODAY + timedelta(days=2)).isoformat()
CONTACT = {"full_name": "Priya Patel", "email": "priya.patel@example.com"}


def _address(line_1: str, postcode: str = "ZY1 5AB") -> dict[str, str]:
    return {"line_1": line_1, "town": "Exampleton", "postcode": postcode}


def move_in() -> dict[str, Any]:
    return {"contact": CONTACT, "change": {
        "kind": "move_in", "uprn": VACANT, "address": _address("1 Preview Close"), "move_in_date": SOON,
        "residents": [{"full_name": "Priya Patel", "date_of_birth": "1991-02-03"},
                      {"full_name": "Raj Patel", "date_of_birth": "1990-07-08"}],
        "tenure": "owner_occupier", "twelve_instalments": True}}


def move_out(uprn: str, line_1: str, account: str) -> dict[str, Any]:
    return {"contact": CONTACT, "change": {
        "kind": "move_out", "uprn": uprn, "address": _address(line_1), "move_out_date": SOON,
        "account_reference": account, "forwarding_address": _address("9 Harbour Street", "ZY8 1AA")}}


@pytest.fixture(scope="module")
def stack(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    workdir = tmp_path_factory.mktemp("preview-stack")
    running = RunningStack(kafka_bootstrap, f"sqlite:///{workdir}/revenues.db", Path(workdir))
    try:
        running.start()
        assert running.revenues is not None
        year = fy_start(TODAY).year
        running.revenues.load_register(
            [register_property(VACANT, band="C", line_1="1 Preview Close"),
             register_property(OCCUPIED, band="D", line_1="2 Preview Close"),
             register_property(PAID_LATE, band="B", line_1="3 Preview Close")],
            [existing_account("500001602", OCCUPIED, start=date(2021, 3, 1), paid=52000, paid_year=year),
             existing_account("500001603", PAID_LATE, start=date(2022, 5, 1), paid=10000, paid_year=year)])
        yield running
    finally:
        running.stop()


def preview(stack: RunningStack, body: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(f"{stack.base_url}/api/v1/notifications/preview", json=body, timeout=30)
    assert response.status_code == 200, response.text
    return dict(response.json())


def submitted_count(stack: RunningStack) -> int:
    async def count() -> int:
        consumer = AIOKafkaConsumer(bootstrap_servers=stack.bootstrap)
        await consumer.start()
        try:
            topic = f"{stack.prefix}{SUBMITTED.name}"
            partitions = [TopicPartition(topic, p) for p in range(2)]  # the stack's CTAX_PARTITIONS
            return sum((await consumer.end_offsets(partitions)).values())
        finally:
            await consumer.stop()
    return run_coroutine(count())


def send_and_measure(stack: RunningStack, body: dict[str, Any]) -> tuple[str, bool | None]:
    accepted = stack.submit(body)
    assert accepted.status_code == 202, accepted.text
    notification_id = accepted.json()["notification_id"]
    final = stack.wait_final(notification_id)
    (metric, *_) = stack.metrics({notification_id})[notification_id]
    return str(final["status"]), metric.preview_matched


def test_a_preview_publishes_nothing_and_the_worker_applies_exactly_what_it_showed(stack: RunningStack) -> None:
    before = submitted_count(stack)
    estimate = preview(stack, move_in())
    assert estimate["status"] == "estimate"
    assert preview(stack, move_out(OCCUPIED, "2 Preview Close", "500009999"))["status"] == "account_not_confirmed"
    assert submitted_count(stack) == before  # nothing on Kafka
    assert stack.revenues is not None
    assert stack.revenues.accounts_at(VACANT) == []  # nothing in the revenues system

    status, matched = send_and_measure(stack, {**move_in(), "preview_digest": estimate["digest"]})
    assert (status, matched) == ("applied", True)
    assert submitted_count(stack) == before + 1  # (the count does see a notification sent)
    # What the worker applied, read back from the revenues system: the figures the preview showed.
    (account,) = stack.revenues.accounts_at(VACANT)
    (bill,) = estimate["bills"]
    shown_instalments = [(i["due_date"], i["amount_pence"]) for year in bill["years"] for i in year["instalments"]]
    applied = [(i.due_date.isoformat(), i.amount_pence) for i in sorted(account.instalments, key=lambda i: i.due_date)]
    assert applied == shown_instalments
    assert sum(c.charge_pence for c in account.charges) == sum(year["charge_pence"] for year in bill["years"])


def test_a_final_bill_previewed_before_a_payment_was_recorded_is_measured_as_not_matched(
        stack: RunningStack) -> None:
    body = move_out(PAID_LATE, "3 Preview Close", "500001603")
    estimate = preview(stack, body)
    assert estimate["status"] == "estimate"
    assert stack.revenues is not None
    stack.revenues.record_payment("500001603", fy_start(TODAY).year, TODAY, 2500)
    assert send_and_measure(stack, {**body, "preview_digest": estimate["digest"]}) == ("applied", False)


def test_a_final_bill_sent_as_previewed_matches_and_one_sent_without_a_preview_says_nothing(
        stack: RunningStack) -> None:
    body = move_out(OCCUPIED, "2 Preview Close", "500001602")
    estimate = preview(stack, body)
    (bill,) = estimate["bills"]
    assert bill["years"][0]["paid_pence"] == 52000
    assert send_and_measure(stack, {**body, "preview_digest": estimate["digest"]}) == ("applied", True)
    assert send_and_measure(stack, {**move_in(), "change": {**move_in()["change"], "uprn": None}}) == (
        "review", None)
