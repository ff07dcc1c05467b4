"""The staff workspace reads accounts through the adapter the settings choose, when one is given."""

from pathlib import Path

from adapters.memory_revenues import InMemoryRevenuesSystem
from web.staff_shell.services import StaffShell, StaffShellConfig
from web.stores.database import create_store_engine


class Reader(InMemoryRevenuesSystem):
    def property(self, uprn: str) -> None:
        return None


def test_a_given_reader_is_used_instead_of_the_sql_database(tmp_path: Path) -> None:
    reader = Reader()
    engine = create_store_engine(f"sqlite:///{tmp_path}/web.db")
    try:
        office = StaffShell.open(StaffShellConfig(revenues_database_url=f"sqlite:///{tmp_path}/r.db",
                                                  revenues_reader=reader, create_first_admin=False), engine)
        assert office.revenues is reader
    finally:
        engine.dispose()
