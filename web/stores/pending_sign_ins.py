"""Sign-ins started with the council's identity provider and not yet finished (OpenID Connect ``state``).

Each row holds what the callback needs (the nonce, the PKCE code verifier, where to go next) under the
digest of its ``state``. :meth:`PendingSignInStore.take` deletes the row as it reads it, so a state is good
for one callback only (a replayed callback finds nothing), and only for ``lifetime``. Kept in the web
database, so a callback may reach any web process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, DateTime, Engine, String, Table, delete, insert, select

from web.stores.database import as_utc, create_tables, metadata

pending_sign_in_table = Table(
    "oidc_pending_sign_in", metadata,
    Column("state_digest", String(64), primary_key=True),
    Column("nonce", String(100), nullable=False),
    Column("code_verifier", String(128), nullable=False),
    Column("next_path", String(2000), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
)


@dataclass(frozen=True)
class PendingSignIn:
    nonce: str
    code_verifier: str
    next_path: str | None


def _digest(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


class PendingSignInStore:
    def __init__(self, engine: Engine, *, lifetime: timedelta = timedelta(minutes=10),
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._engine = engine
        self._lifetime = lifetime
        self._clock = clock

    def create_schema(self) -> None:
        create_tables(self._engine, pending_sign_in_table)

    def begin(self, state: str, pending: PendingSignIn) -> None:
        with self._engine.begin() as conn:
            conn.execute(delete(pending_sign_in_table).where(
                pending_sign_in_table.c.created_at < self._clock() - self._lifetime))
            conn.execute(insert(pending_sign_in_table).values(
                state_digest=_digest(state), nonce=pending.nonce, code_verifier=pending.code_verifier,
                next_path=pending.next_path, created_at=self._clock()))

    def take(self, state: str) -> PendingSignIn | None:
        """Return and forget the sign-in started with ``state``; None if unknown, already used or too old."""
        if not state or len(state) > 200:
            return None
        digest = _digest(state)
        with self._engine.begin() as conn:
            row = conn.execute(select(pending_sign_in_table)
                               .where(pending_sign_in_table.c.state_digest == digest)).mappings().first()
            if row is None:
                return None
            deleted = conn.execute(delete(pending_sign_in_table)
                                   .where(pending_sign_in_table.c.state_digest == digest)).rowcount
        if deleted != 1 or self._clock() - as_utc(row["created_at"]) > self._lifetime:
            return None  # another process took it first, or it is too old
        return PendingSignIn(row["nonce"], row["code_verifier"], row["next_path"])
