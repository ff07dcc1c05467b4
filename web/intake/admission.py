"""Back-pressure for the intake: a bounded number of notifications being stored at once, and a bounded wait.

Each accept holds a place from its first store write until Kafka has acknowledged it. A request that finds
every place taken waits in a bounded line for at most ``wait_seconds``; when the line is full, or the wait
runs out (the broker or the store is slow), it is turned away with :class:`NoPlaceFreeError` (the intake's
``IntakeBusyError``), which the API answers with 503 and Retry-After. A sender then retries a little later
instead of every request queueing for seconds behind a slow broker, and the accepted requests keep a short tail.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass


class NoPlaceFreeError(Exception):
    """Every place was taken and none came free in time (or the line for one was full)."""


@dataclass(frozen=True)
class AdmissionLimits:
    in_flight: int = 64  # accepts between their first store write and Kafka's acknowledgement
    waiting: int = 64  # requests in line for a place
    wait_seconds: float = 0.5  # the longest a request waits in line

    def gate(self) -> AdmissionGate:
        return AdmissionGate(self.in_flight, self.waiting, self.wait_seconds)


class AdmissionGate:
    def __init__(self, in_flight: int = 64, waiting: int = 64, wait_seconds: float = 0.5) -> None:
        if in_flight < 1 or waiting < 0 or wait_seconds < 0:
            raise ValueError("in_flight must be at least 1; waiting and wait_seconds not negative")
        self._places = asyncio.Semaphore(in_flight)
        self._waiting_limit = waiting
        self._wait_seconds = wait_seconds
        self._waiting = 0

    @property
    def waiting(self) -> int:
        """Requests in line for a place now."""
        return self._waiting

    @asynccontextmanager
    async def admitted(self) -> AsyncIterator[None]:
        """Hold a place while the body runs; raise NoPlaceFreeError when none comes free in time."""
        if self._places.locked():
            if self._waiting >= self._waiting_limit:
                raise NoPlaceFreeError("the line for the intake is full")
            self._waiting += 1
            try:
                async with asyncio.timeout(self._wait_seconds):
                    await self._places.acquire()
            except TimeoutError:
                raise NoPlaceFreeError("no place came free in time") from None
            finally:
                self._waiting -= 1
        else:
            await self._places.acquire()
        try:
            yield
        finally:
            self._places.release()
