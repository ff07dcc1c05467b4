"""The revenues contract against the import-file adapter, with the simulated back office importing its files."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.files.overdue import OVERDUE_FILES
from adapters.files.revenues import FileRevenuesSystem
from adapters.revenues_port import ExistingAccount, RegisterProperty, RevenuesUnavailableError
from tests.builders import move_in, move_within
from tests.legacy_back_office import NEW_ACCOUNT_REFS, RunningBackOffice, back_office
from tests.unit.adapters.revenues_contract import (
    APPLIED_AT,
    OTHER_VACANT,
    VACANT,
    RevenuesContract,
    applied_of,
    apply_one,
    change_for,
    seed,
)


class SeededFileRevenues(FileRevenuesSystem):
    """The adapter, plus the test's way to seed the back office (straight into its database)."""

    def __init__(self, running: RunningBackOffice, folder: Path, **options: Any) -> None:
        assert running.results is not None
        super().__init__(outbox=Path(running.address), results=running.results, journal=folder / "journal.db",
                         reporting_database=running.database, results_wait_seconds=options.pop("wait", 10.0),
                         **options)
        self.back_office = running

    def create_schema(self) -> None:
        """The back office made its own schema when it started."""

    def load_register(self, properties: Iterable[RegisterProperty], accounts: Iterable[ExistingAccount]) -> None:
        self.back_office.seed(properties, accounts)


@contextmanager
def maintenance(revenues: Any, wait: float = 1.0) -> Iterator[None]:
    """The back office stops importing, and the adapter waits only ``wait`` seconds for results."""
    flag, kept = revenues.back_office.maintenance_flag, revenues._wait
    flag.touch()
    revenues._wait = wait
    try:
        yield
    finally:
        flag.unlink()
        revenues._wait = kept


class TestImportFileRevenues(RevenuesContract):
    new_account_refs = NEW_ACCOUNT_REFS
    name_length_limit = 40

    @pytest.fixture
    def revenues(self, tmp_path: Path) -> Iterator[SeededFileRevenues]:
        with back_office(tmp_path / "back-office", "files") as running:
            system = SeededFileRevenues(running, tmp_path / "adapter")
            yield system
            system.close()

    @contextmanager
    def interrupted_after_commit(self, revenues: Any) -> Iterator[None]:
        """The file is delivered but its results do not come back in time (the import job is paused)."""
        with maintenance(revenues):
            yield

    @contextmanager
    def unavailable(self, revenues: Any) -> Iterator[None]:
        with maintenance(revenues):
            yield

    def test_a_crash_between_the_journal_and_the_outbox_sends_the_same_file_once(self, seeded: Any) -> None:
        change = change_for(seeded, move_within(from_uprn="100090000002", to_uprn=OTHER_VACANT))
        seeded._reserve([change], APPLIED_AT)
        assert list(Path(seeded.back_office.address).glob("*.csv")) == []
        applied = apply_one(seeded, change)
        assert len(seeded.accounts_at(OTHER_VACANT)) == 1
        archive = Path(seeded.back_office.address).parent / "archive"
        assert [p.name for p in archive.glob("*.csv")] == ["CTAXCHG_E99999999_000001.csv"]
        assert applied_of(seeded, change.notification_id).account_refs == applied.account_refs

    def test_names_in_any_script_survive_and_the_file_declares_utf_8(self, seeded: Any) -> None:
        name = "Zoë Łukasiewicz-Ødegård"
        applied = apply_one(seeded, change_for(seeded, move_in(uprn=VACANT, residents=[{"full_name": name}])))
        assert seeded.account(applied.account_refs[0]).liable_persons == (name,)
        (sent,) = (Path(seeded.back_office.address).parent / "archive").glob("*.csv")
        header = sent.read_text(encoding="utf-8").splitlines()[0]
        assert header.startswith("H,CTAXCHG,1,000001,")
        assert header.endswith(",E99999999,UTF-8")

    def test_results_that_never_arrive_raise_the_overdue_alert(self, revenues: Any) -> None:
        seed(revenues)
        revenues._alert = 0.0
        change = change_for(revenues, move_in(uprn=VACANT))
        with maintenance(revenues, wait=0.3), pytest.raises(RevenuesUnavailableError, match="no results yet"):
            revenues.apply_account_changes([change], datetime.now().astimezone())
        assert OVERDUE_FILES._value.get() == 1
        apply_one(revenues, change)
        revenues.applied_many([change.notification_id])
        assert OVERDUE_FILES._value.get() == 0
