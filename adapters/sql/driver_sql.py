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
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import psycopg
from psycopg.adapt import Dumper
from sqlalchemy import Connection, Dialect, Table
from sqlalchemy.exc import IntegrityError

from adapters.revenues_port import RevenuesUnavailableError

Row = tuple[Any, ...]
Params = Sequence[Any] | Mapping[str, Any]


@dataclass(frozen=True)
class Statement:
    """One statement for :func:`run_all`: its text, its parameters, and whether the server may keep it prepared
    (None: the driver's own choice, after a few runs of the same text)."""

    sql: str
    params: Params
    prepare: bool | None = None


@dataclass(frozen=True)
class WhereIn:
    """A ``SELECT ... WHERE key IN values`` made by :func:`where_in`, with what types its rows."""

    statement: Statement
    table: Table
    columns: tuple[str, ...]


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
    return select_all(conn, [where_in(conn, table, columns, key, values, also=also, order_by=order_by,
                                      for_update=for_update)])[0]


def where_in(
    conn: Connection, table: Table, columns: Sequence[str], key: str, values: Sequence[Any], *,
    also: str = "", order_by: str = "", for_update: bool = False,
) -> WhereIn | None:
    """The query :func:`select_where_in` runs, to run with others in :func:`select_all`; None for no values."""
    if not values:
        return None
    postgres = conn.dialect.name == "postgresql"
    count = 0 if postgres else len(values)
    sql = _statement(table.name, tuple(columns), key, count, also, order_by, for_update and postgres)
    # Planned for its own values every time, never prepared: a prepared statement soon gets a generic plan, which
    # cannot see how many values the array holds and scans whole tables.
    return WhereIn(Statement(sql, [array_of(values)] if postgres else list(values), prepare=False), table,
                   tuple(columns))


def in_values(conn: Connection, values: Sequence[Any]) -> tuple[str, list[Any]]:
    """``IN values`` for a statement written by hand, and its parameters: ``= ANY(%s)`` with one array on
    PostgreSQL, ``IN (?, ...)`` elsewhere."""
    if conn.dialect.name == "postgresql":
        return "= ANY(%s)", [array_of(values)]
    return f"IN ({', '.join('?' * len(values))})", list(values)


class _TextArray(list[str]):
    """Strings for one array parameter on PostgreSQL, written by :class:`_TextArrayDumper`."""


class _TextArrayDumper(Dumper):
    """An array of strings as PostgreSQL's text form of an array, made in one join: psycopg's own list dumper
    handles each element in Python (about ten times the cost, for the hundreds of keys a batch sends). The
    type is left for the server to infer from the statement, as psycopg leaves it for a list of strings."""

    def dump(self, obj: Any) -> bytes:
        quoted = ['"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"' for value in obj]
        return ("{" + ",".join(quoted) + "}").encode()


psycopg.adapters.register_dumper(_TextArray, _TextArrayDumper)


def array_of(values: Sequence[Any]) -> list[Any]:
    """Values for one array parameter on PostgreSQL (strings go as one text, see :class:`_TextArrayDumper`)."""
    if all(isinstance(value, str) for value in values):
        return _TextArray(values)
    return list(values)


def select_all(conn: Connection, queries: Sequence[WhereIn | None]) -> list[list[Row]]:
    """The rows of each query, run in order (together, in one round trip, on PostgreSQL); none for a None."""
    asked = [query for query in queries if query is not None]
    answers = iter(run_all(conn, [query.statement for query in asked]))
    return [[] if query is None else _typed(conn, query, next(answers)) for query in queries]


def _typed(conn: Connection, query: WhereIn, rows: list[Row]) -> list[Row]:
    convert = _converters(conn.dialect, query.table, query.columns)
    if convert is None:
        return rows
    return [tuple(value if fix is None or value is None else fix(value) for fix, value in zip(convert, row,
                                                                                            strict=True))
            for row in rows]


def run(conn: Connection, sql: str, params: Params) -> list[Row]:
    """Run one SELECT on the connection's DB-API cursor and return every row (on PostgreSQL never prepared, as
    :func:`where_in`'s)."""
    return run_all(conn, [Statement(sql, params, prepare=False)])[0]


def run_all(conn: Connection, statements: Sequence[Statement]) -> list[list[Row]]:
    """Run statements in order, each after the one before has finished, and return each one's rows (none for a
    statement that returns none).

    On PostgreSQL they go in one pipeline: sent together and answered together, one round trip for them all,
    while the server still runs each on its own (its own snapshot, its own locks; a failure stops the rest and
    is raised here). Elsewhere one by one.
    """
    if not statements:
        return []
    with driver_cursor(conn) as first:
        if conn.dialect.name != "postgresql":
            return [_run_one(first, statement.sql, statement.params) for statement in statements]
        driver = first.connection
        cursors = [first, *(driver.cursor() for _ in statements[1:])]
        try:
            with driver.pipeline():
                for cursor, statement in zip(cursors, statements, strict=True):
                    cursor.execute(statement.sql, statement.params, prepare=statement.prepare)
            return [list(cursor.fetchall()) if cursor.description is not None else [] for cursor in cursors]
        finally:
            for cursor in cursors[1:]:
                cursor.close()


def _run_one(cursor: Any, sql: str, params: Params) -> list[Row]:
    cursor.execute(sql, params)
    return list(cursor.fetchall()) if cursor.description is not None else []


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
