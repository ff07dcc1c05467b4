"""A read-only view of the legacy revenues database for the staff workspace.

The web app never writes to the revenues system; only the apply stage does. The connection itself is
read-only (PostgreSQL ``default_transaction_read_only``, SQLite ``query_only``), so a bug in a page cannot
change an account.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Engine, create_engine, event, select

from adapters.revenues_port import AccountView, RegisterProperty
from adapters.sql_revenues import SqlRevenuesSystem, driver_url
from adapters.sql_schema import property_table


class RevenuesReader(Protocol):
    """What the staff workspace reads from the revenues system."""

    def account(self, account_ref: str) -> AccountView | None:
        """Return an account with its current charges, instalments and audit notes."""

    def accounts_at(self, uprn: str) -> list[AccountView]:
        """Return every account at a property, newest first."""

    def property(self, uprn: str) -> RegisterProperty | None:
        """Return the register entry of a dwelling."""

    def properties_by_postcode(self, postcode: str) -> list[RegisterProperty]:
        """Return the dwellings with a postcode (normalised, e.g. ``ZY1 5AB``)."""


def create_read_only_engine(url: str) -> Engine:
    url = driver_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _read_only(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA query_only=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=3, max_overflow=3,
                         connect_args={"options": "-c default_transaction_read_only=on"})


@dataclass
class SqlRevenuesReader:
    """Reads accounts and the register through the SQL adapter's own queries, on a read-only connection."""

    engine: Engine

    @classmethod
    def from_url(cls, url: str) -> SqlRevenuesReader:
        return cls(create_read_only_engine(url))

    def account(self, account_ref: str) -> AccountView | None:
        return SqlRevenuesSystem(self.engine).account(account_ref)

    def accounts_at(self, uprn: str) -> list[AccountView]:
        return SqlRevenuesSystem(self.engine).accounts_at(uprn)

    def property(self, uprn: str) -> RegisterProperty | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(property_table).where(property_table.c.uprn == uprn)).mappings().first()
        return RegisterProperty(**dict(row)) if row else None

    def properties_by_postcode(self, postcode: str) -> list[RegisterProperty]:
        return SqlRevenuesSystem(self.engine).properties_by_postcode(postcode)

    def dispose(self) -> None:
        self.engine.dispose()
