"""Follows the status topic and keeps the web app's progress store up to date."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiokafka import AIOKafkaConsumer
from aiokafka.errors import KafkaError

from schemas.codec import Codec, DecodeError
from schemas.events import NotificationStatus
from schemas.topics import STATUS
from web.kafka_client import KafkaConnection
from web.progress_store import ProgressStore

log = logging.getLogger(__name__)


class StatusFollower:
    def __init__(self, connection: KafkaConnection, store: ProgressStore, codec: Codec, *,
                 topic: str = STATUS.name, group_id: str = "ctax-web-progress") -> None:
        self._topic = topic
        self._connection = connection
        self._store = store
        self._codec = codec
        self._group_id = group_id
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="status-follower")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            consumer = AIOKafkaConsumer(
                self._topic, group_id=self._group_id, enable_auto_commit=False, auto_offset_reset="earliest",
                **self._connection.options(),
            )
            try:
                await consumer.start()
                while True:
                    batches = await consumer.getmany(timeout_ms=500, max_records=500)
                    for records in batches.values():
                        for record in records:
                            await asyncio.to_thread(self._apply, record.value)
                    if batches:
                        await consumer.commit()
            except asyncio.CancelledError:
                raise
            except (KafkaError, OSError) as error:
                log.warning("status follower lost Kafka; reconnecting", extra={"error": type(error).__name__})
                await asyncio.sleep(2)
            finally:
                await consumer.stop()

    def _apply(self, value: bytes | None) -> None:
        if value is None:
            return
        try:
            status = self._codec.decode(value, NotificationStatus)
        except DecodeError as error:
            log.warning("unreadable status event skipped", extra={"error": str(error)})
            return
        timings = status.timings
        at = timings.completed_at or timings.validated_at or timings.submitted_at
        self._store.record_status(
            status.notification_id, status.reference, status.kind.value, status.status.value, at,
            timings.submitted_at, timings.validated_at, timings.completed_at,
            [reason.model_dump() for reason in status.reasons], list(status.account_refs),
        )
