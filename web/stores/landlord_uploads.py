"""Landlords' uploads: each file (by landlord and content hash) and each row's fate, kept before any row is
published so nothing is lost if the web app stops half-way.

A row is ``pending`` (valid, not yet on Kafka), ``sent`` (on Kafka: its reference is kept), or ``invalid``
(the column at fault and the reason). The same file uploaded again by the same landlord finds the same
upload: rows already sent are not sent twice, pending ones are sent then. Rows hold what the landlord
wrote (names and addresses): only the landlord who uploaded them and the web app read them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from web.stores.database import as_utc, create_tables, metadata

PENDING, SENT, INVALID = "pending", "sent", "invalid"

upload_table = Table(
    "landlord_upload", metadata,
    Column("upload_id", String(36), primary_key=True),
    Column("landlord", String(60), nullable=False, index=True),
    Column("file_hash", String(64), nullable=False),
    Column("filename", String(200), nullable=False),
    Column("uploaded_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("landlord", "file_hash", name="uq_landlord_upload_file"),
)

upload_row_table = Table(
    "landlord_upload_row", metadata,
    Column("upload_id", String(36), ForeignKey("landlord_upload.upload_id"), primary_key=True),
    Column("row_number", Integer, primary_key=True),
    Column("status", String(10), nullable=False),
    Column("column_name", String(40)),
    Column("reason", String(300)),
    Column("request", Text),  # the NotificationRequest as JSON, while it may still need sending
    Column("notification_id", String(36)),
    Column("reference", String(20)),
)


@dataclass(frozen=True)
class NewRow:
    number: int
    request_json: str | None = None  # a valid row
    column: str | None = None  # an invalid one
    reason: str | None = None


@dataclass(frozen=True)
class UploadRow:
    upload_id: str
    number: int
    status: str
    column: str | None
    reason: str | None
    request: dict[str, Any] | None
    reference: str | None


@dataclass(frozen=True)
class Upload:
    upload_id: str
    landlord: str
    file_hash: str
    filename: str
    uploaded_at: datetime
    counts: dict[str, int]


class LandlordUploadStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def create_schema(self) -> None:
        create_tables(self._engine, upload_table, upload_row_table)

    def find(self, landlord: str, file_hash: str) -> str | None:
        """The upload id of this landlord's earlier upload of the same file, if any."""
        with self._engine.connect() as conn:
            found: str | None = conn.execute(select(upload_table.c.upload_id).where(
                upload_table.c.landlord == landlord, upload_table.c.file_hash == file_hash)).scalar_one_or_none()
        return found

    def store(self, landlord: str, file_hash: str, filename: str, at: datetime, rows: Sequence[NewRow]) -> str:
        """Keep the upload and all its rows in one transaction; return its id (the earlier one if it is a repeat)."""
        upload_id = str(uuid.uuid4())
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(upload_table).values(upload_id=upload_id, landlord=landlord, file_hash=file_hash,
                                                         filename=filename[:200], uploaded_at=at))
                conn.execute(insert(upload_row_table), [{
                    "upload_id": upload_id, "row_number": row.number,
                    "status": PENDING if row.request_json is not None else INVALID,
                    "column_name": row.column, "reason": (row.reason or "")[:300] or None, "request": row.request_json,
                } for row in rows])
        except IntegrityError:  # the same file, uploaded at the same moment by the same landlord
            earlier = self.find(landlord, file_hash)
            if earlier is None:
                raise
            return earlier
        return upload_id

    def mark_sent(self, upload_id: str, number: int, notification_id: str, reference: str) -> None:
        """The row is on Kafka: keep its reference and drop the request it no longer needs."""
        with self._engine.begin() as conn:
            conn.execute(update(upload_row_table).where(
                upload_row_table.c.upload_id == upload_id, upload_row_table.c.row_number == number,
            ).values(status=SENT, notification_id=notification_id, reference=reference, request=None))

    def pending(self, upload_id: str | None = None) -> list[UploadRow]:
        """Rows not yet on Kafka: of one upload, or of every upload (when the web app starts)."""
        query = select(upload_row_table).where(upload_row_table.c.status == PENDING)
        if upload_id is not None:
            query = query.where(upload_row_table.c.upload_id == upload_id)
        with self._engine.connect() as conn:
            return [_row(r) for r in conn.execute(query.order_by(upload_row_table.c.upload_id,
                                                                 upload_row_table.c.row_number)).mappings()]

    def landlord_of(self, upload_id: str) -> str | None:
        with self._engine.connect() as conn:
            found: str | None = conn.execute(select(upload_table.c.landlord).where(
                upload_table.c.upload_id == upload_id)).scalar_one_or_none()
        return found

    def upload(self, landlord: str, upload_id: str) -> tuple[Upload, list[UploadRow]] | None:
        """One of this landlord's uploads with its rows (None for another landlord's)."""
        with self._engine.connect() as conn:
            found = conn.execute(select(upload_table).where(
                upload_table.c.upload_id == upload_id, upload_table.c.landlord == landlord)).mappings().first()
            if found is None:
                return None
            rows = [_row(r) for r in conn.execute(select(upload_row_table).where(
                upload_row_table.c.upload_id == upload_id).order_by(upload_row_table.c.row_number)).mappings()]
        counts = {status: sum(1 for r in rows if r.status == status) for status in (SENT, PENDING, INVALID)}
        return _upload(found, counts), rows

    def uploads(self, landlord: str, limit: int = 20) -> list[Upload]:
        """This landlord's latest uploads, newest first, with how many rows are sent, pending and invalid."""
        with self._engine.connect() as conn:
            found = conn.execute(select(upload_table).where(upload_table.c.landlord == landlord)
                                 .order_by(upload_table.c.uploaded_at.desc()).limit(limit)).mappings().all()
            ids = [u["upload_id"] for u in found]
            tallies = conn.execute(select(upload_row_table.c.upload_id, upload_row_table.c.status, func.count())
                                   .where(upload_row_table.c.upload_id.in_(ids))
                                   .group_by(upload_row_table.c.upload_id, upload_row_table.c.status)).all()
        counts: dict[str, dict[str, int]] = {i: {SENT: 0, PENDING: 0, INVALID: 0} for i in ids}
        for upload_id, status, count in tallies:
            counts[upload_id][status] = int(count)
        return [_upload(u, counts[u["upload_id"]]) for u in found]


def _upload(found: Any, counts: dict[str, int]) -> Upload:
    return Upload(found["upload_id"], found["landlord"], found["file_hash"], found["filename"],
                  as_utc(found["uploaded_at"]), counts)


def _row(found: Any) -> UploadRow:
    request = json.loads(found["request"]) if found["request"] else None
    return UploadRow(found["upload_id"], found["row_number"], found["status"], found["column_name"], found["reason"],
                     request, found["reference"])
