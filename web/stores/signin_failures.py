"""Sign-in throttling shared by every web process: failed sign-ins counted per minute in PostgreSQL.

The same rule as :class:`web.signin.throttle.LoginThrottle` (after ``per_username`` failures for one
username, or ``per_address`` from one address, within ``window_seconds``, refuse until the oldest fall
out of the window), counted in one-minute buckets with an atomic upsert so two web processes, or one
restarted, share the count. Usernames and addresses are kept only as SHA-256 digests. Used when the web
store is PostgreSQL; SQLite deployments run one process and count in memory.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from sqlalchemy import Column, Engine, Integer, String, Table, delete, select
from sqlalchemy.dialects.postgresql import insert

from web.stores.database import create_tables, metadata

signin_failure_table = Table(
    "signin_failure", metadata,
    Column("key_digest", String(64), primary_key=True),
    Column("minute", Integer, primary_key=True),  # epoch minutes
    Column("failures", Integer, nullable=False),
)
BUCKET_SECONDS = 60


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class SharedLoginThrottle:
    blocking = True  # database calls: the sign-in route makes them off the event loop

    def __init__(self, engine: Engine, *, per_username: int = 5, per_address: int = 30,
                 window_seconds: float = 15 * 60, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self.per_username = per_username
        self.per_address = per_address
        self.window_seconds = window_seconds
        self._clock = clock

    def create_schema(self) -> None:
        create_tables(self._engine, signin_failure_table)

    def retry_after(self, username: str, address: str) -> float | None:
        """Seconds to wait before trying again, or None if a sign-in attempt may go ahead."""
        now = self._clock()
        limits = {_digest(f"user:{username.casefold()}"): self.per_username,
                  _digest(f"addr:{address}"): self.per_address}
        table = signin_failure_table
        with self._engine.connect() as conn:
            rows = conn.execute(select(table.c.key_digest, table.c.minute, table.c.failures)
                                .where(table.c.key_digest.in_(list(limits)), table.c.minute > self._oldest(now))
                                .order_by(table.c.minute)).all()
        waits = [self._wait([(m, f) for k, m, f in rows if k == key], limit, now) for key, limit in limits.items()]
        return max((w for w in waits if w is not None), default=None)

    def failed(self, username: str, address: str) -> None:
        now = self._clock()
        minute = int(now // BUCKET_SECONDS)
        table = signin_failure_table
        with self._engine.begin() as conn:
            for key in (f"user:{username.casefold()}", f"addr:{address}"):
                conn.execute(insert(table).values(key_digest=_digest(key), minute=minute, failures=1)
                             .on_conflict_do_update(index_elements=[table.c.key_digest, table.c.minute],
                                                    set_={"failures": table.c.failures + 1}))
            conn.execute(delete(table).where(table.c.minute <= self._oldest(now)))

    def succeeded(self, username: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(delete(signin_failure_table)
                         .where(signin_failure_table.c.key_digest == _digest(f"user:{username.casefold()}")))

    def _oldest(self, now: float) -> int:
        """The last minute bucket wholly outside the window."""
        return int((now - self.window_seconds) // BUCKET_SECONDS)

    def _wait(self, buckets: list[tuple[int, int]], limit: int, now: float) -> float | None:
        remaining = sum(failures for _, failures in buckets)
        for minute, failures in buckets:  # oldest first: when does enough fall out of the window?
            if remaining < limit:
                break
            remaining -= failures
            if remaining < limit:
                return max(1.0, (minute + 1) * BUCKET_SECONDS + self.window_seconds - now)
        return None
