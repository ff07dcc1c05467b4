"""Read every notification on the submitted topic, as sent, without joining a consumer group."""

from __future__ import annotations

import logging

from ctax.kafka_admin.topic_reading import read_whole_topic
from schemas.codec import shared_codec
from schemas.kafka_connection import KafkaConnection
from schemas.notification import ChangeNotification
from schemas.topics import SUBMITTED

log = logging.getLogger(__name__)


async def read_submitted(connection: KafkaConnection, prefix: str = "", *,
                         wait_seconds: float = 15.0) -> dict[str, ChangeNotification]:
    """Every readable notification on the submitted topic by notification id (the first copy of each).

    The consumer subscribes without a group (nothing is committed) from the earliest offset and reads until
    every partition reaches the end offset it had when first assigned.
    """
    found: dict[str, ChangeNotification] = {}
    codec = shared_codec()
    unreadable = 0
    for record in await read_whole_topic(connection.options(), f"{prefix}{SUBMITTED.name}",
                                         wait_seconds=wait_seconds):
        try:
            notification = codec.decode(record.value, ChangeNotification)
        except ValueError:  # DecodeError, or a record the models now refuse
            unreadable += 1
            continue
        found.setdefault(notification.notification_id, notification)
    if unreadable:
        log.warning("unreadable records on the submitted topic skipped", extra={"count": unreadable})
    return found
