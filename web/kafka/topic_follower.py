"""Follows one Kafka topic in a consumer group: reads batches, hands them over, commits after they are stored."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.errors import KafkaError

from schemas.kafka_connection import KafkaConnection

log = logging.getLogger(__name__)

BatchHandler = Callable[[list[Any]], Awaitable[None]]


class TopicFollower:
    """Follows one topic in a consumer group; offsets are committed only after the handler returns."""

    def __init__(self, connection: KafkaConnection, topic: str, group_id: str, handle: BatchHandler, *,
                 name: str, gather_ms: int = 0, gather_bytes: int = 1) -> None:
        """``gather_ms``/``gather_bytes``: the broker answers a fetch once it holds ``gather_bytes`` or
        ``gather_ms`` has passed, so a follower that can lag a little handles (and commits) fewer, larger batches."""
        self._connection = connection
        self._fetch = {"fetch_max_wait_ms": gather_ms, "fetch_min_bytes": gather_bytes} if gather_ms else {}
        self._topic = topic
        self._group_id = group_id
        self._handle = handle
        self._name = name
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self._name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            consumer = AIOKafkaConsumer(
                self._topic, group_id=self._group_id, enable_auto_commit=False, auto_offset_reset="earliest",
                **self._fetch, **self._connection.options(),
            )
            try:
                await consumer.start()
                while True:
                    batches = await consumer.getmany(timeout_ms=500, max_records=500)
                    records = [record for part in batches.values() for record in part]
                    if records:
                        await self._handle(records)
                        await consumer.commit()
            except asyncio.CancelledError:
                raise
            except (KafkaError, OSError) as error:
                log.warning("%s lost Kafka; reconnecting", self._name, extra={"error": type(error).__name__})
                await asyncio.sleep(2)
            except Exception as error:  # noqa: BLE001 - a store outage must not end the follower for good
                log.warning("%s could not store a batch; retrying", self._name,
                            extra={"error": type(error).__name__})
                await asyncio.sleep(2)
            finally:
                await consumer.stop()
