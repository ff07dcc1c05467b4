"""A batch's writes on PostgreSQL: every statement sent in one pipeline, each table's rows as one JSON parameter.

The rows of a table travel as one JSON array (``orjson``, in C) that the server turns back into rows with
``json_to_recordset``, typed by the table's own columns: no per-row formatting in Python, as COPY's rows and the
arrays of the set-based UPDATEs needed. The UPDATEs run first, one statement each as before (so each sees what
the one before it changed); then every table's new rows go in with one statement. All of it is sent at once and
answered at once (``driver_sql.run_all``): one round trip for the batch's writes instead of one or two a table.
A broken constraint stops the rest and is raised as ``IntegrityError``, as any statement's is.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import orjson
from sqlalchemy import Table
from sqlalchemy.dialects import postgresql

from adapters.sql.driver_sql import Statement, array_of

_DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]


def json_rows(rows: Sequence[dict[str, Any]]) -> str:
    """Rows as one JSON array (dates and times in ISO 8601, as PostgreSQL reads them)."""
    return orjson.dumps(rows).decode()


@cache
def _record_type(table: Table, columns: tuple[str, ...]) -> str:
    """The column definition list ``json_to_recordset`` needs: each column with its type on this table."""
    return ", ".join(f'"{name}" {table.c[name].type.compile(dialect=_DIALECT)}' for name in columns)


def insert_rows(tables: Sequence[tuple[Table, list[dict[str, Any]]]]) -> Statement | None:
    """One INSERT of every table's rows (the tables with none left out), the columns of each table's first row.

    Each table's insert is a data-modifying WITH of one statement: the foreign keys between them (a new
    account's people, charge lines, notes) are checked at its end, when all the rows are in; each table's rows
    go in in the order given, so their ids follow it as COPY's did."""
    inserts = []
    params = []
    for table, rows in tables:
        if not rows:
            continue
        columns = tuple(column.name for column in table.columns if column.name in rows[0])
        names = ", ".join(f'"{name}"' for name in columns)
        inserts.append(f"INSERT INTO {table.name} ({names}) SELECT {names} FROM json_to_recordset(CAST(%s AS json))"
                       f" AS v({_record_type(table, columns)})")
        params.append(json_rows(rows))
    if not inserts:
        return None
    *first, last = inserts
    sql = (("WITH " + ", ".join(f"i{n} AS ({insert})" for n, insert in enumerate(first)) + " ") if first else "") + last
    return Statement(sql, params)


def supersede_statements(rows: list[dict[str, Any]]) -> list[Statement]:
    """End the accounts and supersede their charges from the first year affected and their instalments not yet
    due (the rows: ``ref``, ``end``, ``first_year``, ``notice``, ``by_nid``)."""
    params = {"refs": array_of([row["ref"] for row in rows]), "rows": json_rows(rows)}
    return [Statement(sql, params) for sql in (_END_ACCOUNTS, _SUPERSEDE_CHARGES_FROM_YEAR,
                                               _SUPERSEDE_INSTALMENTS_NOT_DUE)]


def amend_statements(accounts: list[dict[str, Any]], replaced_persons: list[str], recharged: list[dict[str, Any]],
                     replanned: list[dict[str, Any]]) -> list[Statement]:
    """Amend open accounts (an account is amended at most once per batch, so each joins one row): their discount
    and payment arrangement, who is liable (the new people go in with the batch's other rows), charges from the
    first year recharged, and instalments of each year replanned that are not yet due."""
    statements = [Statement(_AMEND_ACCOUNTS, {"refs": array_of([row["b_ref"] for row in accounts]),
                                                "rows": json_rows(accounts)})]
    if replaced_persons:
        statements.append(Statement(_FORGET_PERSONS, {"refs": array_of(replaced_persons)}))
    if recharged:
        statements.append(Statement(_SUPERSEDE_RECHARGED, {"refs": array_of([row["b_ref"] for row in recharged]),
                                                           "rows": json_rows(recharged)}))
    if replanned:
        statements.append(Statement(_SUPERSEDE_REPLANNED, {"refs": array_of([row["b_ref"] for row in replanned]),
                                                           "rows": json_rows(replanned)}))
    return statements


