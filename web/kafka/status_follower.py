"""Follows the status topic and keeps the web app's progress store up to date."""

from __future__ import annotations

import logging
from typing import Any

from schemas.codec import Codec, DecodeError
from schemas.events import NotificationStatus
from schemas.kafka_connection import KafkaConnection
from schemas.topics import STATUS
from web.in_thread import in_thread
from web.kafka.topic_follower import TopicFollower
from web.stores.progress import ProgressStore

log = logging.getLogger(__name__)


class StatusFollower:
    def __init__(self, connection: KafkaConnection, store: ProgressStore, codec: Codec, *,
                 topic: str = STATUS.name, group_id: str = "ctax-web-progress") -> None:
        self._store = store
        self._codec = codec
        self._follower = TopicFollower(connection, topic, group_id, self._handle, name="status-follower")

    def start(self) -> None:
        self._follower.start()

    async def stop(self) -> None:
        await self._follower.stop()

    async def _handle(self, records: list[Any]) -> None:
        # One thread hop per batch, not per status event.
        await in_thread(self._apply_all, [record.value for record in records])

    def _apply_all(self, values: list[bytes | None]) -> None:
        for value in values:
            self._apply(value)

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
            year_bills=[{"financial_year": b.financial_year, "balance_pence": b.balance_pence,
                         "credits": [{"amount_pence": c.amount_pence, "way": c.way.value, "to": c.to}
                                     for c in status.credits if c.financial_year == b.financial_year]}
                        for b in status.year_bills],
        )
