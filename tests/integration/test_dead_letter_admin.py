"""`ctax deadletters list` reads what the pipeline dead-lettered, from the real broker."""

from __future__ import annotations

import uuid

import pytest
from aiokafka import AIOKafkaProducer

from ctax.kafka_admin.dead_letters import read_dead_letters
from processors.pipeline.context import SourceRecord
from processors.pipeline.dead_letters import dead_letter
from schemas.events import Stage
from schemas.topics import SUBMITTED

pytestmark = pytest.mark.integration


async def test_the_dead_letters_on_the_topic_are_listed_with_their_reasons(kafka_bootstrap: str) -> None:
    prefix = f"dlq-{uuid.uuid4().hex[:8]}."
    letters = [dead_letter(Stage.VALIDATE, SourceRecord(SUBMITTED.name, b"k", value, partition=0, offset=n),
                           f"reason {n}") for n, value in enumerate((b"not avro", b"\x00\x01"))]
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    try:
        for letter in letters:
            await producer.send_and_wait(f"{prefix}{letter.topic}", letter.value, key=letter.key,
                                         headers=list(letter.headers))
    finally:
        await producer.stop()
    found = await read_dead_letters(kafka_bootstrap, prefix)
    assert [(letter.reason, letter.value) for letter in found] == [("reason 0", b"not avro"), ("reason 1", b"\x00\x01")]
