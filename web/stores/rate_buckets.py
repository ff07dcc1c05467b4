"""Intake rate limits shared by every web process: one token bucket per client address in PostgreSQL.

The same rule as :class:`web.http.rate_limit.TokenBuckets` (``per_minute`` tokens a minute, at most
``burst`` saved up), but the bucket is a row refilled and taken from in one atomic
``INSERT ... ON CONFLICT DO UPDATE``, so two web processes (or a restarted one) share one limit. Client
addresses are kept only as SHA-256 digests, and rows of clients idle long enough to be full again are
swept now and then. Used when the web store is PostgreSQL (``create_app``); SQLite deployments run one
process and keep buckets in memory.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable

from sqlalchemy import Boolean, Column, Engine, Float, String, Table, case, delete, func
from sqlalchemy.dialects.postgresql import insert

from web.stores.database import create_tables, metadata

rate_bucket_table = Table(
    "intake_rate_bucket", metadata,
    Column("client_digest", String(64), primary_key=True),
    Column("tokens", Float, nullable=False),
    Column("updated_at", Float, nullable=False),  # epoch seconds of the last take
    Column("allowed", Boolean, nullable=False),  # whether the last take got a token
)
_SWEEP_ONE_IN = 500


class SharedTokenBuckets:
    blocking = True  # takes go to the database: the middleware calls them off the event loop

    def __init__(self, engine: Engine, per_minute: float, burst: int, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._rate = per_minute / 60.0
        self._burst = float(burst)
        self._clock = clock

    def create_schema(self) -> None:
        create_tables(self._engine, rate_bucket_table)

    def take(self, client: str) -> float:
        """Take a token for the client: 0 if allowed, else the seconds until one is available."""
        now = self._clock()
        table = rate_bucket_table
        refilled = func.least(self._burst, table.c.tokens + func.greatest(0.0, now - table.c.updated_at) * self._rate)
        statement = insert(table).values(
            client_digest=hashlib.sha256(client.encode()).hexdigest(), tokens=self._burst - 1, updated_at=now,
            allowed=True,
        ).on_conflict_do_update(index_elements=[table.c.client_digest], set_={
            "tokens": case((refilled >= 1, refilled - 1), else_=refilled),
            "updated_at": func.greatest(table.c.updated_at, now),
            "allowed": refilled >= 1,
        }).returning(table.c.tokens, table.c.allowed)
        with self._engine.begin() as conn:
            tokens, allowed = conn.execute(statement).one()
            if random.randrange(_SWEEP_ONE_IN) == 0:  # noqa: S311 - spreading housekeeping, not security
                conn.execute(delete(table).where(table.c.updated_at < now - self._burst / self._rate))
        return 0.0 if allowed else (1 - float(tokens)) / self._rate
