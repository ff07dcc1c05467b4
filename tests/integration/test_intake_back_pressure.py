"""Back-pressure on the real intake: a frozen broker and a full intake give a quick 503, never a long wait,
and every notification answered 202 is on Kafka, once per idempotency key."""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaConsumer

from ctax.kafka_admin.topic_setup import ensure_topics
from ctax.local_kafka import LocalKafka
from schemas.topics import SUBMITTED
from tests.integration.running_stack import RunningStack, run_coroutine
from tests.integration.test_move_journeys import move_in_body

REQUESTS = 12


@pytest.fixture
def frozen(kafka_broker: LocalKafka) -> Iterator[tuple[LocalKafka, list[bool]]]:
    """The session broker, which the test may freeze (SIGSTOP): it is always thawed afterwards."""
    state = [False]
    try:
        yield kafka_broker, state
    finally:
        if state[0] and kafka_broker.pid is not None:
            os.kill(kafka_broker.pid, signal.SIGCONT)


def _freeze(broker: LocalKafka, state: list[bool], on: bool) -> None:
    assert broker.pid is not None
    os.kill(broker.pid, signal.SIGSTOP if on else signal.SIGCONT)
    state[0] = on


async def _submit_all(url: str, keys: list[str]) -> list[tuple[int, str | None, float, dict[str, str]]]:
    """Post one notification per key at once; a key's body is the same on every call (it names its property)."""
    async with httpx.AsyncClient(timeout=30) as client:
        async def one(key: str) -> tuple[int, str | None, float, dict[str, str]]:
            started = time.monotonic()
            number = int(key[:4], 16)
            body = move_in_body(f"1000900{number:05d}", f"{number} Acacia Avenue")
            response = await client.post(url, json=body, headers={"Idempotency-Key": key})
            return (response.status_code, response.headers.get("Retry-After"), time.monotonic() - started,
                    response.json())
        return list(await asyncio.gather(*(one(key) for key in keys)))


async def _ids_on(bootstrap: str, topic: str, expected: int) -> list[str]:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    await consumer.start()
    ids: list[str] = []
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(set(ids)) < expected:
            for records in (await consumer.getmany(timeout_ms=300)).values():
                ids.extend(bytes(record.key).decode() for record in records if record.key)
        for records in (await consumer.getmany(timeout_ms=1500)).values():  # read on: a late write shows too
            ids.extend(bytes(record.key).decode() for record in records if record.key)
    finally:
        await consumer.stop()
    return ids


def test_a_frozen_broker_and_a_full_intake_answer_503_quickly_and_lose_nothing(
        frozen: tuple[LocalKafka, list[bool]], tmp_path: Path) -> None:
    broker, state = frozen
    stack = RunningStack(broker.bootstrap, f"sqlite:///{tmp_path}/revenues.db", tmp_path)
    url = f"{stack.base_url}/api/v1/notifications"
    try:
        run_coroutine(ensure_topics(broker.bootstrap, 2, prefix=stack.prefix))
        stack.start_web(CTAX_INTAKE_IN_FLIGHT="2", CTAX_INTAKE_WAITING="2", CTAX_INTAKE_WAIT_MS="200",
                        CTAX_PUBLISH_ACK_TIMEOUT_SECONDS="1.5", CTAX_INTAKE_RATE_PER_MINUTE="0")
        ((status, _, _, warm),) = run_coroutine(_submit_all(url, [str(uuid.uuid4())]))
        assert status == 202, warm  # the producer is connected before the broker freezes

        keys = [str(uuid.uuid4()) for _ in range(REQUESTS)]
        _freeze(broker, state, True)
        answers = run_coroutine(_submit_all(url, keys))
        _freeze(broker, state, False)
        assert {status for status, *_ in answers} == {503}, answers
        assert max(seconds for _, _, seconds, _ in answers) < 4, answers  # the ack deadline, not a long wait
        retry_after = sorted(after or "" for _, after, _, _ in answers)
        assert "1" in retry_after  # turned away at the gate: the line was full or the wait ran out
        assert "5" in retry_after  # in flight when the broker did not acknowledge in time

        accepted: dict[str, str] = {}
        last: dict[str, int] = {}
        deadline = time.monotonic() + 90
        while len(accepted) < REQUESTS and time.monotonic() < deadline:
            waiting = [key for key in keys if key not in accepted]
            for key, (status, _, _, body) in zip(waiting, run_coroutine(_submit_all(url, waiting)), strict=True):
                last[key] = status
                if status == 202:
                    accepted[key] = body["notification_id"]
            time.sleep(1)
        assert len(accepted) == REQUESTS, (last, stack.log_tail("web"))
        on_kafka = run_coroutine(_ids_on(broker.bootstrap, f"{stack.prefix}{SUBMITTED.name}", REQUESTS + 1))
        # Every 202 is on Kafka; a write that timed out and landed later carries the id its retry was given.
        assert set(accepted.values()) <= set(on_kafka)
        assert len(set(on_kafka)) == REQUESTS + 1  # the warm-up and one notification per key, no more
    finally:
        stack.stop()
