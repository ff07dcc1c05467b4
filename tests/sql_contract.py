"""The revenues contract against the SQL adapter on a real PostgreSQL, reached through a proxy a test can cut."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from adapters.sql.engines import create_database_engine
from adapters.sql.revenues import SqlRevenuesSystem
from tests.integration.tcp_proxy import CuttableProxy
from tests.postgres_fixtures import fresh_database
from tests.unit.adapters.revenues_contract import RevenuesContract


class PostgresContract(RevenuesContract):
    """A fresh database per test on the server CTAX_TEST_POSTGRES_URL names."""

    proxy: CuttableProxy

    @pytest.fixture
    def revenues(self) -> Iterator[SqlRevenuesSystem]:
        for url in fresh_database():
            parsed = make_url(url)
            self.proxy = CuttableProxy(parsed.host or "127.0.0.1", parsed.port or 5432)
            through = parsed.set(host="127.0.0.1", port=self.proxy.port).render_as_string(hide_password=False)
            system = SqlRevenuesSystem(create_database_engine(through, pre_ping=True))
            try:
                yield system
            finally:
                system.dispose()
                self.proxy.close()

    @contextmanager
    def unavailable(self, revenues: Any) -> Iterator[None]:
        """The database cannot be reached: every connection dropped, new ones refused."""
        self.proxy.cut()
        try:
            yield
        finally:
            self.proxy.restore()
