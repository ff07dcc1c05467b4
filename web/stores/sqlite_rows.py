"""The intake's per-request rows written through SQLite's own driver, inside SQLAlchemy's transaction.

Every accepted notification writes a few short rows to the web store (its idempotency claim, its "received"
progress, the answer kept against its key, the content the review follower keeps). Through SQLAlchemy's
``executemany`` each row's parameters pass through per-value bind processors (a datetime is formatted in Python)
and the statement's bookkeeping, on the writer thread that shares the interpreter with the event loop; on SQLite
that cost more than SQLite spent writing the rows. Here the same rows go straight to the ``sqlite3`` cursor of the
connection SQLAlchemy holds, so they stay in its transaction (its commit or rollback covers them).

Values are stored exactly as SQLAlchemy stores them on SQLite (a ``DateTime`` is text such as
``2026-06-01 09:00:00.000000``, in UTC), so SQLAlchemy reads them back unchanged. Other databases (PostgreSQL)
keep the SQLAlchemy statements: :func:`sqlite_cursor` returns None for them.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from sqlalchemy import Connection

from web.stores.database import as_utc


def sqlite_cursor(conn: Connection) -> sqlite3.Cursor | None:
    """A cursor of the driver connection behind ``conn`` (in its transaction) when it is SQLite, else None."""
    if conn.dialect.name != "sqlite":
        return None
    driver = conn.connection.driver_connection
    if not isinstance(driver, sqlite3.Connection):
        return None
    return driver.cursor()


def sqlite_datetime(value: datetime) -> str:
    """``value`` as SQLAlchemy's SQLite ``DateTime`` stores it: UTC wall time with microseconds, no zone."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return (f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
            f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}")


def read_sqlite_datetime(text: str) -> datetime:
    """A stored ``DateTime`` read back as an aware UTC datetime (SQLite keeps no zone: the web store writes UTC)."""
    return as_utc(datetime.fromisoformat(text))
