"""Two web processes sharing one PostgreSQL web store share one sign-in throttle and one intake rate limit.

Each app below is a separate instance of the web app (its own middleware, stores and engine), as two
processes behind a load balancer would be; only the database is shared. Failed sign-ins and intake POSTs
split between them count once, so neither doubles the limit, and a third instance started afterwards (a
restart) still sees the count.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from schemas.kafka_connection import KafkaConnection
from tests.postgres_fixtures import fresh_database
from tests.unit.web.staff_shell.fixtures import PASSWORD, office_of, seeded_revenues, sign_in
from web.app import WebConfig, create_app
from web.staff_accounts.accounts import Role
from web.staff_shell.services import StaffShellConfig
from web.stores.database import create_store_engine
from web.stores.rate_buckets import SharedTokenBuckets, rate_bucket_table
from web.stores.signin_failures import SharedLoginThrottle

pytestmark = pytest.mark.postgres


@pytest.fixture
def database_url() -> Iterator[str]:
    yield from fresh_database()


@pytest.fixture
def revenues_url(tmp_path: Path) -> str:
    return seeded_revenues(tmp_path)


def web_app(database_url: str, revenues_url: str, *, per_minute: float = 600.0, burst: int = 100) -> FastAPI:
    return create_app(WebConfig(
        kafka=KafkaConnection("127.0.0.1:1"), council_code="E99999999",
        council_name="Exampleshire District Council", web_database_url=database_url,
        secret_key=b"k" * 32, secure_cookies=False, publish_timeout_seconds=0.5,
        intake_rate_per_minute=per_minute, intake_burst=burst, retention_interval_seconds=0,
        staff_shell=StaffShellConfig(revenues_database_url=revenues_url, create_first_admin=False,
                                     metrics_port=0, lag_interval_seconds=60),
    ))


def client_of(app: FastAPI, address: str = "192.0.2.10") -> httpx.AsyncClient:
    """A client of the app whose requests come from ``address``."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 40000)),
                             base_url="http://127.0.0.1")


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The app started (as its server would: its lifespan entered once) and a client of it."""
    async with app.router.lifespan_context(app), client_of(app) as client:
        yield client


async def test_failed_sign_ins_on_two_processes_count_once(database_url: str, revenues_url: str) -> None:
    first, second = web_app(database_url, revenues_url), web_app(database_url, revenues_url)
    async with AsyncExitStack() as stack:
        a = await stack.enter_async_context(serving(first))
        b = await stack.enter_async_context(serving(second))
        office_of(first).users.add("officer", "Olive Officer", Role.STAFF, PASSWORD)
        for client in (a, b, a, b, a):  # five failures, split between the processes
            assert (await sign_in(client, "officer", "not the password!")).status_code == 400
        for client in (a, b):  # each process now refuses, even the right password
            throttled = await sign_in(client, "officer")
            assert throttled.status_code == 429
            assert "Too many failed attempts" in throttled.text
    async with serving(web_app(database_url, revenues_url)) as restarted:
        assert (await sign_in(restarted, "officer")).status_code == 429  # a restart does not reset it


async def test_intake_posts_on_two_processes_share_one_bucket(database_url: str, revenues_url: str) -> None:
    first = web_app(database_url, revenues_url, per_minute=1, burst=4)
    second = web_app(database_url, revenues_url, per_minute=1, burst=4)
    async with AsyncExitStack() as stack:
        a = await stack.enter_async_context(serving(first))
        b = await stack.enter_async_context(serving(second))
        other = await stack.enter_async_context(client_of(second, address="198.51.100.7"))
        answers = [await client.post("/api/v1/notifications", json={}) for client in (a, b, a, b)]
        assert [r.status_code for r in answers].count(429) == 0  # the burst of 4, two from each process
        for client in (a, b):
            limited = await client.post("/api/v1/notifications", json={})
            assert limited.status_code == 429
            assert int(limited.headers["retry-after"]) >= 1
        assert (await other.post("/api/v1/notifications", json={})).status_code != 429  # per address


def test_the_shared_counts_follow_the_clock(database_url: str) -> None:
    now = [1_000_000.0]
    engine = create_store_engine(database_url)
    try:
        throttle = SharedLoginThrottle(engine, per_username=3, per_address=100, window_seconds=600,
                                       clock=lambda: now[0])
        throttle.create_schema()
        for _ in range(3):
            assert throttle.retry_after("Jo", "192.0.2.1") is None
            throttle.failed("Jo", "192.0.2.1")
        wait = throttle.retry_after("jo", "192.0.2.99")  # usernames are case-blind; the address differs
        assert wait == 620.0  # the minute bucket of the failures leaves the 10-minute window then
        now[0] += wait
        assert throttle.retry_after("jo", "192.0.2.1") is None
        throttle.failed("jo", "192.0.2.1")
        throttle.succeeded("jo")
        assert throttle.retry_after("jo", "192.0.2.1") is None

        buckets = SharedTokenBuckets(engine, per_minute=60, burst=2, clock=lambda: now[0])
        buckets.create_schema()
        assert [buckets.take("192.0.2.1") for _ in range(2)] == [0.0, 0.0]
        assert buckets.take("192.0.2.1") == pytest.approx(1.0)
        now[0] += 1.0
        assert buckets.take("192.0.2.1") == 0.0
        with engine.connect() as conn:  # the address itself is not stored
            assert "192.0.2.1" not in str(conn.execute(select(rate_bucket_table)).all())
    finally:
        engine.dispose()
