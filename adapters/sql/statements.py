"""The multi-row statements the adapter runs: COPY for loading a register into PostgreSQL, executemany elsewhere (a
batch's writes on PostgreSQL: ``batch_writes_postgres.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, String, Table, and_, any_, bindparam, delete, insert, update
from sqlalchemy.dialects import postgresql

from adapters.sql.driver_sql import driver_cursor
from adapters.sql.tables import account_table, charge_table, instalment_table, liable_person_table


def supersede(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """End the accounts and supersede their charges from the first year affected and their instalments not
    yet due, as executemany (PostgreSQL's set-based form: ``batch_writes_postgres.py``)."""
    conn.execute(update(account_table).where(account_table.c.account_ref == bindparam("ref"))
                 .values(liability_end=bindparam("end")), rows)
    conn.execute(update(charge_table).where(and_(
        charge_table.c.account_ref == bindparam("ref"),
        charge_table.c.financial_year >= bindparam("first_year"),
        charge_table.c.superseded.is_(False))).values(superseded=True, superseded_by=bindparam("by_nid")), rows)
    conn.execute(update(instalment_table).where(and_(
        instalment_table.c.account_ref == bindparam("ref"),
        instalment_table.c.financial_year >= bindparam("first_year"),
        instalment_table.c.due_date >= bindparam("notice"),
        instalment_table.c.superseded.is_(False))).values(superseded=True, superseded_by=bindparam("by_nid")),
        rows)


def one_of(conn: Connection, column: Any, values: Sequence[str]) -> Any:
    """``column IN values``; on PostgreSQL as ``= ANY(array)``, one statement text whatever the count, so
    both SQLAlchemy and the server reuse the prepared form."""
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=postgresql.ARRAY(String)))
    return column.in_(values)


# Below this many rows one multi-row INSERT (one round trip) costs less than COPY's start, stream and finish.
COPY_FROM_ROWS = 64


def bulk_insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows in the current transaction: on PostgreSQL one multi-row INSERT for a few rows and COPY
    (one stream, no per-row statements) for more; executemany elsewhere (SQLite runs in-process, where that is
    already cheap)."""
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), rows)
        return
    columns = [c.name for c in table.columns if c.name in rows[0]]
    values = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
    with driver_cursor(conn) as cursor:
        if len(rows) < COPY_FROM_ROWS:
            one_row = f"({', '.join(['%s'] * len(columns))})"
            cursor.execute(f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES "
                           f"{', '.join([one_row] * len(rows))}", [value for row in rows for value in values(row)])
            return
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(values(row))


def amend_accounts(conn: Connection, accounts: list[dict[str, Any]], replaced_persons: list[str],
                   recharged: list[dict[str, Any]], replanned: list[dict[str, Any]]) -> None:
    """Amend open accounts: their discount and payment arrangement, who is liable (the new people are inserted
    with the batch's other rows), charges from the first year recharged, and instalments of each year replanned
    that are not yet due; as executemany (PostgreSQL's set-based form: ``batch_writes_postgres.py``)."""
    conn.execute(update(account_table).where(account_table.c.account_ref == bindparam("b_ref")).values(
        discount_code=bindparam("b_code"), discount_percent=bindparam("b_percent"),
        twelve_instalments=bindparam("b_twelve"), payment_day=bindparam("b_day")), accounts)
    if replaced_persons:
        conn.execute(delete(liable_person_table).where(liable_person_table.c.account_ref.in_(replaced_persons)))
    if recharged:
        conn.execute(update(charge_table).where(and_(
            charge_table.c.account_ref == bindparam("b_ref"),
            charge_table.c.financial_year >= bindparam("b_first_year"),
            charge_table.c.superseded.is_(False))).values(superseded=True, superseded_by=bindparam("b_by")),
            recharged)
    if replanned:
        conn.execute(update(instalment_table).where(and_(
            instalment_table.c.account_ref == bindparam("b_ref"),
            instalment_table.c.financial_year == bindparam("b_year"),
            instalment_table.c.due_date >= bindparam("b_notice"),
            instalment_table.c.superseded.is_(False))).values(superseded=True, superseded_by=bindparam("b_by")),
            replanned)
