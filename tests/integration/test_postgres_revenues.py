"""The revenues contract against a real PostgreSQL server."""

import pytest

from tests.sql_contract import PostgresContract

pytestmark = pytest.mark.postgres


class TestPostgresRevenues(PostgresContract):
    pass
