"""The intake's rows written through SQLite's own driver are stored exactly as SQLAlchemy would store them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import Column, DateTime, Engine, Integer, MetaData, Table, insert, select

from web.stores.database import create_store_engine
from web.stores.progress import KeyAnswer, KeyClaim, ProgressStore
from web.stores.reviews import ReviewStore
from web.stores.sqlite_rows import read_sqlite_datetime, sqlite_cursor, sqlite_datetime

AT = datetime(2026, 6, 1, 9, 0, 5, 123456, tzinfo=UTC)
STORED_AT = "SELECT notification_id, stored_at FROM review_case_content"


def engine_at(tmp_path: Path) -> Engine:
    return create_store_engine(f"sqlite:///{tmp_path}/web.db")


def test_a_datetime_is_the_text_sqlalchemy_stores_and_reads_back_the_same(tmp_path: Path) -> None:
    engine = engine_at(tmp_path)
    table = Table("stamps", MetaData(), Column("id", Integer, primary_key=True), Column("at", DateTime(timezone=True)))
    table.create(engine)
    values = [AT, AT.replace(microsecond=0), datetime(2027, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)]
    with engine.begin() as conn:
        conn.execute(insert(table), [{"id": n, "at": value} for n, value in enumerate(values)])
        stored = [text for (text,) in conn.exec_driver_sql("SELECT at FROM stamps ORDER BY id")]
        cursor = sqlite_cursor(conn)
        assert cursor is not None
        cursor.executemany("INSERT INTO stamps (id, at) VALUES (?, ?)",
                           [(10 + n, sqlite_datetime(value)) for n, value in enumerate(values)])
        read = [value for (value,) in conn.execute(select(table.c.at).where(table.c.id >= 10).order_by(table.c.id))]
    assert stored == [sqlite_datetime(value) for value in values]
    assert [value.replace(tzinfo=UTC) for value in read] == values
    assert [read_sqlite_datetime(text) for text in stored] == values


def test_a_datetime_in_another_zone_is_stored_as_its_utc_time() -> None:
    assert sqlite_datetime(AT.astimezone(timezone(timedelta(hours=1)))) == "2026-06-01 09:00:05.123456"


def test_a_claim_written_through_the_driver_equals_one_written_through_sqlalchemy(tmp_path: Path) -> None:
    store = ProgressStore(engine_at(tmp_path))
    store.create_schema()
    one, two = "00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"
    assert store.claim_key("key-1", "hash", one, "CTX-AAAA-BBBB", ("move_in", AT)) is None  # SQLAlchemy
    with store._engine.begin() as conn:  # the group commit's path: SQLite's driver
        assert store.write_keys(conn, [KeyClaim("key-2", "hash", two, "CTX-CCCC-DDDD", "move_in", AT)]) == [None]
    answer = {"notification_id": two, "reference": "CTX-CCCC-DDDD", "status": "received"}
    with store._engine.begin() as conn:
        store.write_keys(conn, [KeyAnswer("key-2", answer)])
    store.complete_key("key-1", {**answer, "notification_id": one, "reference": "CTX-AAAA-BBBB"})
    with store._engine.connect() as conn:
        progress = {row[0]: row[2:] for row in conn.exec_driver_sql(
            "SELECT notification_id, reference, * FROM notification_progress")}
        keys = {row[0]: row for row in conn.exec_driver_sql(
            'SELECT "key", request_hash, response, typeof(created_at) FROM idempotency_key')}
    assert progress[one][2:] == progress[two][2:]  # all but the id and reference: kind, status, times, JSON
    assert keys["key-2"][3] == keys["key-1"][3] == "text"
    found = store.claim_key("key-2", "hash", two, "CTX-CCCC-DDDD")
    assert found is not None
    assert found.response == answer
    first, second = store.progress(one), store.progress(two)
    assert first is not None
    assert second == {**first, "notification_id": two, "reference": "CTX-CCCC-DDDD"}


def test_content_kept_again_changes_nothing(tmp_path: Path) -> None:
    engine = engine_at(tmp_path)
    reviews = ReviewStore(engine)
    reviews.create_schema()
    reviews.keep_content([("n-1", b"first"), ("n-2", b"second")])
    with engine.connect() as conn:
        stored_at: dict[str, str] = dict(conn.exec_driver_sql(STORED_AT).all())
    reviews.keep_content([("n-1", b"redelivered"), ("n-3", b"third")])
    assert (reviews.content("n-1"), reviews.content("n-2"), reviews.content("n-3")) == (b"first", b"second", b"third")
    with engine.connect() as conn:
        again: dict[str, str] = dict(conn.exec_driver_sql(STORED_AT).all())
    assert {key: again[key] for key in stored_at} == stored_at
