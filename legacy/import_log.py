"""The import job's log, by file sequence and record: what it did with each record it imported.

A record's line is written in the same transaction as the record's writes (or, for a record refused, right
after its writes were undone), so after the job is killed mid-file each record is either imported and
logged, or neither. The job restarted on the same file takes the logged outcome of every record it already
imported and imports only the rest: a file is imported once, however often the job starts on it, and its
results file says the same each time (it carries the time of the first import).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

SCHEMA = """
CREATE TABLE IF NOT EXISTS import_record (
    sequence TEXT NOT NULL, position INTEGER NOT NULL, reference TEXT NOT NULL, accepted INTEGER NOT NULL,
    account_numbers TEXT NOT NULL, refusal_code TEXT, refusal_message TEXT, imported_at TEXT NOT NULL,
    PRIMARY KEY (sequence, position));
"""


@dataclass(frozen=True)
class LoggedRecord:
    """What the job did with the record at ``position`` (from 1) of file ``sequence``."""

    reference: str
    account_numbers: list[str] | None  # None: refused
    refusal_code: str | None
    refusal_message: str | None
    imported_at: str


class ImportLog:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        conn.executescript(SCHEMA)

    def records(self, sequence: str) -> dict[int, LoggedRecord]:
        rows = self._conn.execute("SELECT * FROM import_record WHERE sequence = ? ORDER BY position", (sequence,))
        return {row["position"]: LoggedRecord(
            row["reference"], row["account_numbers"].split(";") if row["accepted"] else None,
            row["refusal_code"], row["refusal_message"], row["imported_at"]) for row in rows}

    def log(self, sequence: str, position: int, logged: LoggedRecord) -> None:
        """Inside the record's own transaction."""
        self._conn.execute(
            "INSERT INTO import_record (sequence, position, reference, accepted, account_numbers, refusal_code, "
            "refusal_message, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (sequence, position, logged.reference, int(logged.account_numbers is not None),
             ";".join(logged.account_numbers or []), logged.refusal_code, logged.refusal_message,
             logged.imported_at))
