"""SQL on the database driver itself: a pooled connection that broke is reported and replaced, and a broken
constraint is the error the apply retries on."""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from adapters.revenues_port import RevenuesUnavailableError
from adapters.sql.engines import create_database_engine
from adapters.sql.revenues import SqlRevenuesSystem
from adapters.sql.statements import COPY_FROM_ROWS, bulk_insert
from adapters.sql.tables import applied_notification_table
from tests.integration.tcp_proxy import CuttableProxy
from tests.postgres_fixtures import fresh_database
from tests.unit.adapters.revenues_contract import OCCUPIED, seed

pytestmark = pytest.mark.postgres


@pytest.fixture
def through_proxy() -> Iterator[tuple[SqlRevenuesSystem, CuttableProxy]]:
    for url in fresh_database():
        parsed = make_url(url)
        proxy = CuttableProxy(parsed.host or "127.0.0.1", parsed.port or 5432)
        through = parsed.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        system = SqlRevenuesSystem(create_database_engine(through, pool_size=1))  # no pre-ping, as the worker
        try:
            yield system, proxy
        finally:
            system.dispose()
            proxy.close()


def test_a_pooled_connection_that_broke_is_unavailable_once_then_replaced(
        through_proxy: tuple[SqlRevenuesSystem, CuttableProxy]) -> None:
    revenues, proxy = through_proxy
    seed(revenues)
    assert revenues.property_facts_many([OCCUPIED])[OCCUPIED].open_account is not None  # one connection pooled
    proxy.cut()  # drops it
    proxy.restore()
    with pytest.raises(RevenuesUnavailableError):
        revenues.property_facts_many([OCCUPIED])
    assert revenues.property_facts_many([OCCUPIED])[OCCUPIED].open_account is not None
    assert revenues.applied_many(["none"]) == {}


@pytest.mark.parametrize("rows", [1, COPY_FROM_ROWS], ids=["one INSERT", "COPY"])
def test_a_notification_recorded_twice_is_sqlalchemys_integrity_error(
        through_proxy: tuple[SqlRevenuesSystem, CuttableProxy], rows: int) -> None:
    revenues, _ = through_proxy
    seed(revenues)
    applied: list[dict[str, Any]] = [
        {"notification_id": f"n{i}", "reference": f"CTX-{i}", "change_fingerprint": f"f{i}",
         "applied_at": datetime.now(UTC), "account_refs": ""} for i in range(rows)]
    with revenues.engine.begin() as conn:
        bulk_insert(conn, applied_notification_table, applied)
    with pytest.raises(IntegrityError), revenues.engine.begin() as conn:  # the apply retries on this one
        bulk_insert(conn, applied_notification_table, applied)
    assert len(revenues.applied_many([f"n{i}" for i in range(rows)])) == rows


def test_the_workers_connections_give_up_on_a_silent_server(
        through_proxy: tuple[SqlRevenuesSystem, CuttableProxy]) -> None:
    """libpq's own defaults wait for ever; the worker's connections carry bounds the driver really applies."""
    revenues, _ = through_proxy
    with revenues.engine.connect() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        parameters = driver.info.get_parameters()
    assert parameters["connect_timeout"] == "10"
    assert parameters["keepalives_idle"] == "20"
    assert parameters["tcp_user_timeout"] == "60000"

