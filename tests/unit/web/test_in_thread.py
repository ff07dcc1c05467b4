"""Blocking calls off the event loop: a caller stopped mid-call ends only once the thread has finished."""

from __future__ import annotations

import asyncio
import threading

import pytest

from web.in_thread import in_thread


async def test_a_cancelled_caller_ends_only_after_the_thread_has_finished() -> None:
    started, release = threading.Event(), threading.Event()
    finished: list[bool] = []

    def slow_store_call() -> int:
        started.set()
        release.wait(5)
        finished.append(True)
        return 1

    caller = asyncio.create_task(in_thread(slow_store_call))
    assert await asyncio.to_thread(started.wait, 5)
    caller.cancel()
    await asyncio.sleep(0.1)
    assert not caller.done()  # still waiting for the thread, which holds what it checked out
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await caller
    assert finished == [True]


async def test_results_and_errors_come_back_as_from_the_call() -> None:
    assert await in_thread(divmod, 7, 2) == (3, 1)
    with pytest.raises(ValueError, match="invalid literal"):
        await in_thread(int, "seven")


async def test_a_cancelled_caller_is_cancelled_even_when_its_thread_fails() -> None:
    started, release = threading.Event(), threading.Event()

    def failing() -> None:
        started.set()
        release.wait(5)
        raise RuntimeError("the database went away")

    caller = asyncio.create_task(in_thread(failing))
    assert await asyncio.to_thread(started.wait, 5)
    caller.cancel()
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await caller  # the stop goes on; the thread's error is not raised in its place
