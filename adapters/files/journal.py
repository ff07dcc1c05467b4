"""The adapter's own small journal (SQLite): which import file holds which notifications, and their results.

A notification id is given to one file only, ever: a record the back office rejected stays rejected (its
reason is returned again on a redelivery) rather than being sent a second time.

It is what makes a file never be written twice for the same notifications: a notification is given to a file
in the same transaction that reserves the file's sequence number and keeps the file's content, before the
file is written. After a crash the journal says the notification is already in file N, so the adapter
(re)delivers that same file if it never reached the outbox and waits for its results, rather than writing a
new one. Keep it beside the outbox, on storage every worker of the deployment shares.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS import_file (
    sequence INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, content TEXT NOT NULL, created_at TEXT NOT NULL,
    delivered_at TEXT, answered_at TEXT);
CREATE TABLE IF NOT EXISTS file_record (
    notification_id TEXT PRIMARY KEY, sequence INTEGER NOT NULL REFERENCES import_file (sequence),
    reference TEXT NOT NULL, change_fingerprint TEXT NOT NULL, applied_at TEXT NOT NULL,
    accepted INTEGER, account_refs TEXT, code TEXT, reason TEXT);
CREATE INDEX IF NOT EXISTS record_by_fingerprint ON file_record (change_fingerprint);
CREATE TABLE IF NOT EXISTS results_incident (
    file_name TEXT NOT NULL, digest TEXT NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL, noted_at TEXT NOT NULL,
    PRIMARY KEY (file_name, digest, kind));
"""
# Columns added since the first release: a journal made before them gets them when opened.
_LATER_COLUMNS = {"results_digest": "TEXT"}


@dataclass(frozen=True)
class JournalRecord:
    notification_id: str
    file_name: str
    reference: str
    applied_at: datetime
    accepted: bool | None  # None: no results yet
    account_refs: tuple[str, ...]
    code: str | None
    reason: str | None


@dataclass(frozen=True)
class PendingFile:
    name: str
    content: str
    created_at: datetime
    delivered: bool


