"""Read every notification on the submitted topic, as sent, without joining a consumer group."""

from __future__ import annotations

import logging

from aiokafka import AIOKafkaConsumer, TopicPartition

from schemas.codec import shared_codec
from schemas.notification import ChangeNotification
from schemas.topics import SUBMITTED
from web.kafka.connection import KafkaConnection

log = logging.getLogger(__name__)


async def read_submitted(connection: KafkaConnection, prefix: str = "") -> dict[str, ChangeNotification]:
    """Every readable notification on the submitted topic by notification id (the first copy of each).

    The whole topic is read from the start to the end offsets taken when reading begins.
    """
    topic = f"{prefix}{SUBMITTED.name}"
    consumer = AIOKafkaConsumer(enable_auto_commit=False, **connection.options())
    await consumer.start()
    found: dict[str, ChangeNotification] = {}
    try:
        await consumer.topics()  # fetch metadata for the topic's partitions
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not partitions:
            return found
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        remaining = {tp for tp in partitions if ends[tp] > 0}
        codec = shared_codec()
        unreadable = 0
        while remaining:
            batches = await consumer.getmany(*remaining, timeout_ms=2000)
            if not batches:
                break
            for tp, records in batches.items():
                for record in records:
                    try:
                        notification = codec.decode(record.value, ChangeNotification)
                    except ValueError:  # DecodeError, or a record the models now refuse
                        unreadable += 1
                        continue
                    found.setdefault(notification.notification_id, notification)
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
        if unreadable:
            log.warning("unreadable records on the submitted topic skipped", extra={"count": unreadable})
    finally:
        await consumer.stop()
    return found
