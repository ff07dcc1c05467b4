"""Group commit: writes waiting together share one transaction; a refusal or a failure stays with its own write."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import Column, Connection, Engine, Integer, MetaData, String, Table, event, insert, select
from sqlalchemy.exc import IntegrityError

from web.stores.database import create_store_engine
from web.stores.group_commit import BatchedWrite, GroupCommit

METADATA = MetaData()
ITEMS = Table("item", METADATA, Column("id", Integer, primary_key=True), Column("name", String(20)))


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_store_engine(f"sqlite:///{tmp_path}/store.db")
    METADATA.create_all(engine)
    yield engine
    engine.dispose()


def _names(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(select(ITEMS.c.name)).scalars())


def _add(name: str, item_id: int | None = None) -> Callable[[Connection], str]:
    def work(conn: Connection) -> str:
        conn.execute(insert(ITEMS).values(id=item_id, name=name))
        return name
    return work


async def test_writes_waiting_together_share_one_commit(engine: Engine) -> None:
    commits: list[int] = []
    event.listen(engine, "commit", lambda _conn: commits.append(1))
    writes = GroupCommit(engine)
    try:
        names = await asyncio.gather(*(writes.run(_add(f"n{i}")) for i in range(40)))
    finally:
        writes.stop()
    assert sorted(names) == sorted(f"n{i}" for i in range(40))
    assert _names(engine) == sorted(f"n{i}" for i in range(40))
    assert len(commits) < 40


async def test_a_refusal_goes_to_its_own_caller_and_the_group_still_commits(engine: Engine) -> None:
    def refuse(_conn: Connection) -> str:
        raise LookupError("used before")

    writes = GroupCommit(engine)
    try:
        results = await asyncio.gather(writes.run(_add("kept")), writes.run(refuse),
                                       return_exceptions=True)
    finally:
        writes.stop()
    assert results[0] == "kept"
    assert isinstance(results[1], LookupError)
    assert _names(engine) == ["kept"]


async def test_a_database_error_rolls_back_the_group_and_the_others_are_written_alone(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(ITEMS).values(id=1, name="first"))
    alone_calls: list[str] = []

    def clash_alone() -> str:
        alone_calls.append("clash")
        return "handled alone"

    writes = GroupCommit(engine)
    try:
        results = await asyncio.gather(
            writes.run(_add("a")), writes.run(_add("clash", item_id=1), alone=clash_alone),
            writes.run(_add("b")), return_exceptions=True)
    finally:
        writes.stop()
    assert list(results) == ["a", "handled alone", "b"]
    assert alone_calls == ["clash"]
    assert _names(engine) == ["a", "b", "first"]


async def test_stopping_commits_what_was_queued(engine: Engine) -> None:
    writes = GroupCommit(engine)
    pending = [asyncio.ensure_future(writes.run(_add(f"q{i}"))) for i in range(5)]
    await asyncio.sleep(0)
    await asyncio.to_thread(writes.stop)
    assert sorted(await asyncio.gather(*pending)) == [f"q{i}" for i in range(5)]


def _batched_adds(calls: list[list[str]]) -> BatchedWrite[str, str]:
    def together(conn: Connection, names: Sequence[str]) -> list[str | Exception]:
        calls.append(list(names))
        kept = [name for name in names if name != "refused"]
        if kept:
            conn.execute(insert(ITEMS), [{"name": name} for name in kept])
        return [LookupError(name) if name == "refused" else name.upper() for name in names]
    return BatchedWrite(together)


async def test_a_batched_write_serves_every_caller_in_the_group_with_one_call(engine: Engine) -> None:
    calls: list[list[str]] = []
    adds = _batched_adds(calls)
    writes = GroupCommit(engine)
    try:
        results = await asyncio.gather(*(writes.run_batched(adds, f"b{i}") for i in range(30)),
                                       writes.run_batched(adds, "refused"), writes.run(_add("plain")),
                                       return_exceptions=True)
    finally:
        writes.stop()
    assert results[:30] == [f"B{i}" for i in range(30)]
    assert isinstance(results[30], LookupError)  # a caller's own refusal reaches that caller alone
    assert results[31] == "plain"
    assert len(calls) < 31  # callers waiting together were served together
    assert sorted(name for call in calls for name in call) == sorted([*(f"b{i}" for i in range(30)), "refused"])
    assert _names(engine) == sorted([*(f"b{i}" for i in range(30)), "plain"])


async def test_a_database_error_in_a_batch_writes_each_of_its_callers_alone(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(ITEMS).values(id=1, name="first"))

    def together(conn: Connection, ids: Sequence[int]) -> list[int | Exception]:
        conn.execute(insert(ITEMS), [{"id": item_id, "name": f"i{item_id}"} for item_id in ids])
        return list(ids)

    writes = GroupCommit(engine)
    try:
        results = await asyncio.gather(*(writes.run_batched(BatchedWrite(together), item_id) for item_id in (2, 1, 3)),
                                       return_exceptions=True)
    finally:
        writes.stop()
    assert results[0] == 2
    assert results[2] == 3
    assert isinstance(results[1], IntegrityError)  # alone, the clash is that caller's own
    assert _names(engine) == ["first", "i2", "i3"]


async def test_a_cancelled_caller_leaves_its_write_standing_and_the_writer_serving(engine: Engine) -> None:
    writes = GroupCommit(engine)
    try:
        cancelled = asyncio.ensure_future(writes.run(_add("orphan")))
        await asyncio.sleep(0)
        cancelled.cancel()
        assert await writes.run(_add("after")) == "after"
    finally:
        writes.stop()
    assert cancelled.cancelled()
    assert _names(engine) == ["after", "orphan"]


async def test_a_write_after_stopping_starts_the_writer_again(engine: Engine) -> None:
    writes = GroupCommit(engine)
    assert await writes.run(_add("before")) == "before"
    await asyncio.to_thread(writes.stop)
    await asyncio.to_thread(writes.stop)  # stopping twice is harmless
    try:
        assert await writes.run(_add("after")) == "after"
    finally:
        writes.stop()
    assert _names(engine) == ["after", "before"]
