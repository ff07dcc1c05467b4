"""Consumer lag of the stream processors: topic end offsets minus the offsets their group has committed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from schemas.kafka_connection import KafkaConnection

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LagReading:
    by_topic: dict[str, int]
    checked_at: float

    @property
    def total(self) -> int:
        return sum(self.by_topic.values())


class ConsumerLagMonitor:
    """Measures the lag every few seconds; ``latest`` is None until the first measurement succeeds."""

    def __init__(self, connection: KafkaConnection, group_id: str, topics: list[str], *,
                 interval_seconds: float = 5.0,
                 on_reading: Callable[[LagReading], None] | None = None) -> None:
        self._connection = connection
        self._group_id = group_id
        self._topics = topics
        self._interval = interval_seconds
        self._on_reading = on_reading
        self.latest: LagReading | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="consumer-lag")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            admin = AIOKafkaAdminClient(**self._connection.options())
            consumer = AIOKafkaConsumer(enable_auto_commit=False, **self._connection.options())
            try:
                await admin.start()
                await consumer.start()
                while True:
                    self.latest = await self._measure(admin, consumer)
                    if self._on_reading is not None:
                        self._on_reading(self.latest)
                    await asyncio.sleep(self._interval)
            except asyncio.CancelledError:
                raise
            except (KafkaError, OSError) as error:
                log.warning("could not measure consumer lag", extra={"error": type(error).__name__})
                await asyncio.sleep(self._interval)
            finally:
                await consumer.stop()
                await admin.close()

    async def _measure(self, admin: AIOKafkaAdminClient, consumer: AIOKafkaConsumer) -> LagReading:
        committed = await admin.list_consumer_group_offsets(self._group_id)
        await consumer.topics()  # refresh metadata so every partition of the source topics is known
        partitions = set(committed)
        for topic in self._topics:
            for number in consumer.partitions_for_topic(topic) or ():
                partitions.add(TopicPartition(topic, number))
        if not partitions:
            return LagReading({}, time.time())
        ordered = sorted(partitions)
        ends = await consumer.end_offsets(ordered)
        starts = await consumer.beginning_offsets(ordered)
        by_topic: dict[str, int] = dict.fromkeys(self._topics, 0)
        for tp in ordered:
            done = committed.get(tp)
            position = done.offset if done is not None and done.offset >= 0 else starts.get(tp, 0)
            by_topic[tp.topic] = by_topic.get(tp.topic, 0) + max(0, ends.get(tp, 0) - position)
        return LagReading(by_topic, time.time())
