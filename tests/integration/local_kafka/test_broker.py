"""The local broker (ctax.local_kafka.broker) against a real JVM, through aiokafka.

These check what the processors rely on: an idempotent ``acks=all`` producer, a consumer
group that reads from the earliest offset and commits, topic creation with the admin
client, and (local broker only) a restart that keeps the address and the data.
"""

from __future__ import annotations

import asyncio
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from ctax.local_kafka import LocalKafka

# Includes bytes that are not valid UTF-8 and an empty value, to prove values travel untouched.
PAYLOADS = [b"\x00\x01\x02\xff\xfe", "£1,234.56 band D".encode(), b"", b"x" * 100_000]


def _unique(prefix: str) -> str:
    """Return a topic or group name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


async def _produce(bootstrap: str, topic: str, values: list[bytes]) -> None:
    """Send ``values`` to one partition of ``topic`` with an idempotent, acks=all producer."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(topic, value, key=b"same-key")
    finally:
        await producer.stop()


async def _consume(bootstrap: str, topic: str, group: str, count: int) -> list[bytes]:
    """Read ``count`` values of ``topic`` from the earliest offset as ``group`` and commit them."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        received: list[bytes] = []
        partitions: set[TopicPartition] = set()
        async with asyncio.timeout(60):
            while len(received) < count:
                batches = await consumer.getmany(timeout_ms=1000)
                for partition, records in batches.items():
                    partitions.add(partition)
                    received.extend(record.value or b"" for record in records)
        await consumer.commit()
        assert len(partitions) == 1, "one key must land in one partition"
        (partition,) = partitions
        assert await consumer.committed(partition) == count
        return received
    finally:
        await consumer.stop()


async def test_idempotent_produce_and_group_consume_round_trip_bytes(kafka_bootstrap: str) -> None:
    """Bytes sent by an idempotent acks=all producer come back unchanged to a consumer group."""
    topic = _unique("ctax-roundtrip")

    await _produce(kafka_bootstrap, topic, PAYLOADS)
    received = await _consume(kafka_bootstrap, topic, _unique("ctax-test-group"), len(PAYLOADS))

    assert received == PAYLOADS


async def test_auto_created_topic_has_four_partitions(kafka_bootstrap: str) -> None:
    """Producing to an unknown topic creates it with the broker's num.partitions=4."""
    topic = _unique("ctax-auto")
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"hello")
        assert await producer.partitions_for(topic) == {0, 1, 2, 3}
    finally:
        await producer.stop()


async def test_admin_client_creates_topic_with_four_partitions(kafka_bootstrap: str) -> None:
    """aiokafka's admin client can create a 4-partition topic and sees it described."""
    topic = _unique("ctax-admin")
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name=topic, num_partitions=4, replication_factor=1)])
        async with asyncio.timeout(30):
            while True:
                described = await admin.describe_topics([topic])
                if described and described[0]["error_code"] == 0 and described[0]["partitions"]:
                    break
                await asyncio.sleep(0.2)
        assert described[0]["topic"] == topic
        assert sorted(p["partition"] for p in described[0]["partitions"]) == [0, 1, 2, 3]
        assert topic in await admin.list_topics()
    finally:
        await admin.close()


async def test_restart_keeps_bootstrap_and_data(kafka_broker: LocalKafka) -> None:
    """After restart() the broker is on the same address and still has the records."""
    topic = _unique("ctax-restart")
    bootstrap = kafka_broker.bootstrap
    values = [b"before-restart-1", b"before-restart-2"]
    await _produce(bootstrap, topic, values)

    await asyncio.to_thread(kafka_broker.restart)

    assert kafka_broker.is_running()
    assert kafka_broker.bootstrap == bootstrap
    assert await _consume(bootstrap, topic, _unique("ctax-restart-group"), len(values)) == values
