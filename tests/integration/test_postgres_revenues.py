"""The revenues contract against a real PostgreSQL server."""

from collections.abc import Iterator

import pytest

from adapters.sql.revenues import SqlRevenuesSystem
from tests.postgres_fixtures import fresh_database
from tests.unit.adapters.revenues_contract import RevenuesContract

pytestmark = pytest.mark.postgres


class TestPostgresRevenues(RevenuesContract):
    @pytest.fixture
    def revenues(self) -> Iterator[SqlRevenuesSystem]:
        for url in fresh_database():
            system = SqlRevenuesSystem.from_url(url)
            yield system
            system.dispose()
