"""Topics are created with their configured retention.ms on the real broker, and a changed period is applied
to topics that already exist (the broker then deletes older records with no job of ours)."""

from __future__ import annotations

import uuid

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from ctax.kafka_admin.topic_retention import DAY_MS, TopicRetention
from ctax.kafka_admin.topic_setup import ensure_topics
from schemas.topics import DEAD_LETTER_TOPIC, METRICS, STATUS, SUBMITTED, SUBMITTED_RETRY_TOPIC, all_topic_names


async def retention_of(bootstrap: str, names: list[str]) -> dict[str, int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        responses = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, n) for n in names])
    finally:
        await admin.close()
    found: dict[str, int] = {}
    for response in responses:
        for _error, _message, _type, name, entries in response.resources:
            found[name] = next(int(entry[1]) for entry in entries if entry[0] == "retention.ms")
    return found


async def test_topics_are_created_with_their_retention_and_changes_apply(kafka_bootstrap: str) -> None:
    prefix = f"ret-{uuid.uuid4().hex[:6]}."
    policy = TopicRetention(notification_days=3, status_days=4, dead_letter_days=5, metrics_days=400)
    await ensure_topics(kafka_bootstrap, 1, prefix=prefix, retention=policy)
    names = all_topic_names(prefix)
    created = await retention_of(kafka_bootstrap, names)
    assert set(created) == set(names)
    assert created[prefix + SUBMITTED.name] == 3 * DAY_MS
    assert created[prefix + SUBMITTED_RETRY_TOPIC] == 3 * DAY_MS
    assert created[prefix + STATUS.name] == 4 * DAY_MS
    assert created[prefix + DEAD_LETTER_TOPIC] == 5 * DAY_MS
    assert created[prefix + METRICS.name] == 400 * DAY_MS
    assert all(ms <= 30 * DAY_MS for name, ms in created.items() if name != prefix + METRICS.name)

    await ensure_topics(kafka_bootstrap, 1, prefix=prefix, retention=TopicRetention(notification_days=1))
    changed = await retention_of(kafka_bootstrap, names)
    assert changed[prefix + SUBMITTED.name] == DAY_MS
    assert changed[prefix + STATUS.name] == TopicRetention().status_days * DAY_MS
