"""Residents' unfinished answers: found by the cookie's token only, stored under its digest, and expiring."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update

from tests.unit.web.resident.fixtures import complete_move_within
from web.resident.answers import JourneyAnswers
from web.stores.database import create_store_engine
from web.stores.journeys import IDLE_LIMIT, JourneyStore, journey_table


def test_stored_answers_are_found_by_token_only_and_expire(tmp_path: Path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path}/web.db")
    store = JourneyStore(engine, JourneyAnswers)
    token = store.start()
    answers = complete_move_within()
    store.save(token, answers)
    assert store.load(token) == answers
    assert store.load("someone-elses-token") is None
    with engine.begin() as conn:
        assert token not in {row.token_digest for row in conn.execute(select(journey_table))}
        conn.execute(update(journey_table).values(updated_at=datetime.now(UTC) - IDLE_LIMIT - timedelta(seconds=1)))
    assert store.load(token) is None
