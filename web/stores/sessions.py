"""Server-side sessions for signed-in staff: a random token in the cookie, only its digest in the database.

A session ends after ``idle`` without a request, or ``lifetime`` after sign-in whatever happens, or when
the person signs out. Nothing about the person is in the cookie.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, DateTime, Engine, String, Table, delete, insert, or_, select, update

from web.stores.database import as_utc, create_tables, metadata

session_table = Table(
    "staff_session", metadata,
    Column("token_digest", String(64), primary_key=True),
    Column("username", String(60), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
)

# Writing last_seen on every request would turn each page view into a write; a minute's slack is harmless.
_TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Session:
    token_digest: str
    username: str
    created_at: datetime
    last_seen_at: datetime


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionStore:
    def __init__(self, engine: Engine, *, idle: timedelta, lifetime: timedelta,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._engine = engine
        self.idle = idle
        self.lifetime = lifetime
        self._clock = clock

    def create_schema(self) -> None:
        create_tables(self._engine, session_table)

    def start(self, username: str) -> str:
        """Start a session and return the token for the cookie (shown once, stored only as a digest)."""
        token = secrets.token_urlsafe(32)
        now = self._clock()
        with self._engine.begin() as conn:
            conn.execute(insert(session_table).values(
                token_digest=_digest(token), username=username, created_at=now, last_seen_at=now))
        return token

    def resume(self, token: str) -> Session | None:
        """Return the live session for a cookie token (and note the request), or None if it has ended."""
        if not token or len(token) > 100:
            return None
        digest = _digest(token)
        now = self._clock()
        with self._engine.connect() as conn:
            row = conn.execute(select(session_table).where(session_table.c.token_digest == digest)).mappings().first()
        if row is None:
            return None
        created, seen = as_utc(row["created_at"]), as_utc(row["last_seen_at"])
        if now - seen > self.idle or now - created > self.lifetime:
            self.end(token)
            return None
        if now - seen > _TOUCH_EVERY:
            with self._engine.begin() as conn:
                conn.execute(update(session_table).where(session_table.c.token_digest == digest)
                             .values(last_seen_at=now))
            seen = now
        return Session(digest, row["username"], created, seen)

    def end(self, token: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(delete(session_table).where(session_table.c.token_digest == _digest(token)))

    def purge_expired(self) -> int:
        now = self._clock()
        with self._engine.begin() as conn:
            result = conn.execute(delete(session_table).where(or_(
                session_table.c.last_seen_at < now - self.idle,
                session_table.c.created_at < now - self.lifetime,
            )))
        return int(result.rowcount or 0)
