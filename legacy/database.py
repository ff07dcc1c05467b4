"""The back office's own SQLite database: its schema, and connections that serialise writers."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

FIRST_ACCOUNT_NUMBER = 80_000_001  # its own numbering, nothing like ours

SCHEMA = """
CREATE TABLE IF NOT EXISTS property (
    uprn TEXT PRIMARY KEY, property_ref TEXT NOT NULL, address_line_1 TEXT NOT NULL, address_line_2 TEXT,
    town TEXT NOT NULL, postcode TEXT NOT NULL, band TEXT NOT NULL, owner_name TEXT,
    furnished INTEGER NOT NULL DEFAULT 0, premium_exception TEXT, premium_exception_from TEXT);
CREATE INDEX IF NOT EXISTS property_by_postcode ON property (postcode);
CREATE TABLE IF NOT EXISTS account (
    account_no TEXT PRIMARY KEY, uprn TEXT NOT NULL REFERENCES property (uprn), liability_start TEXT NOT NULL,
    liability_end TEXT, discount_code TEXT, discount_percent INTEGER NOT NULL DEFAULT 0,
    paid_this_year_pence INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL,
    twelve_instalments INTEGER NOT NULL DEFAULT 0, payment_day INTEGER, end_note_id INTEGER, unoccupied_since TEXT);
CREATE INDEX IF NOT EXISTS account_by_uprn ON account (uprn);
CREATE TABLE IF NOT EXISTS liable_person (
    account_no TEXT NOT NULL REFERENCES account (account_no), position INTEGER NOT NULL, full_name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS charge (
    id INTEGER PRIMARY KEY, account_no TEXT NOT NULL REFERENCES account (account_no),
    financial_year INTEGER NOT NULL, period_start TEXT NOT NULL, period_end TEXT NOT NULL, days INTEGER NOT NULL,
    band TEXT NOT NULL, annual_charge_pence INTEGER NOT NULL, discount_code TEXT, discount_percent INTEGER NOT NULL,
    charge_pence INTEGER NOT NULL, superseded INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS instalment (
    id INTEGER PRIMARY KEY, account_no TEXT NOT NULL REFERENCES account (account_no),
    financial_year INTEGER NOT NULL, sequence INTEGER NOT NULL, due_date TEXT NOT NULL,
    amount_pence INTEGER NOT NULL, superseded INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS payment (
    id INTEGER PRIMARY KEY, account_no TEXT NOT NULL REFERENCES account (account_no),
    financial_year INTEGER NOT NULL, paid_on TEXT NOT NULL, amount_pence INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS payment_by_account ON payment (account_no);
CREATE TABLE IF NOT EXISTS refund (
    id INTEGER PRIMARY KEY, account_no TEXT NOT NULL REFERENCES account (account_no),
    financial_year INTEGER NOT NULL, amount_pence INTEGER NOT NULL, account_holder TEXT NOT NULL,
    sort_code TEXT NOT NULL, account_number TEXT NOT NULL, instructed_on TEXT NOT NULL,
    held_for_approval INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS refund_decision (
    account_no TEXT NOT NULL REFERENCES account (account_no), financial_year INTEGER NOT NULL,
    decision TEXT NOT NULL, decided_on TEXT NOT NULL, PRIMARY KEY (account_no, financial_year));
CREATE TABLE IF NOT EXISTS note (
    id INTEGER PRIMARY KEY, account_no TEXT NOT NULL REFERENCES account (account_no), reference TEXT NOT NULL,
    text TEXT NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS note_by_reference ON note (reference);
CREATE INDEX IF NOT EXISTS note_by_account ON note (account_no);
CREATE TABLE IF NOT EXISTS import_log (
    file_name TEXT NOT NULL, imported_at TEXT NOT NULL, records INTEGER NOT NULL, accepted INTEGER NOT NULL,
    rejected INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS interface_log (
    at TEXT NOT NULL, operation TEXT NOT NULL, outcome TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS account_counter (id INTEGER PRIMARY KEY CHECK (id = 1), next_number INTEGER NOT NULL);
"""


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), waiting up to 30 s for a writer."""
    conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL keeps every commit through a killed process (only a power cut can lose the last ones),
    # which is all the simulated back office promises, without a disk flush per call logged.
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def create_schema(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = connect(path)
    try:
        held = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        conn.executescript(SCHEMA)
        _add_missing_columns(conn)
        if "account" in held and "payment" not in held:
            _carry_paid_this_year(conn, date.today())  # noqa: DTZ011 - the back office's own day
        conn.execute("INSERT OR IGNORE INTO account_counter (id, next_number) VALUES (1, ?)", (FIRST_ACCOUNT_NUMBER,))
    finally:
        conn.close()


def _carry_paid_this_year(conn: sqlite3.Connection, today: date) -> None:
    """A database made before payments kept one paid-this-year figure per account: once, each becomes a payment
    towards the financial year of the upgrade, dated that day (the real dates were never recorded)."""
    year = today.year if today.month >= 4 else today.year - 1
    conn.execute("INSERT INTO payment (account_no, financial_year, paid_on, amount_pence) "
                 "SELECT account_no, ?, ?, paid_this_year_pence FROM account WHERE paid_this_year_pence > 0",
                 (year, today.isoformat()))


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One all-or-nothing write; BEGIN IMMEDIATE so two writers never interleave.

    Inside another write it is a savepoint, so an import can make one record's several writes all-or-nothing.
    """
    if conn.in_transaction:
        conn.execute("SAVEPOINT record")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK TO record")
            conn.execute("RELEASE record")
            raise
        conn.execute("RELEASE record")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


# Columns added since the first release: a database made before them gets them on start-up.
_LATER_COLUMNS = {"account": {"twelve_instalments": "INTEGER NOT NULL DEFAULT 0", "payment_day": "INTEGER",
                              "end_note_id": "INTEGER", "unoccupied_since": "TEXT"},
                  "property": {"owner_name": "TEXT", "furnished": "INTEGER NOT NULL DEFAULT 0",
                               "premium_exception": "TEXT", "premium_exception_from": "TEXT"}}


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    for table, columns in _LATER_COLUMNS.items():
        held = {row["name"] for row in conn.execute(f"PRAGMA table_info({table})")}
        for name, kind in columns.items():
            if name not in held:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")
