"""Outages under load: the legacy database unreachable for a while, and the Kafka broker restarted.
Nothing accepted may be lost or applied twice, and the backlog must drain by itself afterwards."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer
from sqlalchemy.engine import make_url

from ctax.local_kafka import LocalKafka
from processors.stage_runner import SUBMITTED_RETRY_TOPIC
from tests.integration.load_harness import check_database, check_statuses, final_statuses, produce, seed_and_build
from tests.integration.running_stack import RunningStack
from tests.integration.tcp_proxy import CuttableProxy
from tests.postgres_fixtures import fresh_database

pytestmark = pytest.mark.postgres


async def count_records(bootstrap: str, topic: str) -> int:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = consumer.assignment() or set()
        for _ in range(20):
            if partitions:
                break
            await asyncio.sleep(0.2)
            partitions = consumer.assignment()
        ends = await consumer.end_offsets(list(partitions))
        return sum(ends.values())
    finally:
        await consumer.stop()


@pytest.fixture
def database_url() -> Iterator[str]:
    yield from fresh_database()


def test_the_backlog_drains_by_itself_after_the_legacy_database_comes_back(
    kafka_bootstrap: str, database_url: str, tmp_path: Path
) -> None:
    url = make_url(database_url)
    proxy = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    stack = RunningStack(kafka_bootstrap, database_url, tmp_path, extra_env={"CTAX_DATABASE_URL": through_proxy})
    try:
        stack.start()
        assert stack.revenues is not None
        batch = seed_and_build(stack.revenues, 600)
        producing = threading.Thread(target=lambda: asyncio.run(
            produce(stack.bootstrap, stack.prefix, batch.notifications, per_second=60)))
        producing.start()
        time.sleep(3)
        proxy.cut()
        time.sleep(10)
        parked_while_down = asyncio.run(count_records(stack.bootstrap, f"{stack.prefix}{SUBMITTED_RETRY_TOPIC}"))
        proxy.restore()
        producing.join()
        finals = asyncio.run(final_statuses(stack.bootstrap, stack.prefix, set(batch.expected), seconds=180))
        verdict = check_statuses(batch, finals)
        problems = check_database(stack.revenues, batch)
        print(f"\noutage test: 600 notifications, database cut for 10 s; parked {parked_while_down}; "  # noqa: T201
              f"applied {verdict.applied}, rejected {verdict.rejected}, review {verdict.review}; "
              f"missing {len(verdict.missing)}; problems {problems}")
        assert parked_while_down > 0, "nothing was parked while the database was down"
        assert not verdict.missing, stack.log_tail("worker")
        assert not verdict.wrong, verdict.wrong[:5]
        assert not problems
    finally:
        stack.stop()
        proxy.close()


def test_a_broker_restart_under_load_loses_nothing_and_duplicates_nothing(
    database_url: str, tmp_path: Path
) -> None:
    broker = LocalKafka(tmp_path / "kafka")
    broker.start()
    stack = RunningStack(broker.bootstrap, database_url, tmp_path)
    try:
        stack.start()
        assert stack.revenues is not None
        batch = seed_and_build(stack.revenues, 600)
        producing = threading.Thread(target=lambda: asyncio.run(
            produce(stack.bootstrap, stack.prefix, batch.notifications, per_second=60)))
        producing.start()
        time.sleep(4)
        broker.restart()
        producing.join()
        finals = asyncio.run(final_statuses(stack.bootstrap, stack.prefix, set(batch.expected), seconds=180))
        verdict = check_statuses(batch, finals)
        problems = check_database(stack.revenues, batch)
        print(f"\nbroker restart test: 600 notifications; applied {verdict.applied}, "  # noqa: T201
              f"rejected {verdict.rejected}, review {verdict.review}; missing {len(verdict.missing)}; "
              f"redelivered statuses {verdict.redelivered_statuses}; problems {problems}")
        assert not verdict.missing, stack.log_tail("worker")
        assert not verdict.wrong, verdict.wrong[:5]
        assert not problems
    finally:
        stack.stop()
        broker.stop()