class Journal:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(SCHEMA)
        held = {row["name"] for row in self._conn.execute("PRAGMA table_info(import_file)")}
        for name, kind in _LATER_COLUMNS.items():
            if name not in held:
                self._conn.execute(f"ALTER TABLE import_file ADD COLUMN {name} {kind}")
        self._lock = threading.RLock()  # one connection, shared by the stage threads of a worker

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _read(self, sql: str, parameters: Sequence[object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, parameters).fetchall()

    def records(self, notification_ids: Collection[str]) -> dict[str, JournalRecord]:
        ids = sorted(set(notification_ids))
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._read(f"SELECT r.*, f.name FROM file_record r JOIN import_file f USING (sequence) "
                          f"WHERE notification_id IN ({marks})", ids)
        return {row["notification_id"]: _record(row) for row in rows}

    def records_by_fingerprint(self, fingerprints: Collection[str]) -> dict[str, JournalRecord]:
        wanted = sorted(set(fingerprints))
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        rows = self._read(f"SELECT r.*, f.name FROM file_record r JOIN import_file f USING (sequence) "
                          f"WHERE change_fingerprint IN ({marks}) AND accepted = 1 ORDER BY sequence", wanted)
        found: dict[str, JournalRecord] = {}
        for row in rows:
            found.setdefault(row["change_fingerprint"], _record(row))
        return found

    def unanswered_files_with_fingerprints(self, fingerprints: Collection[str]) -> set[str]:
        """Files holding one of these changes whose results have not been read yet."""
        wanted = sorted(set(fingerprints))
        if not wanted:
            return set()
        marks = ",".join("?" * len(wanted))
        rows = self._read(f"SELECT DISTINCT f.name FROM file_record r JOIN import_file f USING (sequence) "
                          f"WHERE r.change_fingerprint IN ({marks}) AND f.answered_at IS NULL", wanted)
        return {row[0] for row in rows}

    def reserve_file(self, name_for: str, records: Sequence[tuple[str, str, str]],
                     content_for: Callable[[int, list[str]], str], created_at: datetime) -> str | None:
        """Give these (notification id, reference, fingerprint) records to a new file, unless another worker
        gave any of them to a file meanwhile; returns the file's name, or None when there is nothing to do.

        ``name_for`` is a format with ``{sequence}``; ``content_for(sequence, ids)`` builds the file text.
        """
        with self._write() as conn:
            ids = [nid for nid, _, _ in records]
            marks = ",".join("?" * len(ids))
            taken = {r[0] for r in conn.execute(
                f"SELECT notification_id FROM file_record WHERE notification_id IN ({marks})", ids)}
            wanted = [r for r in records if r[0] not in taken]
            if not wanted:
                return None
            sequence = (conn.execute("SELECT max(sequence) FROM import_file").fetchone()[0] or 0) + 1
            name = name_for.format(sequence=f"{sequence:06d}")
            content = content_for(sequence, [nid for nid, _, _ in wanted])
            conn.execute("INSERT INTO import_file (sequence, name, content, created_at) VALUES (?, ?, ?, ?)",
                         (sequence, name, content, created_at.isoformat()))
            conn.executemany("INSERT INTO file_record (notification_id, sequence, reference, change_fingerprint, "
                             "applied_at) VALUES (?, ?, ?, ?, ?)",
                             [(nid, sequence, ref, fp, created_at.isoformat()) for nid, ref, fp in wanted])
            return name

    def pending_file(self, name: str) -> PendingFile:
        (row,) = self._read("SELECT * FROM import_file WHERE name = ?", (name,))
        return PendingFile(row["name"], row["content"], datetime.fromisoformat(row["created_at"]),
                           row["delivered_at"] is not None)

    def unanswered_files(self) -> list[PendingFile]:
        rows = self._read("SELECT * FROM import_file WHERE answered_at IS NULL ORDER BY sequence")
        return [PendingFile(r["name"], r["content"], datetime.fromisoformat(r["created_at"]),
                            r["delivered_at"] is not None) for r in rows]

    def mark_delivered(self, name: str, at: datetime) -> None:
        with self._write() as conn:
            conn.execute("UPDATE import_file SET delivered_at = coalesce(delivered_at, ?) WHERE name = ?",
                         (at.isoformat(), name))

    def record_results(self, name: str, results: Sequence[tuple[str, bool, tuple[str, ...], str, str]],
                       at: datetime, digest: str | None = None) -> None:
        """Keep the back office's answer for each record of a file (once; a second reading changes nothing),
        and the digest of the results file it came in (a later change to that file is an incident)."""
        with self._write() as conn:
            if conn.execute("SELECT answered_at FROM import_file WHERE name = ?", (name,)).fetchone()[0]:
                return
            sequence = conn.execute("SELECT sequence FROM import_file WHERE name = ?", (name,)).fetchone()[0]
            conn.executemany(
                "UPDATE file_record SET accepted = ?, account_refs = ?, code = ?, reason = ? "
                "WHERE notification_id = ? AND sequence = ?",
                [(int(ok), ",".join(refs), code, reason, nid, sequence) for nid, ok, refs, code, reason in results])
            conn.execute("UPDATE import_file SET answered_at = ?, results_digest = ? WHERE name = ?",
                         (at.isoformat(), digest, name))

    def sent(self, name: str) -> tuple[int, list[str]]:
        """A file's sequence and the notifications it holds."""
        sequence = self._read("SELECT sequence FROM import_file WHERE name = ?", (name,))[0][0]
        rows = self._read("SELECT notification_id FROM file_record WHERE sequence = ?", (sequence,))
        return sequence, [row[0] for row in rows]

    def recently_answered(self, limit: int) -> list[tuple[str, str]]:
        """(name, results digest) of the latest answered files."""
        rows = self._read("SELECT name, results_digest FROM import_file WHERE answered_at IS NOT NULL "
                          "AND results_digest IS NOT NULL ORDER BY sequence DESC LIMIT ?", (limit,))
        return [(row[0], row[1]) for row in rows]

    def answers(self, name: str) -> dict[str, tuple[bool, tuple[str, ...], str | None]]:
        """The answers first kept for a file's records: accepted, account references, code."""
        rows = self._read("SELECT r.* FROM file_record r JOIN import_file f USING (sequence) WHERE f.name = ?",
                          (name,))
        return {row["notification_id"]: (bool(row["accepted"]), tuple(x for x in (row["account_refs"] or "")
                                                                     .split(",") if x), row["code"] or None)
                for row in rows}

    def known_names(self, names: Collection[str]) -> set[str]:
        wanted = sorted(set(names))
        if not wanted:
            return set()
        marks = ",".join("?" * len(wanted))
        return {row[0] for row in self._read(f"SELECT name FROM import_file WHERE name IN ({marks})", wanted)}

    def note_incident(self, file_name: str, digest: str, kind: str, detail: str, at: datetime) -> bool:
        """Keep an incident; False when it was noted before (it is raised once)."""
        with self._write() as conn:
            cursor = conn.execute("INSERT OR IGNORE INTO results_incident (file_name, digest, kind, detail, noted_at) "
                                  "VALUES (?, ?, ?, ?, ?)", (file_name, digest, kind, detail, at.isoformat()))
            return cursor.rowcount == 1

    def incidents(self) -> list[tuple[str, str, str]]:
        """(file name, kind, detail) of every incident noted, oldest first."""
        rows = self._read("SELECT file_name, kind, detail FROM results_incident ORDER BY noted_at, file_name")
        return [(row[0], row[1], row[2]) for row in rows]


def _record(row: sqlite3.Row) -> JournalRecord:
    accepted = None if row["accepted"] is None else bool(row["accepted"])
    return JournalRecord(row["notification_id"], row["name"], row["reference"],
                         datetime.fromisoformat(row["applied_at"]), accepted,
                         tuple(x for x in (row["account_refs"] or "").split(",") if x), row["code"], row["reason"])
