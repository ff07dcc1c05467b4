"""The web app's own store: each notification's progress as the stages report it, and idempotency keys."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Engine,
    String,
    Table,
    Text,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from web.stores.column_widening import add_missing_text_column, widen_to_declared
from web.stores.database import as_utc, create_tables, metadata
from web.stores.group_commit import BatchedWrite, GroupCommit
from web.stores.sqlite_rows import read_sqlite_datetime, sqlite_cursor, sqlite_datetime

progress_table = Table(
    "notification_progress", metadata,
    Column("notification_id", String(36), primary_key=True),
    Column("reference", String(20), nullable=False, unique=True),
    Column("kind", String(40), nullable=False),  # "single_person_discount" is 22 characters
    Column("status", String(20), nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("validated_at", DateTime(timezone=True)),
    Column("completed_at", DateTime(timezone=True)),
    Column("reasons", Text, nullable=False, default="[]"),
    Column("account_refs", Text, nullable=False, default="[]"),
    Column("history", Text, nullable=False, default="[]"),
    # Once applied: each year's balance due or credit, as JSON [{"financial_year", "balance_pence"}].
    Column("year_bills", Text, nullable=False, default="[]", server_default="[]"),
)

idempotency_table = Table(
    "idempotency_key", metadata,
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("notification_id", String(36), nullable=False),
    Column("reference", String(20), nullable=False),
    Column("response", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Later statuses never go back to earlier ones (a redelivered 'validated' after 'applied' is ignored).
_RANK = {"received": 0, "validated": 1, "assessed": 2, "applied": 3, "rejected": 3, "review": 3, "duplicate": 3,
         "corrected": 4}


class IdempotencyConflictError(Exception):
    """The Idempotency-Key was used before with a different request body."""


@dataclass(frozen=True)
class StoredKey:
    notification_id: str
    reference: str
    response: dict[str, Any] | None
    created_at: datetime


@dataclass(frozen=True)
class KeyClaim:
    """A new request's claim of its idempotency key, recorded with the notification as received."""

    key: str
    request_hash: str
    notification_id: str
    reference: str
    kind: str
    submitted_at: datetime


@dataclass(frozen=True)
class KeyAnswer:
    """The answer kept against a key once its notification is on Kafka."""

    key: str
    response: dict[str, Any]


# Statements built once: the intake runs them for every request, and SQLAlchemy then reuses their compiled form.
_KEYS_AMONG = select(idempotency_table).where(idempotency_table.c.key.in_(bindparam("keys", expanding=True)))
_INSERT_KEY = insert(idempotency_table)
_INSERT_PROGRESS = insert(progress_table)
_ANSWER_KEY = (update(idempotency_table).where(idempotency_table.c.key == bindparam("answered_key"))
               .values(response=bindparam("answer")))


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


class ProgressStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.writes = GroupCommit(engine)  # the intake's claims and answers, many requests to a commit
        # For writes.run_batched: each group answers, then claims, all its requests' keys in a statement or two.
        self.keys: BatchedWrite[KeyClaim | KeyAnswer, StoredKey | None] = BatchedWrite(
            self.write_keys, alone=self._write_key_alone)

    def create_schema(self) -> None:
        create_tables(self._engine, progress_table, idempotency_table)
        widen_to_declared(self._engine, progress_table.c.kind)
        add_missing_text_column(self._engine, progress_table.c.year_bills)

    def record_received(self, notification_id: str, reference: str, kind: str, submitted_at: datetime) -> None:
        """Record a notification the intake is about to publish (raises IntegrityError on a reused reference)."""
        with self._engine.begin() as conn:
            self._insert_received(conn, notification_id, reference, kind, submitted_at)

    @staticmethod
    def _insert_received(conn: Connection, notification_id: str, reference: str, kind: str,
                         submitted_at: datetime) -> None:
        conn.execute(_INSERT_PROGRESS, _received_row(notification_id, reference, kind, submitted_at))

    def forget(self, notification_id: str) -> None:
        """Remove a notification that never reached Kafka, so nothing claims it was received."""
        with self._engine.begin() as conn:
            conn.execute(delete(progress_table).where(progress_table.c.notification_id == notification_id))

    def record_status(
        self, notification_id: str, reference: str, kind: str, status: str, at: datetime,
        submitted_at: datetime, validated_at: datetime | None, completed_at: datetime | None,
        reasons: list[dict[str, Any]], account_refs: list[str], year_bills: list[dict[str, Any]] | None = None,
    ) -> None:
        """Apply a status event from the stream (idempotent; never moves a notification backwards)."""
        with self._engine.begin() as conn:
            row = conn.execute(
                select(progress_table).where(progress_table.c.notification_id == notification_id)
            ).mappings().first()
            if row is None:
                conn.execute(insert(progress_table).values(
                    notification_id=notification_id, reference=reference, kind=kind, status=status,
                    submitted_at=submitted_at, validated_at=validated_at, completed_at=completed_at,
                    reasons=json.dumps(reasons), account_refs=json.dumps(account_refs),
                    history=json.dumps([{"status": status, "at": at.isoformat()}]),
                    year_bills=json.dumps(year_bills or []),
                ))
                return
            if _RANK.get(status, 0) < _RANK.get(row["status"], 0):
                return
            history = json.loads(row["history"])
            if any(item.get("by") == "officer" for item in history):
                return  # an officer settled it (web/stores/reviews.py); a redelivered event must not undo that
            if not any(item["status"] == status for item in history):
                history.append({"status": status, "at": at.isoformat()})
            conn.execute(update(progress_table).where(progress_table.c.notification_id == notification_id).values(
                status=status, validated_at=validated_at or row["validated_at"],
                completed_at=completed_at or row["completed_at"], reasons=json.dumps(reasons),
                account_refs=json.dumps(account_refs), history=json.dumps(history),
                year_bills=json.dumps(year_bills) if year_bills else row["year_bills"],
            ))

    def progress(self, notification_id: str) -> dict[str, Any] | None:
        return self._find(progress_table.c.notification_id == notification_id)

    def progress_by_reference(self, reference: str) -> dict[str, Any] | None:
        return self._find(progress_table.c.reference == reference)

    def _find(self, condition: Any) -> dict[str, Any] | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(progress_table).where(condition)).mappings().first()
        if row is None:
            return None
        return {
            "notification_id": row["notification_id"], "reference": row["reference"], "kind": row["kind"],
            "status": row["status"], "submitted_at": _utc(row["submitted_at"]),
            "validated_at": _utc(row["validated_at"]), "completed_at": _utc(row["completed_at"]),
            "reasons": json.loads(row["reasons"]), "account_refs": json.loads(row["account_refs"]),
            "history": json.loads(row["history"]), "year_bills": json.loads(row["year_bills"] or "[]"),
        }

    # -- idempotency keys ----------------------------------------------------------------------------------

    def claim_key(self, key: str, request_hash: str, notification_id: str, reference: str,
                  received: tuple[str, datetime] | None = None) -> StoredKey | None:
        """Claim a key for a new request; return the earlier claim instead if the key was used before.

        With ``received`` (kind, submitted at), the notification is recorded as received in the same
        transaction, so a new request costs one write before publishing rather than two.
        """
        try:
            with self._engine.begin() as conn:
                self._insert_claim(conn, key, request_hash, notification_id, reference, received)
            return None
        except IntegrityError:
            with self._engine.connect() as conn:
                row = conn.execute(select(idempotency_table).where(idempotency_table.c.key == key)).mappings().first()
            if row is None:  # released between our insert and read: treat as new next time
                raise
            return _stored_key(row, key, request_hash)

    def _insert_claim(self, conn: Connection, key: str, request_hash: str, notification_id: str, reference: str,
                      received: tuple[str, datetime] | None) -> None:
        conn.execute(insert(idempotency_table).values(
            key=key, request_hash=request_hash, notification_id=notification_id,
            reference=reference, response=None, created_at=datetime.now(UTC),
        ))
        if received is not None:
            self._insert_received(conn, notification_id, reference, *received)

    def claim_all(self, conn: Connection, claims: Sequence[KeyClaim]) -> list[StoredKey | Exception | None]:
        """:meth:`claim_key` for many requests in a transaction shared with other writes
        (web/stores/group_commit.py): one look for all their keys, then one insert of each kind.

        It looks before it inserts, so a key used before is answered without a failed insert spoiling the
        shared transaction; a claim another process makes at the same moment still fails the insert, and the
        group then claims each key alone (:meth:`claim_key`). Each outcome is None (claimed and recorded as
        received), the earlier claim of a key used before, or IdempotencyConflictError for a key used before
        with another request. Two claims of one key in one batch: the second finds the first as an earlier
        claim still being processed.
        """
        cursor = sqlite_cursor(conn)
        keys = [c.key for c in claims]
        found = (_sqlite_keys_among(cursor, keys) if cursor is not None else
                 {row["key"]: row for row in conn.execute(_KEYS_AMONG, {"keys": keys}).mappings()})
        outcomes: list[StoredKey | Exception | None] = []
        new: dict[str, KeyClaim] = {}
        now = datetime.now(UTC)
        for claim in claims:
            earlier = found.get(claim.key)
            if earlier is not None:
                outcomes.append(_earlier_or_conflict(earlier, claim.key, claim.request_hash))
            elif (first := new.get(claim.key)) is not None:
                outcomes.append(StoredKey(first.notification_id, first.reference, None, now)
                                if first.request_hash == claim.request_hash else IdempotencyConflictError(claim.key))
            else:
                new[claim.key] = claim
                outcomes.append(None)
        if new and cursor is not None:
            _sqlite_claim(cursor, list(new.values()), now)
        elif new:
            conn.execute(_INSERT_KEY, [
                {"key": c.key, "request_hash": c.request_hash, "notification_id": c.notification_id,
                 "reference": c.reference, "response": None, "created_at": now} for c in new.values()])
            conn.execute(_INSERT_PROGRESS, [_received_row(c.notification_id, c.reference, c.kind, c.submitted_at)
                                            for c in new.values()])
        return outcomes

    def write_keys(self, conn: Connection,
                   writes: Sequence[KeyClaim | KeyAnswer]) -> list[StoredKey | Exception | None]:
        """:meth:`answer_all` then :meth:`claim_all` for a group's key writes; the outcomes in the writes' order.

        Answers go first, so a retry whose claim shares a group with the first request's answer (the answer was
        handed over before the first request was answered) finds that answer.
        """
        answers = [w for w in writes if isinstance(w, KeyAnswer)]
        claims = [w for w in writes if isinstance(w, KeyClaim)]
        if answers:
            self.answer_all(conn, answers)
        claimed = iter(self.claim_all(conn, claims) if claims else [])
        return [None if isinstance(w, KeyAnswer) else next(claimed) for w in writes]

    def _write_key_alone(self, write: KeyClaim | KeyAnswer) -> StoredKey | None:
        if isinstance(write, KeyAnswer):
            self.complete_key(write.key, write.response)
            return None
        return self.claim_key(write.key, write.request_hash, write.notification_id, write.reference,
                              (write.kind, write.submitted_at))

    @staticmethod
    def answer_all(conn: Connection, answers: Sequence[KeyAnswer]) -> list[None]:
        """:meth:`complete_key_in` for many keys at once."""
        cursor = sqlite_cursor(conn)
        if cursor is not None:
            cursor.executemany(_SQLITE_ANSWER_KEY, [(json.dumps(a.response), a.key) for a in answers])
        else:
            conn.execute(_ANSWER_KEY, [{"answered_key": a.key, "answer": json.dumps(a.response)} for a in answers])
        return [None] * len(answers)

    def complete_key(self, key: str, response: dict[str, Any]) -> None:
        with self._engine.begin() as conn:
            self.complete_key_in(conn, key, response)

    @staticmethod
    def complete_key_in(conn: Connection, key: str, response: dict[str, Any]) -> None:
        conn.execute(update(idempotency_table).where(idempotency_table.c.key == key)
                     .values(response=json.dumps(response)))

    def backdate_key(self, key: str, claimed_at: datetime) -> None:
        """Move a claim's time back (to when a retry may take it over), keeping its notification id."""
        with self._engine.begin() as conn:
            conn.execute(update(idempotency_table).where(idempotency_table.c.key == key)
                         .values(created_at=claimed_at))

    def release_key(self, key: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(delete(idempotency_table).where(idempotency_table.c.key == key))


def _received_row(notification_id: str, reference: str, kind: str, submitted_at: datetime) -> dict[str, Any]:
    return {"notification_id": notification_id, "reference": reference, "kind": kind, "status": "received",
            "submitted_at": submitted_at, "reasons": "[]", "account_refs": "[]",
            "history": _received_history(submitted_at)}


# The same writes as _KEYS_AMONG, _INSERT_KEY, _INSERT_PROGRESS and _ANSWER_KEY, for SQLite's own driver
# (web/stores/sqlite_rows.py): one claim's two rows and one answer cost a few microseconds of Python each.
_SQLITE_INSERT_KEY = ('INSERT INTO idempotency_key ("key", request_hash, notification_id, reference, response, '
                      "created_at) VALUES (?, ?, ?, ?, NULL, ?)")
_SQLITE_INSERT_PROGRESS = ("INSERT INTO notification_progress (notification_id, reference, kind, status, "
                           "submitted_at, reasons, account_refs, history, year_bills) "
                           "VALUES (?, ?, ?, 'received', ?, '[]', '[]', ?, '[]')")
_SQLITE_ANSWER_KEY = 'UPDATE idempotency_key SET response = ? WHERE "key" = ?'


def _sqlite_keys_among(cursor: sqlite3.Cursor, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The stored claims of any of ``keys``, as _stored_key reads them."""
    cursor.execute('SELECT "key", request_hash, notification_id, reference, response, created_at '
                   f'FROM idempotency_key WHERE "key" IN ({", ".join("?" * len(keys))})', keys)
    return {key: {"key": key, "request_hash": request_hash, "notification_id": notification_id,
                  "reference": reference, "response": response, "created_at": read_sqlite_datetime(created_at)}
            for key, request_hash, notification_id, reference, response, created_at in cursor.fetchall()}


def _sqlite_claim(cursor: sqlite3.Cursor, claims: list[KeyClaim], now: datetime) -> None:
    claimed_at = sqlite_datetime(now)
    cursor.executemany(_SQLITE_INSERT_KEY, [(c.key, c.request_hash, c.notification_id, c.reference, claimed_at)
                                            for c in claims])
    cursor.executemany(_SQLITE_INSERT_PROGRESS, [
        (c.notification_id, c.reference, c.kind, sqlite_datetime(c.submitted_at), _received_history(c.submitted_at))
        for c in claims])


def _received_history(submitted_at: datetime) -> str:
    return json.dumps([{"status": "received", "at": submitted_at.isoformat()}])


def _earlier_or_conflict(row: Any, key: str, request_hash: str) -> StoredKey | Exception:
    try:
        return _stored_key(row, key, request_hash)
    except IdempotencyConflictError as conflict:
        return conflict


def _stored_key(row: Any, key: str, request_hash: str) -> StoredKey:
    """The earlier claim of a key, if it was for the same request (IdempotencyConflictError if not)."""
    if row["request_hash"] != request_hash:
        raise IdempotencyConflictError(key)
    response = json.loads(row["response"]) if row["response"] else None
    created = _utc(row["created_at"])
    assert created is not None
    return StoredKey(row["notification_id"], row["reference"], response, created)