def owners_statement(owners: list[dict[str, Any]]) -> Statement:
    """The register's owner of each home an owner's account opened for (``b_uprn``, ``b_owner``); the last named
    for a home wins, as when the rows were updated one by one."""
    last = list({row["b_uprn"]: row for row in owners}.values())
    return Statement(_OWNERS, {"uprns": array_of([row["b_uprn"] for row in last]), "rows": json_rows(last)})


# The ``= ANY`` of the references keeps the planner on the account_ref indexes rather than hashing whole tables.
_END_ACCOUNTS = (
    "UPDATE account SET liability_end = v.end"
    " FROM json_to_recordset(CAST(%(rows)s AS json)) AS v(ref text, \"end\" date)"
    " WHERE account.account_ref = ANY(CAST(%(refs)s AS text[])) AND account.account_ref = v.ref")
_SUPERSEDE_CHARGES_FROM_YEAR = (
    "UPDATE charge SET superseded = true, superseded_by = v.by_nid"
    " FROM json_to_recordset(CAST(%(rows)s AS json)) AS v(ref text, first_year integer, by_nid text)"
    " WHERE charge.account_ref = ANY(CAST(%(refs)s AS text[])) AND charge.account_ref = v.ref"
    " AND charge.financial_year >= v.first_year AND charge.superseded = false")
# Instalments already due are history (paid or being chased); only future ones are replaced.
_SUPERSEDE_INSTALMENTS_NOT_DUE = (
    "UPDATE instalment SET superseded = true, superseded_by = v.by_nid"
    " FROM json_to_recordset(CAST(%(rows)s AS json)) AS v(ref text, first_year integer, notice date, by_nid text)"
    " WHERE instalment.account_ref = ANY(CAST(%(refs)s AS text[])) AND instalment.account_ref = v.ref"
    " AND instalment.financial_year >= v.first_year"
    " AND instalment.due_date >= v.notice AND instalment.superseded = false")
_AMEND_ACCOUNTS = (
    "UPDATE account SET discount_code = v.b_code, discount_percent = v.b_percent, twelve_instalments = v.b_twelve,"
    " payment_day = v.b_day"
    " FROM json_to_recordset(CAST(%(rows)s AS json))"
    " AS v(b_ref text, b_code text, b_percent integer, b_twelve boolean, b_day integer)"
    " WHERE account.account_ref = ANY(CAST(%(refs)s AS text[])) AND account.account_ref = v.b_ref")
_FORGET_PERSONS = "DELETE FROM liable_person WHERE account_ref = ANY(CAST(%(refs)s AS text[]))"
_SUPERSEDE_RECHARGED = (
    "UPDATE charge SET superseded = true, superseded_by = v.b_by"
    " FROM json_to_recordset(CAST(%(rows)s AS json)) AS v(b_ref text, b_first_year integer, b_by text)"
    " WHERE charge.account_ref = ANY(CAST(%(refs)s AS text[])) AND charge.account_ref = v.b_ref"
    " AND charge.financial_year >= v.b_first_year AND charge.superseded = false")
_SUPERSEDE_REPLANNED = (
    "UPDATE instalment SET superseded = true, superseded_by = v.b_by"
    " FROM json_to_recordset(CAST(%(rows)s AS json)) AS v(b_ref text, b_year integer, b_notice date, b_by text)"
    " WHERE instalment.account_ref = ANY(CAST(%(refs)s AS text[])) AND instalment.account_ref = v.b_ref"
    " AND instalment.financial_year = v.b_year AND instalment.due_date >= v.b_notice"
    " AND instalment.superseded = false")
_OWNERS = (
    "UPDATE property SET owner_name = v.b_owner"
    " FROM json_to_recordset(CAST(%(rows)s AS json)) AS v(b_uprn text, b_owner text)"
    " WHERE property.uprn = ANY(CAST(%(uprns)s AS text[])) AND property.uprn = v.b_uprn")
