"""The example consumer of the metrics stream reads real metric events from the broker."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaProducer

from examples.metrics_consumer import summarise
from schemas.codec import shared_codec
from schemas.events import NotificationMetric, Status
from schemas.notification import ChangeKind

pytestmark = pytest.mark.integration


def _metric(kind: ChangeKind, outcome: Status, saving: int) -> NotificationMetric:
    now = datetime.now(UTC)
    return NotificationMetric(
        notification_id=str(uuid.uuid4()), council_code="E99999999", kind=kind, outcome=outcome, reason_codes=(),
        submitted_at=now, completed_at=now, validate_ms=1.0, assess_ms=1.0, apply_ms=1.0, end_to_end_ms=3.0,
        digital_cost_pence=15, baseline_cost_pence=15 + saving, saving_pence=saving, cost_model_version="test")


async def test_the_example_consumer_summarises_the_metrics_by_kind(kafka_bootstrap: str) -> None:
    topic = f"example-{uuid.uuid4().hex[:8]}.ctax.metrics.notifications.v1"
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    try:
        for metric in (_metric(ChangeKind.MOVE_IN, Status.APPLIED, 476), _metric(ChangeKind.MOVE_IN, Status.REVIEW, 0),
                       _metric(ChangeKind.CHANGE_OF_NAME, Status.APPLIED, 351)):
            await producer.send_and_wait(topic, shared_codec().encode(metric), key=metric.notification_id.encode())
        await producer.send_and_wait(topic, b"not a metric")
    finally:
        await producer.stop()
    summary = await summarise(kafka_bootstrap, topic=topic, limit=4, idle_seconds=10)
    assert summary.notifications == {"move_in": 2, "change_of_name": 1}
    assert summary.straight_through == {"move_in": 1, "change_of_name": 1}
    assert summary.saving_pence == {"move_in": 476, "change_of_name": 351}
    assert summary.unreadable == 1
    assert "change_of_name" in "\n".join(summary.lines())
