"""A read-only view of the legacy revenues database for the staff workspace.

The web app never writes to the revenues system; only the apply stage does. The connection itself is
read-only (PostgreSQL ``default_transaction_read_only``, SQLite ``query_only``), so a bug in a page cannot
change an account.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, select

from adapters.revenues_port import AccountView, RegisterProperty
from adapters.sql.engines import create_database_engine
from adapters.sql.revenues import SqlRevenuesSystem
from adapters.sql.tables import property_table
from adapters.sql.unclaimed_credits import CreditsBand, unclaimed_credits
from schemas.events import PropertyFacts


@dataclass
class SqlRevenuesReader:
    """Reads accounts and the register through the SQL adapter's own queries, on a read-only connection."""

    engine: Engine

    @classmethod
    def from_url(cls, url: str) -> SqlRevenuesReader:
        return cls(create_database_engine(url, read_only=True, pre_ping=True, pool_size=3))

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

    def unclaimed_credits(self, today: date) -> list[CreditsBand]:
        """Credits left on closed accounts by age band (adapters/sql/unclaimed_credits.py)."""
        with self.engine.connect() as conn:
            return unclaimed_credits(conn, today)

    def property_facts_many(self, uprns: Collection[str]) -> dict[str, PropertyFacts]:
        """The register facts the validate stage reads, by the same query (the bill preview reads them)."""
        return SqlRevenuesSystem(self.engine).property_facts_many(uprns)

    def dispose(self) -> None:
        self.engine.dispose()
