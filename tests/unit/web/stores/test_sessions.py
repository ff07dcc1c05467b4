"""Staff sessions end when idle too long, when too old, or when signed out; made-up tokens find nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from web.stores.database import create_store_engine
from web.stores.sessions import SessionStore


def test_sessions_end_when_idle_too_long_or_too_old(tmp_path: Path) -> None:
    now = [datetime(2026, 4, 1, 9, 0, tzinfo=UTC)]
    engine = create_store_engine(f"sqlite:///{tmp_path}/web.db")
    sessions = SessionStore(engine, idle=timedelta(minutes=30), lifetime=timedelta(hours=8), clock=lambda: now[0])
    sessions.create_schema()
    token = sessions.start("jo")
    for _ in range(20):  # active all day: 25 minutes between requests
        now[0] += timedelta(minutes=25)
        if sessions.resume(token) is None:
            break
    assert now[0] - datetime(2026, 4, 1, 9, 0, tzinfo=UTC) > timedelta(hours=8)
    assert sessions.resume(token) is None
    idle = sessions.start("jo")
    now[0] += timedelta(minutes=31)
    assert sessions.resume(idle) is None
    ended = sessions.start("jo")
    sessions.end(ended)
    assert sessions.resume(ended) is None
    assert sessions.resume("made-up-token") is None
