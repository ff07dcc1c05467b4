"""Listing, inspecting and replaying dead letters (the `ctax deadletters` commands)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer

from ctax.kafka_admin.topic_reading import read_whole_topic
from processors.pipeline.dead_letters import (
    OFFSET_HEADER,
    PARTITION_HEADER,
    REASON_HEADER,
    SOURCE_TOPIC_HEADER,
    STAGE_HEADER,
)
from schemas.codec import DecodeError, shared_codec
from schemas.topics import DEAD_LETTER_TOPIC

REPLAYED_FROM_HEADER = "ctax-replayed-from"


@dataclass(frozen=True)
class DeadLetter:
    partition: int
    offset: int
    timestamp: datetime
    stage: str
    source_topic: str
    reason: str
    source_position: str
    key: bytes | None
    value: bytes

    @property
    def id(self) -> str:
        return f"{self.partition}:{self.offset}"

    def matches(self, *, stage: str | None, reason: str | None, source_topic: str | None) -> bool:
        return ((stage is None or self.stage == stage)
                and (reason is None or reason.lower() in self.reason.lower())
                and (source_topic is None or source_topic in self.source_topic))

    def summary(self) -> dict[str, Any]:
        """What an operator needs to decide, without the content (which can hold personal data)."""
        codec = shared_codec()
        return {
            "id": self.id, "at": self.timestamp.isoformat(timespec="seconds"), "stage": self.stage,
            "source_topic": self.source_topic, "source_position": self.source_position, "reason": self.reason,
            "bytes": len(self.value), "schema": codec.schema_name_in(self.value) or "unreadable",
        }

    def content(self) -> dict[str, Any]:
        """The decoded record, if it can be read at all (shown only on request: it may hold personal data)."""
        codec = shared_codec()
        name = codec.schema_name_in(self.value)
        if name is None:
            return {"error": "not a readable event", "hex_preview": self.value[:64].hex()}
        try:
            return json.loads(json.dumps(codec.read_record(self.value, name), default=str))  # type: ignore[no-any-return]
        except DecodeError as error:
            return {"error": str(error)}


def _connection(kafka: str | Mapping[str, Any]) -> dict[str, Any]:
    """aiokafka options from a bootstrap address or from the settings' full options (TLS, SASL)."""
    return {"bootstrap_servers": kafka} if isinstance(kafka, str) else dict(kafka)


async def read_dead_letters(kafka: str | Mapping[str, Any], prefix: str = "") -> list[DeadLetter]:
    """Read the whole dead-letter topic (it is small by design) without joining a consumer group.

    ``kafka`` is a bootstrap address or the clients' connection options (``KafkaConnection.options()``).
    """
    records = await read_whole_topic(_connection(kafka), f"{prefix}{DEAD_LETTER_TOPIC}", wait_seconds=5.0)
    letters = [_letter(record) for record in records]
    return sorted(letters, key=lambda letter: (letter.timestamp, letter.partition, letter.offset))


async def replay(kafka: str | Mapping[str, Any], letters: Iterable[DeadLetter], prefix: str = "") -> int:
    """Put each dead letter's original bytes back on the topic it came from; returns how many."""
    producer = AIOKafkaProducer(**_connection(kafka), acks="all", enable_idempotence=True)
    count = 0
    try:
        await producer.start()
        for letter in letters:
            await producer.send_and_wait(
                f"{prefix}{letter.source_topic}", value=letter.value, key=letter.key,
                headers=[(REPLAYED_FROM_HEADER, letter.id.encode())],
            )
            count += 1
    finally:
        await producer.stop()
    return count


def _letter(record: Any) -> DeadLetter:
    headers = {k: v.decode("utf-8", "replace") for k, v in (record.headers or ()) if v is not None}
    position = f"{headers.get(PARTITION_HEADER, '?')}:{headers.get(OFFSET_HEADER, '?')}"
    return DeadLetter(
        partition=record.partition, offset=record.offset,
        timestamp=datetime.fromtimestamp(record.timestamp / 1000, UTC),
        stage=headers.get(STAGE_HEADER, "?"), source_topic=headers.get(SOURCE_TOPIC_HEADER, "?"),
        reason=headers.get(REASON_HEADER, "?"), source_position=position, key=record.key, value=record.value,
    )
