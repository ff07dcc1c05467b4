"""The review side of the web store: what a case said (while it waits for an officer) and every decision.

A notification's content is kept here only while it may still need a person: the review-content
follower stores what arrives on the submitted topic, and content is removed soon after the notification
is settled (applied, rejected, duplicate, or decided by an officer; the follower looks every few seconds).
Decisions are kept for audit.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    and_,
    delete,
    insert,
    select,
    update,
)

from web.stores.database import as_utc, create_tables, metadata
from web.stores.progress import progress_table
from web.stores.sqlite_rows import sqlite_cursor, sqlite_datetime

case_content_table = Table(
    "review_case_content", metadata,
    Column("notification_id", String(36), primary_key=True),
    Column("encoded", LargeBinary, nullable=False),
    Column("stored_at", DateTime(timezone=True), nullable=False),
)

decision_table = Table(
    "review_decision", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("notification_id", String(36), nullable=False, index=True),
    Column("reference", String(20), nullable=False),
    Column("decision", String(20), nullable=False),
    Column("officer_username", String(60), nullable=False),
    Column("officer_name", String(100), nullable=False),
    Column("reason", Text),
    Column("review_reasons", Text, nullable=False, default="[]"),
    Column("new_notification_id", String(36)),
    Column("new_reference", String(20)),
    Column("decided_at", DateTime(timezone=True), nullable=False),
)

SETTLED = ("applied", "rejected", "duplicate", "corrected")
# keep_content on SQLite (web/stores/sqlite_rows.py): a redelivered notification's content is already there.
_SQLITE_KEEP_CONTENT = ("INSERT INTO review_case_content (notification_id, encoded, stored_at) VALUES (?, ?, ?) "
                        "ON CONFLICT (notification_id) DO NOTHING")


class AlreadyDecidedError(Exception):
    """Someone else decided this case first (or it is no longer waiting for review)."""


@dataclass(frozen=True)
class Decision:
    id: int
    notification_id: str
    reference: str
    decision: str
    officer_username: str
    officer_name: str
    reason: str | None
    new_notification_id: str | None
    new_reference: str | None
    decided_at: datetime


class ReviewStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def create_schema(self) -> None:
        create_tables(self._engine, case_content_table, decision_table)

    # -- case content --------------------------------------------------------------------------------------

    def keep_content(self, items: Iterable[tuple[str, bytes]]) -> None:
        """Store submitted notifications (encoded) by id; a redelivery changes nothing."""
        batch = dict(items)
        if not batch:
            return
        with self._engine.begin() as conn:
            cursor = sqlite_cursor(conn)
            if cursor is not None:  # every accepted notification passes here: SQLite's own driver, one statement
                stored_at = sqlite_datetime(datetime.now(UTC))
                cursor.executemany(_SQLITE_KEEP_CONTENT, [(key, value, stored_at) for key, value in batch.items()])
                return
            known = set(conn.execute(select(case_content_table.c.notification_id)
                                     .where(case_content_table.c.notification_id.in_(list(batch)))).scalars())
            rows = [{"notification_id": key, "encoded": value, "stored_at": datetime.now(UTC)}
                    for key, value in batch.items() if key not in known]
            if rows:
                conn.execute(insert(case_content_table), rows)

    def forget_settled(self) -> int:
        """Remove the content of notifications that no longer wait for a person."""
        # Driven by the content kept (a few cases at a time), each looked up in the progress table by its key,
        # rather than a pass over every notification's progress to find the settled ones.
        settled = select(progress_table.c.notification_id).where(
            progress_table.c.notification_id == case_content_table.c.notification_id,
            progress_table.c.status.in_(SETTLED))
        with self._engine.begin() as conn:
            result = conn.execute(delete(case_content_table).where(settled.exists()))
        return int(result.rowcount or 0)

    def content(self, notification_id: str) -> bytes | None:
        with self._engine.connect() as conn:
            value = conn.execute(select(case_content_table.c.encoded)
                                 .where(case_content_table.c.notification_id == notification_id)).scalar()
        return bytes(value) if value is not None else None

    # -- decisions -----------------------------------------------------------------------------------------

    def decide(self, *, notification_id: str, decision: str, officer_username: str, officer_name: str,
               reasons: list[dict[str, Any]], reason: str | None = None, at: datetime | None = None) -> int:
        """Settle a case waiting for review, atomically with its audit record; return the decision id.

        The notification's progress takes the officer's outcome (what the resident's status page shows);
        raises AlreadyDecidedError if the case is not (or no longer) waiting for review.
        """
        at = at or datetime.now(UTC)
        with self._engine.begin() as conn:
            row = conn.execute(select(progress_table).where(and_(
                progress_table.c.notification_id == notification_id, progress_table.c.status == "review"))
            ).mappings().first()
            if row is None:
                raise AlreadyDecidedError(notification_id)
            history = json.loads(row["history"])
            history.append({"status": decision, "at": at.isoformat(), "by": "officer"})
            changed = conn.execute(update(progress_table).where(and_(
                progress_table.c.notification_id == notification_id, progress_table.c.status == "review",
            )).values(status=decision, reasons=json.dumps(reasons),
                      history=json.dumps(history))).rowcount
            if changed != 1:
                raise AlreadyDecidedError(notification_id)
            result = conn.execute(insert(decision_table).values(
                notification_id=notification_id, reference=row["reference"], decision=decision,
                officer_username=officer_username, officer_name=officer_name, reason=reason,
                review_reasons=row["reasons"], decided_at=at,
            ))
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

    def record_correction(self, decision_id: int, new_notification_id: str, new_reference: str,
                          reasons: list[dict[str, Any]]) -> None:
        """Note which notification carried a correction, on the decision and in what the resident sees."""
        with self._engine.begin() as conn:
            notification_id = conn.execute(update(decision_table).where(decision_table.c.id == decision_id)
                                           .values(new_notification_id=new_notification_id,
                                                   new_reference=new_reference)
                                           .returning(decision_table.c.notification_id)).scalar_one()
            conn.execute(update(progress_table).where(progress_table.c.notification_id == notification_id)
                         .values(reasons=json.dumps(reasons)))

    def undo(self, decision_id: int) -> None:
        """Put a case back in the queue when its decision could not be carried out (e.g. Kafka was down)."""
        with self._engine.begin() as conn:
            row = conn.execute(select(decision_table).where(decision_table.c.id == decision_id)).mappings().first()
            if row is None:
                return
            progress = conn.execute(select(progress_table).where(
                progress_table.c.notification_id == row["notification_id"])).mappings().first()
            if progress is not None:
                history = [h for h in json.loads(progress["history"]) if h.get("by") != "officer"]
                conn.execute(update(progress_table)
                             .where(progress_table.c.notification_id == row["notification_id"])
                             .values(status="review", reasons=row["review_reasons"],
                                     history=json.dumps(history)))
            conn.execute(delete(decision_table).where(decision_table.c.id == decision_id))

    def decisions_for(self, notification_id: str) -> list[Decision]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(decision_table).where(decision_table.c.notification_id == notification_id)
                                .order_by(decision_table.c.id)).mappings().all()
        return [_decision(row) for row in rows]

    def correction_decision(self, new_notification_id: str) -> Decision | None:
        """The officer's decision whose correction is this notification (None: it was no correction)."""
        with self._engine.connect() as conn:
            row = conn.execute(select(decision_table).where(decision_table.c.new_notification_id
                                                            == new_notification_id)).mappings().first()
        return _decision(row) if row else None

    def recent_decisions(self, limit: int = 20) -> list[Decision]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(decision_table).order_by(decision_table.c.id.desc()).limit(limit)
                                ).mappings().all()
        return [_decision(row) for row in rows]


def _decision(row: Any) -> Decision:
    return Decision(
        id=row["id"], notification_id=row["notification_id"], reference=row["reference"],
        decision=row["decision"], officer_username=row["officer_username"], officer_name=row["officer_name"],
        reason=row["reason"], new_notification_id=row["new_notification_id"], new_reference=row["new_reference"],
        decided_at=as_utc(row["decided_at"]),
    )
