"""The staff workspace reads accounts through the adapter the settings choose, when one is given."""

from pathlib import Path

from adapters.memory_revenues import InMemoryRevenuesSystem
from web.back_office.services import BackOffice, BackOfficeConfig


class Reader(InMemoryRevenuesSystem):
    def property(self, uprn: str) -> None:
        return None


def test_a_given_reader_is_used_instead_of_the_sql_database(tmp_path: Path) -> None:
    reader = Reader()
    office = BackOffice.open(BackOfficeConfig(revenues_database_url=f"sqlite:///{tmp_path}/r.db",
                                              revenues_reader=reader, create_first_admin=False),
                             f"sqlite:///{tmp_path}/web.db")
    assert office.revenues is reader
