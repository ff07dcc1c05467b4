"""The multi-row statements the adapter runs, in their PostgreSQL form (arrays, COPY) and the generic one."""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, String, Table, and_, any_, bindparam, delete, insert, update
from sqlalchemy.dialects import postgresql

from adapters.sql.driver_sql import driver_cursor, execute
from adapters.sql.tables import account_table, charge_table, instalment_table, liable_person_table


def supersede(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """End the accounts and supersede their charges from the first year affected and their instalments not
    yet due. On PostgreSQL one set-based statement per table (arrays unnested; the ``= ANY`` keeps the
    planner on the account_ref indexes rather than hashing whole tables) on the driver, elsewhere executemany."""
    if conn.dialect.name == "postgresql":
        arrays = {"refs": [r["ref"] for r in rows], "ends": [r["end"] for r in rows],
                  "first_years": [r["first_year"] for r in rows], "notices": [r["notice"] for r in rows],
                  "by_nids": [r["by_nid"] for r in rows]}
        execute(conn, _END_ACCOUNTS, arrays)
        execute(conn, _SUPERSEDE_CHARGES_FROM_YEAR, arrays)
        execute(conn, _SUPERSEDE_INSTALMENTS_NOT_DUE, arrays)
        return
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
    that are not yet due. On PostgreSQL one set-based statement per table (an account is amended at most once
    per batch, so each joins one row of the arrays), elsewhere executemany."""
    if conn.dialect.name == "postgresql":
        _amend_accounts_set_based(conn, accounts, replaced_persons, recharged, replanned)
        return
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


def _column(rows: list[dict[str, Any]], key: str) -> list[Any]:
    return [row[key] for row in rows]


def _amend_accounts_set_based(conn: Connection, accounts: list[dict[str, Any]], replaced_persons: list[str],
                              recharged: list[dict[str, Any]], replanned: list[dict[str, Any]]) -> None:
    execute(conn, _AMEND_ACCOUNTS, {
        "refs": _column(accounts, "b_ref"), "codes": _column(accounts, "b_code"),
        "percents": _column(accounts, "b_percent"), "twelves": _column(accounts, "b_twelve"),
        "days": _column(accounts, "b_day")})
    if replaced_persons:
        execute(conn, _FORGET_PERSONS, {"refs": replaced_persons})
    if recharged:
        execute(conn, _SUPERSEDE_RECHARGED, {"refs": _column(recharged, "b_ref"),
                                            "first_years": _column(recharged, "b_first_year"),
                                            "by_nids": _column(recharged, "b_by")})
    if replanned:
        execute(conn, _SUPERSEDE_REPLANNED, {"refs": _column(replanned, "b_ref"), "years": _column(replanned, "b_year"),
                                            "notices": _column(replanned, "b_notice"),
                                            "by_nids": _column(replanned, "b_by")})


# PostgreSQL statement texts, run on the driver (psycopg's named parameters); the ``= ANY`` keeps the planner on
# the account_ref indexes rather than hashing whole tables.
_AMEND_ACCOUNTS = (
    "UPDATE account SET discount_code = v.code, discount_percent = v.percent, twelve_instalments = v.twelve,"
    " payment_day = v.day"
    " FROM unnest(CAST(%(refs)s AS text[]), CAST(%(codes)s AS text[]), CAST(%(percents)s AS integer[]),"
    " CAST(%(twelves)s AS boolean[]), CAST(%(days)s AS integer[])) AS v(ref, code, percent, twelve, day)"
    " WHERE account.account_ref = ANY(CAST(%(refs)s AS text[])) AND account.account_ref = v.ref")
_FORGET_PERSONS = "DELETE FROM liable_person WHERE account_ref = ANY(CAST(%(refs)s AS text[]))"
_SUPERSEDE_RECHARGED = (
    "UPDATE charge SET superseded = true, superseded_by = v.by_nid"
    " FROM unnest(CAST(%(refs)s AS text[]), CAST(%(first_years)s AS integer[]), CAST(%(by_nids)s AS text[]))"
    " AS v(ref, first_year, by_nid)"
    " WHERE charge.account_ref = ANY(CAST(%(refs)s AS text[])) AND charge.account_ref = v.ref"
    " AND charge.financial_year >= v.first_year AND charge.superseded = false")
_SUPERSEDE_REPLANNED = (
    "UPDATE instalment SET superseded = true, superseded_by = v.by_nid"
    " FROM unnest(CAST(%(refs)s AS text[]), CAST(%(years)s AS integer[]), CAST(%(notices)s AS date[]),"
    " CAST(%(by_nids)s AS text[])) AS v(ref, year, notice, by_nid)"
    " WHERE instalment.account_ref = ANY(CAST(%(refs)s AS text[])) AND instalment.account_ref = v.ref"
    " AND instalment.financial_year = v.year AND instalment.due_date >= v.notice"
    " AND instalment.superseded = false")
_END_ACCOUNTS = (
    "UPDATE account SET liability_end = v.end_date"
    " FROM unnest(CAST(%(refs)s AS text[]), CAST(%(ends)s AS date[])) AS v(ref, end_date)"
    " WHERE account.account_ref = ANY(CAST(%(refs)s AS text[])) AND account.account_ref = v.ref")
_SUPERSEDE_CHARGES_FROM_YEAR = (
    "UPDATE charge SET superseded = true, superseded_by = v.by_nid"
    " FROM unnest(CAST(%(refs)s AS text[]), CAST(%(first_years)s AS integer[]), CAST(%(by_nids)s AS text[]))"
    " AS v(ref, first_year, by_nid)"
    " WHERE charge.account_ref = ANY(CAST(%(refs)s AS text[])) AND charge.account_ref = v.ref"
    " AND charge.financial_year >= v.first_year AND charge.superseded = false")
# Instalments already due are history (paid or being chased); only future ones are replaced.
_SUPERSEDE_INSTALMENTS_NOT_DUE = (
    "UPDATE instalment SET superseded = true, superseded_by = v.by_nid"
    " FROM unnest(CAST(%(refs)s AS text[]), CAST(%(first_years)s AS integer[]), CAST(%(notices)s AS date[]),"
    " CAST(%(by_nids)s AS text[])) AS v(ref, first_year, notice, by_nid)"
    " WHERE instalment.account_ref = ANY(CAST(%(refs)s AS text[])) AND instalment.account_ref = v.ref"
    " AND instalment.financial_year >= v.first_year"
    " AND instalment.due_date >= v.notice AND instalment.superseded = false")
