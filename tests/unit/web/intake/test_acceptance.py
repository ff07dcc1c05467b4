"""Accepting a notification without Kafka: received only once published, retries answered from the key."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update

from schemas.codec import shared_codec
from schemas.kafka_connection import KafkaConnection
from schemas.notification import ChangeNotification, Channel, NotificationRequest
from tests.builders import move_in, move_out
from web.intake.acceptance import (
    IdempotencyKeyReusedError,
    IntakeBusyError,
    IntakeUnavailableError,
    Receipt,
    StillProcessingError,
    accept_notification,
)
from web.intake.admission import AdmissionGate
from web.intake.publisher import NotificationPublisher, PublishUnavailableError
from web.intake.runtime import WebRuntime
from web.kafka.status_follower import StatusFollower
from web.stores.database import create_store_engine
from web.stores.progress import ProgressStore, idempotency_table

COUNCIL = "E99999999"
NOWHERE = KafkaConnection("127.0.0.1:1")


class RecordingPublisher(NotificationPublisher):
    """The publisher's port without Kafka: keeps what it was given, or refuses while ``down``."""

    def __init__(self) -> None:
        super().__init__(NOWHERE, "ctax.notifications.submitted.v1")
        self.sent: list[tuple[bytes, bytes]] = []
        self.down = False

    async def publish(self, key: bytes, value: bytes) -> None:
        if self.down:
            raise PublishUnavailableError("Kafka did not confirm the write: KafkaTimeoutError")
        self.sent.append((key, value))


def web_store(tmp_path: Path) -> Engine:
    """A second engine on the web store, to look at and age what the intake wrote."""
    return create_store_engine(f"sqlite:///{tmp_path}/web.db")


def runtime(tmp_path: Path) -> tuple[WebRuntime, RecordingPublisher]:
    store = ProgressStore(web_store(tmp_path))
    store.create_schema()
    publisher = RecordingPublisher()
    codec = shared_codec()
    follower = StatusFollower(NOWHERE, store, codec)  # never started
    return WebRuntime(council_code=COUNCIL, codec=codec, store=store, publisher=publisher,
                      follower=follower), publisher


CONTACT = {"full_name": "Sam Taylor", "email": "sam@example.com"}


def request(change: dict[str, object] | None = None) -> NotificationRequest:
    return NotificationRequest.model_validate({"contact": CONTACT, "change": change or move_in()})


async def accept(rt: WebRuntime, body: NotificationRequest, key: str | None = None) -> Receipt:
    return await accept_notification(rt, body, Channel.API, council_code=COUNCIL, idempotency_key=key)


async def test_a_notification_is_received_once_published_and_carries_its_reference(tmp_path: Path) -> None:
    rt, publisher = runtime(tmp_path)
    receipt = await accept_notification(rt, request(), Channel.ONLINE_FORM, council_code=COUNCIL)
    ((key, value),) = publisher.sent
    sent = rt.codec.decode(value, ChangeNotification)
    assert key == receipt.notification_id.encode()
    assert (sent.reference, sent.channel, sent.council_code) == (receipt.reference, Channel.ONLINE_FORM, COUNCIL)
    progress = rt.store.progress(receipt.notification_id)
    assert progress is not None
    assert (progress["status"], progress["reference"]) == ("received", receipt.reference)


async def test_when_kafka_does_not_confirm_nothing_is_kept_and_a_retry_sends_under_the_same_id(
        tmp_path: Path) -> None:
    rt, publisher = runtime(tmp_path)
    publisher.down = True
    with pytest.raises(IntakeUnavailableError):
        await accept(rt, request(), key="retry-me")
    assert publisher.sent == []
    with web_store(tmp_path).connect() as conn:
        (claim,) = conn.execute(select(idempotency_table)).mappings().all()
    assert rt.store.progress(claim["notification_id"]) is None  # nothing claims it was received
    publisher.down = False
    # The unconfirmed write may still land: the retry is the same notification, not a second one.
    receipt = await accept(rt, request(), key="retry-me")
    assert receipt.notification_id == claim["notification_id"]
    assert len(publisher.sent) == 1
    assert rt.store.progress(receipt.notification_id) is not None


async def test_a_full_intake_turns_a_notification_away_without_storing_anything(tmp_path: Path) -> None:
    rt, publisher = runtime(tmp_path)
    rt.admission = AdmissionGate(in_flight=1, waiting=0, wait_seconds=0)
    async with rt.admission.admitted():  # another request holds the only place
        with pytest.raises(IntakeBusyError):
            await accept(rt, request(), key="busy")
    assert publisher.sent == []
    with web_store(tmp_path).connect() as conn:
        assert conn.execute(select(idempotency_table)).first() is None
    assert (await accept(rt, request(), key="busy")).status == "received"


async def test_a_retry_with_the_same_key_gets_the_first_answer_and_sends_nothing_twice(tmp_path: Path) -> None:
    rt, publisher = runtime(tmp_path)
    first = await accept(rt, request(), key="double-click")
    again = await accept(rt, request(), key="double-click")
    assert again == first
    assert len(publisher.sent) == 1


async def test_a_key_reused_for_a_different_notification_is_refused(tmp_path: Path) -> None:
    rt, publisher = runtime(tmp_path)
    await accept(rt, request(), key="k1")
    with pytest.raises(IdempotencyKeyReusedError):
        await accept(rt, request(move_out()), key="k1")
    assert len(publisher.sent) == 1


async def test_a_claim_still_in_flight_is_not_sent_again_but_a_stale_one_is(tmp_path: Path) -> None:
    rt, publisher = runtime(tmp_path)
    claimed = rt.store.claim_key("in-flight", "0" * 64, "00000000-0000-4000-8000-000000000001", "CTX-AAAA-BBBB")
    assert claimed is None  # a first attempt claimed the key and has not finished
    body = request()
    with web_store(tmp_path).begin() as conn:  # the claim was for this same body
        conn.execute(update(idempotency_table).values(
            request_hash=hashlib.sha256(body.model_dump_json().encode()).hexdigest()))
    with pytest.raises(StillProcessingError):
        await accept(rt, body, key="in-flight")
    assert publisher.sent == []
    with web_store(tmp_path).begin() as conn:  # the first attempt died a minute ago
        conn.execute(update(idempotency_table).values(created_at=datetime.now(UTC) - timedelta(minutes=1)))
    receipt = await accept(rt, body, key="in-flight")
    # Sent under the first attempt's id and reference, which the resident may already have been shown.
    assert (receipt.notification_id, receipt.reference) == ("00000000-0000-4000-8000-000000000001", "CTX-AAAA-BBBB")
    assert len(publisher.sent) == 1


async def test_the_answer_is_kept_against_the_key_once_the_store_writes_catch_up(tmp_path: Path) -> None:
    rt, _ = runtime(tmp_path)
    receipt = await accept(rt, request(), key="kept")
    await rt.store.writes.run(lambda _conn: None)  # writes run in order: the answer was queued before this
    with web_store(tmp_path).connect() as conn:
        (row,) = conn.execute(select(idempotency_table)).mappings().all()
    assert json.loads(row["response"]) == receipt.as_record()
