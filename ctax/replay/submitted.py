"""Read every notification on the submitted topic, as sent, without joining a consumer group."""

from __future__ import annotations

import logging
import time

from aiokafka import AIOKafkaConsumer, TopicPartition

from schemas.codec import shared_codec
from schemas.notification import ChangeNotification
from schemas.topics import SUBMITTED
from web.kafka.connection import KafkaConnection

log = logging.getLogger(__name__)


async def read_submitted(connection: KafkaConnection, prefix: str = "", *,
                         wait_seconds: float = 15.0) -> dict[str, ChangeNotification]:
    """Every readable notification on the submitted topic by notification id (the first copy of each).

    The consumer subscribes without a group (nothing is committed) from the earliest offset and reads until
    every partition reaches the end offset it had when first assigned.
    """
    topic = f"{prefix}{SUBMITTED.name}"
    consumer = AIOKafkaConsumer(topic, group_id=None, auto_offset_reset="earliest", enable_auto_commit=False,
                                **connection.options())
    await consumer.start()
    found: dict[str, ChangeNotification] = {}
    codec = shared_codec()
    unreadable = 0
    ends: dict[TopicPartition, int] | None = None
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    try:
                        notification = codec.decode(record.value, ChangeNotification)
                    except ValueError:  # DecodeError, or a record the models now refuse
                        unreadable += 1
                        continue
                    found.setdefault(notification.notification_id, notification)
            if ends is None and consumer.assignment():
                ends = await consumer.end_offsets(list(consumer.assignment()))
            if ends is not None and all([await consumer.position(tp) >= end for tp, end in ends.items()]):
                break
            if ends is None and time.monotonic() > deadline:
                break  # the topic does not exist (yet): nothing was ever submitted
    finally:
        await consumer.stop()
    if unreadable:
        log.warning("unreadable records on the submitted topic skipped", extra={"count": unreadable})
    return found
