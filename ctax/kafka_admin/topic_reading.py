"""Reading a whole topic from the start, as the CLI's tools do, without joining a consumer group."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord


async def read_whole_topic(options: Mapping[str, Any], topic: str, *,
                           wait_seconds: float = 15.0) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record on ``topic`` up to the end offsets it had when first assigned, in partition order.

    The consumer subscribes without a group (nothing is committed, no rebalance) from the earliest offset. A
    topic that does not exist gives nothing once ``wait_seconds`` have passed.
    """
    consumer = AIOKafkaConsumer(topic, group_id=None, auto_offset_reset="earliest", enable_auto_commit=False,
                                **options)
    records: list[ConsumerRecord[bytes, bytes]] = []
    ends: dict[TopicPartition, int] | None = None
    deadline = time.monotonic() + wait_seconds
    try:
        await consumer.start()  # inside the try: a consumer that could not reach Kafka is still closed
        while True:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(batch)
            if ends is None and consumer.assignment():
                ends = await consumer.end_offsets(list(consumer.assignment()))
            if ends is not None and all([await consumer.position(tp) >= end for tp, end in ends.items()]):
                break
            if ends is None and time.monotonic() > deadline:
                break  # the topic does not exist (yet)
    finally:
        await consumer.stop()
    return records
