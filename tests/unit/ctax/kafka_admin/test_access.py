"""Naming why Kafka cannot be used, without a broker: nothing listening is worth waiting for."""

from __future__ import annotations

from ctax.kafka_admin.access import diagnose
from ctax.local_kafka import free_port


async def test_nothing_listening_is_a_retryable_cause() -> None:
    bootstrap = f"127.0.0.1:{free_port()}"

    cause = await diagnose({"bootstrap_servers": bootstrap}, wait_seconds=5)

    assert cause is not None
    assert cause.retryable
    assert f"nothing usable answers at {bootstrap}" in str(cause)
