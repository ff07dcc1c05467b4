from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.sql.revenues import SqlRevenuesSystem
from tests.unit.adapters.revenues_contract import RevenuesContract


class TestSqliteRevenues(RevenuesContract):
    @pytest.fixture
    def revenues(self, tmp_path: Path) -> Iterator[SqlRevenuesSystem]:
        system = SqlRevenuesSystem.from_url(f"sqlite:///{tmp_path}/revenues.db")
        yield system
        system.dispose()
