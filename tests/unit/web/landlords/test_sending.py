"""Nothing from a landlord's file is lost or sent twice when the web app stops half-way through its rows."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from schemas.codec import shared_codec
from schemas.notification import Channel, NotificationRequest
from tests.unit.web.fake_kafka import FakeKafka
from tests.unit.web.landlords.files import END, START, csv_file
from web.intake.acceptance import accept_notification
from web.intake.publisher import NotificationPublisher
from web.intake.runtime import WebRuntime
from web.kafka.status_follower import StatusFollower
from web.landlords.routes import rows_to_store
from web.landlords.sending import keep_sending, row_key, send_pending
from web.stores.database import create_store_engine
from web.stores.landlord_uploads import LandlordUploadStore
from web.stores.progress import ProgressStore


def _runtime(tmp_path: Path, kafka: FakeKafka) -> WebRuntime:
    store = ProgressStore(create_store_engine(f"sqlite:///{tmp_path}/web.db"))
    store.create_schema()
    return WebRuntime(council_code="E99999999", codec=shared_codec(), store=store,
                      publisher=cast(NotificationPublisher, kafka), follower=cast(StatusFollower, None))


def _stored(tmp_path: Path) -> tuple[LandlordUploadStore, str]:
    uploads = LandlordUploadStore(create_store_engine(f"sqlite:///{tmp_path}/web.db"))
    uploads.create_schema()
    upload_id = uploads.store("acme", "f" * 64, "tenancies.csv", datetime.now(UTC),
                              rows_to_store("tenancies.csv", csv_file(START, END)))
    return uploads, upload_id


async def test_rows_left_pending_by_a_stopped_app_are_sent_once_when_it_starts_again(tmp_path: Path) -> None:
    kafka = FakeKafka()
    runtime = _runtime(tmp_path, kafka)
    uploads, upload_id = _stored(tmp_path)
    first, second = uploads.pending(upload_id)
    # The app published the first row, then died before it could mark the row sent.
    assert first.request is not None
    published = await accept_notification(runtime, NotificationRequest.model_validate(first.request),
                                          Channel.LANDLORD_BULK, council_code="E99999999",
                                          idempotency_key=row_key(first))
    assert len(kafka.records) == 1
    # The next run's sender finds both rows pending: the first gets its earlier answer, the second is sent.
    task = asyncio.create_task(keep_sending(runtime, uploads))
    try:
        for _ in range(100):
            if not uploads.pending():
                break
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    found = uploads.upload("acme", upload_id)
    assert found is not None
    _, rows = found
    assert [r.status for r in rows] == ["sent", "sent"]
    assert rows[0].reference == published.reference
    assert rows[1].request is None  # what the landlord wrote is not kept once the row is on Kafka
    assert len(kafka.records) == 2  # the first row was not sent twice
    assert second.number == 3


async def test_while_kafka_is_down_rows_stay_pending(tmp_path: Path) -> None:
    kafka = FakeKafka()
    kafka.down = True
    runtime = _runtime(tmp_path, kafka)
    uploads, upload_id = _stored(tmp_path)
    assert await send_pending(runtime, uploads, upload_id) == 2
    assert len(uploads.pending()) == 2
    kafka.down = False
    assert await send_pending(runtime, uploads) == 0
    assert len(kafka.records) == 2
