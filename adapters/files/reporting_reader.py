"""Reads the register and accounts from the back office's read-only reporting database.

Import-file back offices take changes only through files; councils read them through a reporting copy of
the database (ODBC/SQL access, read-only). Here that is the simulated back office's SQLite file, opened
read-only; the queries are the only place that knows its table names.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from adapters.revenues_port import (
    AccountView,
    AuditNote,
    ChargeRow,
    InstalmentRow,
    RegisterProperty,
    RevenuesUnavailableError,
)
from schemas.events import OpenAccount, PropertyFacts


class ReportingReader:
    def __init__(self, database: Path) -> None:
        self._uri = f"file:{database}?mode=ro"

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(self._uri, uri=True, timeout=30)
        except sqlite3.OperationalError as error:
            raise RevenuesUnavailableError(f"revenues reporting database unavailable: {error}") from None
        conn.row_factory = sqlite3.Row
        try:
            yield conn
        finally:
            conn.close()

    def properties_by_postcode(self, postcode: str) -> list[RegisterProperty]:
        with self._connect() as conn:
            rows = conn.execute("SELECT uprn, property_ref, address_line_1, address_line_2, town, postcode, band "
                                "FROM property WHERE postcode = ? ORDER BY address_line_1", (postcode,)).fetchall()
        return [RegisterProperty(**dict(row)) for row in rows]

    def property(self, uprn: str) -> RegisterProperty | None:
        with self._connect() as conn:
            row = conn.execute("SELECT uprn, property_ref, address_line_1, address_line_2, town, postcode, band "
                               "FROM property WHERE uprn = ?", (uprn,)).fetchone()
        return RegisterProperty(**dict(row)) if row else None

    def property_facts_many(self, uprns: Collection[str]) -> dict[str, PropertyFacts]:
        wanted = sorted(set(uprns))
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        with self._connect() as conn:
            props = conn.execute(f"SELECT uprn, postcode, band FROM property WHERE uprn IN ({marks})",
                                 wanted).fetchall()
            open_rows = conn.execute(f"SELECT * FROM account WHERE uprn IN ({marks}) AND liability_end IS NULL "
                                     f"ORDER BY liability_start", wanted).fetchall()
        open_by_uprn = {row["uprn"]: row for row in open_rows}  # the latest start wins, as ordered
        facts = {}
        for uprn, postcode, band in props:
            row = open_by_uprn.get(uprn)
            account = None if row is None else OpenAccount(
                account_ref=row["account_no"], liability_start=date.fromisoformat(row["liability_start"]),
                discount_code=row["discount_code"], discount_percent=row["discount_percent"],
                paid_this_year_pence=row["paid_this_year_pence"])
            facts[uprn] = PropertyFacts(uprn=uprn, postcode=postcode, band=band, open_account=account)
        return facts

    def account(self, account_ref: str) -> AccountView | None:
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM account WHERE account_no = ?", (account_ref,)).fetchone()
            return None if row is None else _view(conn, row)

    def accounts_at(self, uprn: str) -> list[AccountView]:
        with self._connect() as conn:
            rows = conn.execute("SELECT * FROM account WHERE uprn = ? ORDER BY liability_start DESC, account_no DESC",
                                (uprn,)).fetchall()
            return [_view(conn, row) for row in rows]


def _view(conn: sqlite3.Connection, row: sqlite3.Row) -> AccountView:
    number = row["account_no"]
    persons = tuple(r[0] for r in conn.execute(
        "SELECT full_name FROM liable_person WHERE account_no = ? ORDER BY position", (number,)))
    charges = tuple(ChargeRow(r["financial_year"], date.fromisoformat(r["period_start"]),
                              date.fromisoformat(r["period_end"]), r["days"], r["band"], r["annual_charge_pence"],
                              r["discount_code"], r["discount_percent"], r["charge_pence"])
                    for r in conn.execute("SELECT * FROM charge WHERE account_no = ? AND superseded = 0 "
                                          "ORDER BY period_start, id", (number,)))
    instalments = tuple(InstalmentRow(r["financial_year"], r["sequence"], date.fromisoformat(r["due_date"]),
                                      r["amount_pence"])
                        for r in conn.execute("SELECT * FROM instalment WHERE account_no = ? AND superseded = 0 "
                                              "ORDER BY due_date, id", (number,)))
    notes = tuple(AuditNote(datetime.fromisoformat(r["created_at"]), r["created_by"], r["reference"], r["text"])
                  for r in conn.execute("SELECT * FROM note WHERE account_no = ? ORDER BY id", (number,)))
    end = row["liability_end"]
    return AccountView(account_ref=number, uprn=row["uprn"], liability_start=date.fromisoformat(row["liability_start"]),
                       liability_end=date.fromisoformat(end) if end else None, liable_persons=persons,
                       discount_code=row["discount_code"], discount_percent=row["discount_percent"],
                       paid_this_year_pence=row["paid_this_year_pence"], charges=charges, instalments=instalments,
                       audit_notes=notes)
