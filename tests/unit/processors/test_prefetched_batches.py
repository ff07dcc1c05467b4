"""Batches that go on filling while the last one is processed; acks only after the caller is done with a batch.

A stand-in for Faust's stream (``events()``, ``ack()``, ``enable_acks``) fed by the test. The real stream is what
the worker's agents read in every integration test (crash recovery and the chaos tests among them).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from processors.prefetched_batches import prefetched_batches


class FedStream:
    """Events the test puts in, read by ``events()``; what was acked, in order."""

    def __init__(self) -> None:
        self.enable_acks = True
        self.acked: list[int] = []
        self.read = 0  # how many events the reader has taken from the stream
        self._fed: asyncio.Queue[int | BaseException | None] = asyncio.Queue()

    def feed(self, *events: int) -> None:
        for event in events:
            self._fed.put_nowait(event)

    def fail(self, error: BaseException) -> None:
        self._fed.put_nowait(error)

    def end(self) -> None:
        self._fed.put_nowait(None)

    async def events(self) -> AsyncIterator[int]:
        while True:
            item = await self._fed.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            self.read += 1
            yield item

    async def ack(self, event: int) -> bool:
        self.acked.append(event)
        return True


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_a_lone_event_waits_no_longer_than_within() -> None:
    stream = FedStream()
    stream.feed(1)
    batches = prefetched_batches(stream, 100, within=0.01)
    assert await asyncio.wait_for(anext(batches), 1) == [1]
    await batches.aclose()


async def test_the_next_batch_is_taken_whole_from_what_arrived_during_the_last() -> None:
    stream = FedStream()
    stream.feed(1)
    batches = prefetched_batches(stream, 3, within=0.01)
    assert await anext(batches) == [1]
    # While the caller holds the first batch (processing it), more arrive: read at once, up to the batch size.
    stream.feed(2, 3, 4, 5, 6)
    await settle()
    assert stream.read == 5  # 1; 2-4 queued (the queue holds at most 3); 5 read, waiting for room; 6 not read
    second = await asyncio.wait_for(anext(batches), 1)
    assert second == [2, 3, 4]  # full: no wait for `within`
    assert await asyncio.wait_for(anext(batches), 1) == [5, 6]
    await batches.aclose()


async def test_events_are_acked_only_after_the_caller_is_done_with_their_batch() -> None:
    stream = FedStream()
    stream.feed(1, 2)
    batches = prefetched_batches(stream, 2, within=0.01)
    assert await anext(batches) == [1, 2]
    stream.feed(3)
    await settle()
    assert stream.acked == []  # the caller still holds [1, 2]; 3 is queued, not acked
    assert stream.enable_acks is False  # the stream does not ack them by itself either
    assert await asyncio.wait_for(anext(batches), 1) == [3]
    assert stream.acked == [1, 2]
    await batches.aclose()
    assert stream.acked == [1, 2]  # the batch the caller left unfinished is not acked: it will be redelivered


async def test_a_failing_stream_fails_the_batches() -> None:
    stream = FedStream()
    stream.fail(RuntimeError("consumer crashed"))
    batches = prefetched_batches(stream, 10, within=0.01)
    with pytest.raises(RuntimeError, match="consumer crashed"):
        await asyncio.wait_for(anext(batches), 1)


async def test_what_is_queued_when_the_stream_ends_is_still_a_batch() -> None:
    stream = FedStream()
    stream.feed(1, 2)
    stream.end()
    batches = [batch async for batch in prefetched_batches(stream, 10, within=60.0)]
    assert batches == [[1, 2]]
    assert stream.acked == [1, 2]
