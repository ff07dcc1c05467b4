"""Runs the web store's retention purge every so often while the web app runs (each web process may; the
deletes are idempotent)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy import Engine

from web.in_thread import in_thread
from web.stores.retention import StoreRetention, purge_expired

log = logging.getLogger(__name__)


class RetentionSchedule:
    def __init__(self, engine: Engine, retention: StoreRetention | None, interval_seconds: float) -> None:
        self._engine = engine
        self._retention = retention
        self._interval = interval_seconds
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._interval > 0 and self._retention is not None:
            self._task = asyncio.create_task(self._run(self._retention), name="retention-schedule")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self, retention: StoreRetention) -> None:
        while True:
            # The first purge waits one interval: start-up stays quick, and a restart does not purge at once.
            await asyncio.sleep(self._interval)
            try:
                purged = await in_thread(purge_expired, self._engine, retention)
                if any(purged.values()):
                    log.info("retention purge", extra={"purged": purged})
            except Exception as error:  # noqa: BLE001 - the next run tries again; the app keeps serving
                log.warning("retention purge failed", extra={"error": type(error).__name__})
