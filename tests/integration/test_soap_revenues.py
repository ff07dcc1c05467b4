"""The revenues contract against the web-service adapter talking to the simulated back office's SOAP service."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from adapters.revenues_port import ExistingAccount, RegisterProperty
from adapters.soap.revenues import SoapRevenuesSystem
from tests.legacy_back_office import NEW_ACCOUNT_REFS, RunningBackOffice, back_office
from tests.unit.adapters.revenues_contract import RevenuesContract


class SeededSoapRevenues(SoapRevenuesSystem):
    """The adapter, plus the test's way to seed the back office (straight into its database)."""

    def __init__(self, running: RunningBackOffice, timeout_seconds: float = 1.5) -> None:
        super().__init__(running.address, timeout_seconds=timeout_seconds)
        self.back_office = running

    def create_schema(self) -> None:
        """The back office made its own schema when it started."""

    def load_register(self, properties: Iterable[RegisterProperty], accounts: Iterable[ExistingAccount]) -> None:
        self.back_office.seed(properties, accounts)


@contextmanager
def flag_raised(flag: Path | None) -> Iterator[None]:
    assert flag is not None
    flag.touch()
    try:
        yield
    finally:
        flag.unlink()


class TestSoapRevenues(RevenuesContract):
    new_account_refs = NEW_ACCOUNT_REFS
    name_length_limit = 40

    @contextmanager
    def interrupted_after_commit(self, revenues: Any) -> Iterator[None]:
        """The back office commits the first write, then stalls past the adapter's timeout."""
        with flag_raised(revenues.back_office.stall_flag):
            yield

    @contextmanager
    def unavailable(self, revenues: Any) -> Iterator[None]:
        with flag_raised(revenues.back_office.maintenance_flag):
            yield

    @pytest.fixture
    def revenues(self, tmp_path: Path) -> Iterator[SeededSoapRevenues]:
        with back_office(tmp_path / "back-office", "soap") as running:
            system = SeededSoapRevenues(running)
            yield system
            system.close()
