"""Outages under load: the legacy database unreachable for a while, and the Kafka broker restarted.
Nothing accepted may be lost or applied twice, and the backlog must drain by itself afterwards."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer
from sqlalchemy.engine import make_url

from ctax.local_kafka import LocalKafka
from schemas.topics import SUBMITTED_RETRY_TOPIC
from tests.integration.load_harness import produce_in_background, seed_and_build, settle_and_check
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
    stack = RunningStack(kafka_bootstrap, database_url, tmp_path,
                         extra_env={"CTAX_REVENUES_DATABASE_URL": through_proxy})
    try:
        stack.start()
        assert stack.revenues is not None
        batch = seed_and_build(stack.revenues, 600)
        producing = produce_in_background(stack.bootstrap, stack.prefix, batch, per_second=60)
        time.sleep(3)
        proxy.cut()
        time.sleep(10)
        parked_while_down = asyncio.run(count_records(stack.bootstrap, f"{stack.prefix}{SUBMITTED_RETRY_TOPIC}"))
        proxy.restore()
        producing.join()
        settle_and_check(stack.bootstrap, stack.prefix, stack.revenues, batch,
                         f"outage test (database cut for 10 s, {parked_while_down} records parked)",
                         lambda: stack.log_tail("worker"), seconds=180)
        assert parked_while_down > 0, "nothing was parked while the database was down"
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
        producing = produce_in_background(stack.bootstrap, stack.prefix, batch, per_second=60)
        time.sleep(4)
        broker.restart()
        producing.join()
        settle_and_check(stack.bootstrap, stack.prefix, stack.revenues, batch, "broker restart test",
                         lambda: stack.log_tail("worker"), seconds=180)
    finally:
        stack.stop()
        broker.stop()
