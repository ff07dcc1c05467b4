"""The revenues contract against the adapter ``CTAX_REVENUES_ADAPTER`` selects, configured from the settings.

sql runs against a fresh database (PostgreSQL on the server CTAX_TEST_POSTGRES_URL names, else SQLite);
soap and files against the simulated back office, started for each test in a temporary folder, with the
adapter's timeouts from the settings. An integrator checking an adapter for another back office adds a class
here whose ``revenues`` fixture gives a freshly seeded system.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.sql.revenues import SqlRevenuesSystem
from ctax.settings import load_settings
from tests.legacy_back_office import FileContract, SoapContract
from tests.postgres_fixtures import ENV
from tests.sql_contract import PostgresContract
from tests.unit.adapters.revenues_contract import RevenuesContract

SETTINGS = load_settings()


class SqliteContract(RevenuesContract):
    @pytest.fixture
    def revenues(self, tmp_path: Path) -> Iterator[SqlRevenuesSystem]:
        system = SqlRevenuesSystem.from_url(f"sqlite:///{tmp_path}/revenues.db")
        yield system
        system.dispose()


class ConfiguredSoapContract(SoapContract):
    soap_timeout_seconds = SETTINGS.soap_timeout_seconds


class ConfiguredFileContract(FileContract):
    results_wait_seconds = SETTINGS.files_results_wait_seconds


SELECTED: type[RevenuesContract] = {
    "sql": PostgresContract if os.environ.get(ENV) else SqliteContract,
    "soap": ConfiguredSoapContract, "files": ConfiguredFileContract,
}[SETTINGS.revenues_adapter]


class TestSelectedAdapter(SELECTED):  # type: ignore[valid-type,misc]
    """Whichever adapter the settings select."""
