"""Batch reads and writes run straight on the database driver beneath a SQLAlchemy connection.

The validate stage reads hundreds of rows per batch. Through SQLAlchemy each statement is built, keyed for its
cache and wrapped, and each row comes back through a mapping: more CPU than the database's own work. Here the
statement text is made once per table, columns and filter, and rows come back from the DB-API cursor as plain
tuples. Only what the driver cannot give is added: SQLite's dates and booleans are converted with the column
types' own result processors (PostgreSQL's driver returns them typed, so its rows are used as they come).

The driver's errors are reported as the adapter's SQLAlchemy statements report them: a dropped connection is
thrown out of SQLAlchemy's pool and reported as the revenues system being unavailable, and a broken constraint
is SQLAlchemy's IntegrityError (which the apply retries once: another worker applied the same notification).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import Connection, Dialect, Table
from sqlalchemy.exc import IntegrityError

from adapters.revenues_port import RevenuesUnavailableError

Row = tuple[Any, ...]


def select_where_in(
    conn: Connection, table: Table, columns: Sequence[str], key: str, values: Sequence[Any], *,
    also: str = "", order_by: str = "", for_update: bool = False,
) -> list[Row]:
    """``SELECT columns FROM table WHERE key IN values [AND also] [ORDER BY order_by]``, as tuples.

    ``also`` and ``order_by`` are SQL written here in the adapter (never data); the values travel as parameters:
    one array on PostgreSQL (one statement text whatever the count, so the server keeps it prepared), one
    placeholder each elsewhere. ``for_update`` locks the rows on PostgreSQL (SQLite locks the whole database
    for a write transaction anyway).
    """
    if not values:
        return []
    postgres = conn.dialect.name == "postgresql"
    count = 0 if postgres else len(values)
    sql = _statement(table.name, tuple(columns), key, count, also, order_by, for_update and postgres)
    rows = run(conn, sql, [list(values)] if postgres else list(values))
    convert = _converters(conn.dialect, table, tuple(columns))
    if convert is None:
        return rows
    return [tuple(value if fix is None or value is None else fix(value) for fix, value in zip(convert, row,
                                                                                            strict=True))
            for row in rows]


def run(conn: Connection, sql: str, params: Sequence[Any] | Mapping[str, Any]) -> list[Row]:
    """Run one SELECT on the connection's DB-API cursor and return every row.

    On PostgreSQL the statement is planned for its own values every time, never prepared: a prepared statement
    soon gets a generic plan, which cannot see how many values the array holds and scans whole tables.
    """
    with driver_cursor(conn) as cursor:
        if conn.dialect.name == "postgresql":
            cursor.execute(sql, params, prepare=False)
        else:
            cursor.execute(sql, params)
        return list(cursor.fetchall())


def execute(conn: Connection, sql: str, params: Sequence[Any] | Mapping[str, Any]) -> None:
    """Run one statement that returns no rows on the connection's DB-API cursor."""
    with driver_cursor(conn) as cursor:
        cursor.execute(sql, params)


@contextmanager
def driver_cursor(conn: Connection) -> Iterator[Any]:
    """The DB-API cursor of a SQLAlchemy connection, its errors reported as SQLAlchemy's statements report them."""
    driver = conn.connection.driver_connection
    assert driver is not None
    dbapi = conn.dialect.loaded_dbapi
    try:
        cursor = driver.cursor()
        try:
            yield cursor
        finally:
            cursor.close()
    except (dbapi.OperationalError, dbapi.InterfaceError) as error:
        conn.invalidate(error)  # a broken connection must not go back into the pool
        raise RevenuesUnavailableError(f"revenues database unavailable: {type(error).__name__}") from error
    except dbapi.IntegrityError as error:
        raise IntegrityError(None, None, error) from error


@lru_cache(maxsize=512)  # SQLite makes one text per batch size
def _statement(table: str, columns: tuple[str, ...], key: str, count: int, also: str, order_by: str,
               for_update: bool) -> str:
    """The SELECT text: ``= ANY(%s)`` for PostgreSQL (count 0), ``IN (?, ...)`` with ``count`` placeholders else."""
    where = f"{key} = ANY(%s)" if count == 0 else f"{key} IN ({', '.join('?' * count)})"
    sql = f"SELECT {', '.join(columns)} FROM {table} WHERE {where}"
    if also:
        sql += f" AND {also}"
    if order_by:
        sql += f" ORDER BY {order_by}"
    if for_update:
        sql += " FOR UPDATE"
    return sql


@cache
def _converters(dialect: Dialect, table: Table, columns: tuple[str, ...]) -> tuple[Callable[[Any], Any] | None,
                                                                                 ...] | None:
    """Each column's result processor on this dialect, or None when the driver's values need none."""
    found = tuple(table.c[name].type.dialect_impl(dialect).result_processor(dialect, None) for name in columns)
    return found if any(found) else None
