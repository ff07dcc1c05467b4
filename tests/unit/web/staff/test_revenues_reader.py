"""The workspace's revenues reader cannot write to the legacy database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from adapters.sql.reader import SqlRevenuesReader
from adapters.sql.tables import account_table
from tests.unit.web.staff_shell.fixtures import OCCUPIED, seeded_revenues


def test_the_reader_reads_accounts_but_cannot_change_them(tmp_path: Path) -> None:
    reader = SqlRevenuesReader.from_url(seeded_revenues(tmp_path))
    try:
        (account,) = reader.accounts_at(OCCUPIED)
        assert account.account_ref == "500000021"
        prop = reader.property(OCCUPIED)
        assert prop is not None
        assert prop.address_line_1 == "21 Acacia Avenue"
        with pytest.raises(OperationalError, match="readonly"), reader.engine.begin() as conn:
            conn.execute(update(account_table).values(discount_percent=100))
    finally:
        reader.dispose()
