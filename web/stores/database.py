"""The web store's one schema and its engines: every table of the web side is declared on :data:`metadata`.

The web app keeps its own database (``CTAX_WEB_DATABASE_URL``; SQLite by default, PostgreSQL in
production), apart from the revenues system's. Each store module declares its tables on the shared
:data:`metadata` and creates them with :func:`create_tables`; engines come from :func:`create_store_engine`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, MetaData, Table

from adapters.sql.engines import create_database_engine, is_sqlite

metadata = MetaData()


def create_store_engine(url: str) -> Engine:
    """Return an engine for the web store at ``url`` (a SQLite file or a PostgreSQL server)."""
    if is_sqlite(url):
        # One connection: SQLite takes one writer at a time, and threads queueing for the pooled connection
        # wait far less than connections retrying a locked database file (its busy handler sleeps).
        return create_database_engine(url, pool_size=1, max_overflow=0)
    return create_database_engine(url, pre_ping=True)


def create_tables(engine: Engine, *tables: Table) -> None:
    """Create the given tables where they are missing (a store creates its own, not the whole schema)."""
    metadata.create_all(engine, tables=list(tables))


def as_utc(value: datetime) -> datetime:
    """The same instant with its time zone: SQLite gives back naive datetimes for what was stored as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
