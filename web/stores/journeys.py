"""Server-side storage of residents' unfinished answers, found through a random cookie.

The browser holds only a random token (cookie ``__Host-ctax_journey``, or ``ctax_journey`` without
Secure); the web store keeps the answers under a SHA-256 digest of it, so neither URLs nor logs carry
personal data, and a copy of the table does not let anyone resume someone else's journey. Answers left
alone for :data:`IDLE_LIMIT` are deleted; after submission only the reference is kept.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import Column, DateTime, Engine, String, Table, Text, delete, insert, select, update

from web.stores.database import as_utc, create_tables, metadata

IDLE_LIMIT = timedelta(minutes=60)
Answers = TypeVar("Answers", bound=BaseModel)

journey_table = Table(
    "resident_journey", metadata,
    Column("token_digest", String(64), primary_key=True),
    Column("answers", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


def cookie_name(secure: bool) -> str:
    return "__Host-ctax_journey" if secure else "ctax_journey"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class JourneyStore(Generic[Answers]):
    """Loads and saves answers by cookie token; a blocking API (call it through web.in_thread).

    The answers are a pydantic model (the resident pages' ``JourneyAnswers``), kept as its JSON; a new
    journey starts with the model's defaults.
    """

    def __init__(self, engine: Engine, answers: type[Answers]) -> None:
        self._engine = engine
        self._answers = answers
        self._schema_ready = False
        self._schema_lock = threading.Lock()

    def create_schema(self) -> None:
        """Create the table if it is missing (done on first use too)."""
        with self._schema_lock:
            if not self._schema_ready:
                create_tables(self._engine, journey_table)
                self._schema_ready = True

    def start(self) -> str:
        """Create an empty journey and return the token for the cookie (and sweep out idle ones)."""
        self.create_schema()
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        with self._engine.begin() as conn:
            conn.execute(delete(journey_table).where(journey_table.c.updated_at < now - IDLE_LIMIT))
            conn.execute(insert(journey_table).values(
                token_digest=_digest(token), answers=self._answers().model_dump_json(), updated_at=now))
        return token

    def load(self, token: str) -> Answers | None:
        """Return the answers for a token, or None if there are none (never started, or idle too long)."""
        self.create_schema()
        with self._engine.connect() as conn:
            row = conn.execute(
                select(journey_table.c.answers, journey_table.c.updated_at)
                .where(journey_table.c.token_digest == _digest(token))
            ).first()
        if row is None or datetime.now(UTC) - as_utc(row.updated_at) > IDLE_LIMIT:
            return None
        return self._answers.model_validate_json(row.answers)

    def save(self, token: str, answers: Answers) -> None:
        with self._engine.begin() as conn:
            conn.execute(update(journey_table).where(journey_table.c.token_digest == _digest(token)).values(
                answers=answers.model_dump_json(), updated_at=datetime.now(UTC)))
