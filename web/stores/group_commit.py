"""Group commit for the web store's short writes: many requests' writes in one transaction, one commit.

Every accepted notification writes to the web store twice (its idempotency claim with its "received" row, then
the answer kept against the key). One transaction each, on SQLite's single connection, capped the intake far
below what its HTTP stack serves. Here one writer thread takes every write waiting when it is free and runs
them in one transaction: under load a commit (and its fsync) is shared by dozens of requests; alone, a write
costs what it did.

A job that raises an error of its own (not a database error) before writing gets that error and the others go
on. A database error anywhere rolls the group back, and each job then runs alone in its own transaction (its
``alone`` form if it has one), so one bad write never fails the others.

A :class:`BatchedWrite` goes further: every caller of it in a group is served by one call with all their
arguments, so the group runs a statement or two for all of them (an ``executemany``) rather than a few per caller.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

R = TypeVar("R")
A = TypeVar("A")
MAX_GROUP = 128  # writes per transaction at most


@dataclass(frozen=True)
class BatchedWrite(Generic[A, R]):
    """A write many callers make, run once for all of a group's callers.

    ``together(conn, args)`` returns one outcome per argument, in order: a result, or an exception that is that
    caller's own refusal (raised to it alone). A database error rolls the group back as for any write; each
    caller's write is then run alone: ``alone(arg)`` if given, else ``together`` with its one argument in a
    transaction of its own.
    """

    together: Callable[[Connection, Sequence[A]], Sequence[R | Exception]]
    alone: Callable[[A], R] | None = None


@dataclass(frozen=True)
class _Job(Generic[R]):
    work: Callable[[Connection], R]
    alone: Callable[[], R] | None
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[R]
    batch: BatchedWrite[Any, R] | None = None
    argument: Any = None


class GroupCommit:
    """One writer thread committing the writes of many callers together.

    Waking the thread costs more than a write under load, so it is woken only when it waits: a busy writer takes
    whatever was submitted meanwhile as soon as it finishes a group; an idle one is woken once the loop has run its
    ready callbacks (one wake-up for everything they submitted). Each loop hears of a group's outcomes in one call.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._outbox: list[_Job[Any]] = []  # submitted, not yet taken by the writer
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._submitted = threading.Condition(self._lock)
        self._writer_waiting = False
        self._stopping = False

    async def run(self, work: Callable[[Connection], R], *, alone: Callable[[], R] | None = None) -> R:
        """Run ``work`` in the next group's transaction and return its result once that committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._submit(_Job(work, alone, loop, future))
        return await future

    async def run_batched(self, write: BatchedWrite[A, R], argument: A) -> R:
        """Run ``write`` for ``argument`` with the other callers of ``write`` in the next group; return its outcome
        once that committed."""
        return await self.submit_batched(write, argument)

    def submit_batched(self, write: BatchedWrite[A, R], argument: A) -> asyncio.Future[R]:
        """:meth:`run_batched` without waiting: the write is queued now (after every write submitted before it)
        and the future holds its outcome once its group committed. Call from a running event loop."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._submit(_Job(_unused, None, loop, future, write, argument))
        return future

    def stop(self) -> None:
        """Finish the writes already submitted (and any submitted meanwhile), then stop the writer thread."""
        with self._lock:
            thread = self._thread
            if thread is None:
                return
            self._stopping = True
            self._submitted.notify()
        thread.join()

    def _submit(self, job: _Job[Any]) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._write, name="web-store-group-commit", daemon=True)
                self._thread.start()
            self._outbox.append(job)
            first = len(self._outbox) == 1
        if first:  # an idle writer is woken once the loop has run its ready callbacks
            job.loop.call_soon(self._wake)

    def _wake(self) -> None:
        with self._lock:
            if self._writer_waiting and self._outbox:
                self._submitted.notify()

    def _write(self) -> None:
        while True:
            with self._lock:
                while not self._outbox and not self._stopping:
                    self._writer_waiting = True
                    self._submitted.wait()
                    self._writer_waiting = False
                if not self._outbox:  # stopping, and everything submitted is written
                    self._thread, self._stopping = None, False  # a later write starts another writer
                    return
                group, self._outbox = self._outbox[:MAX_GROUP], self._outbox[MAX_GROUP:]
            self._commit(group)

    def _commit(self, group: list[_Job[Any]]) -> None:
        outcomes: list[tuple[_Job[Any], bool, Any]] = []
        batches: dict[int, list[_Job[Any]]] = {}
        for job in group:
            if job.batch is not None:
                batches.setdefault(id(job.batch), []).append(job)
        try:
            with self._engine.begin() as conn:
                for job in group:
                    if job.batch is None:
                        outcomes.append(_outcome(job, conn))
                    elif (together := batches.pop(id(job.batch), None)) is not None:  # its batch's first job
                        outcomes.extend(_batch_outcomes(job.batch, together, conn))
        except Exception as error:  # noqa: BLE001 - a database error: each job again, alone
            if len(group) > 1:
                log.warning("group write failed; writing one by one",
                            extra={"writes": len(group), "error": type(error).__name__})
            _deliver([self._alone(job) for job in group])
            return
        _deliver(outcomes)

    def _alone(self, job: _Job[Any]) -> tuple[_Job[Any], bool, Any]:
        try:
            if job.batch is not None and job.batch.alone is not None:
                result = job.batch.alone(job.argument)
            elif job.batch is not None:
                with self._engine.begin() as conn:
                    (result,) = job.batch.together(conn, [job.argument])
                if isinstance(result, Exception):
                    raise result
            elif job.alone is not None:
                result = job.alone()
            else:
                with self._engine.begin() as conn:
                    result = job.work(conn)
        except Exception as error:  # noqa: BLE001 - delivered to the caller, who decides
            return job, False, error
        return job, True, result


def _deliver(outcomes: list[tuple[_Job[Any], bool, Any]]) -> None:
    """Settle the callers' futures: one call into each caller's loop for the whole group."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[_Job[Any], bool, Any]]] = {}
    for outcome in outcomes:
        by_loop.setdefault(outcome[0].loop, []).append(outcome)
    for loop, settled in by_loop.items():
        with contextlib.suppress(RuntimeError):  # the loop has closed: its callers are gone
            loop.call_soon_threadsafe(_settle, settled)


def _settle(outcomes: list[tuple[_Job[Any], bool, Any]]) -> None:
    for job, ok, value in outcomes:
        if job.future.done():  # the caller was cancelled; the write stands
            continue
        if ok:
            job.future.set_result(value)
        else:
            job.future.set_exception(value)


def _outcome(job: _Job[R], conn: Connection) -> tuple[_Job[R], bool, Any]:
    try:
        return job, True, job.work(conn)
    except SQLAlchemyError:
        raise
    except Exception as error:  # noqa: BLE001 - the job's own refusal goes back to its caller
        return job, False, error


def _batch_outcomes(write: BatchedWrite[Any, R], jobs: list[_Job[R]], conn: Connection,
                    ) -> list[tuple[_Job[R], bool, Any]]:
    results = write.together(conn, [job.argument for job in jobs])
    if len(results) != len(jobs):
        raise RuntimeError(f"a batched write gave {len(results)} outcomes for {len(jobs)} writes")
    return [(job, not isinstance(result, Exception), result) for job, result in zip(jobs, results, strict=True)]


def _unused(_conn: Connection) -> Any:
    raise AssertionError("a batched job runs through its BatchedWrite")
