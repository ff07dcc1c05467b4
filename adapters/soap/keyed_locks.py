"""Changes touching the same notification, property or account are never in flight together in one worker.

A worker's agents can hold the same notification at once (a parked copy retried while the source topic
delivers it again after a restart), and the back office has no idempotency key: two looks before writing,
side by side, would both find nothing and both write. Holding the change's keys makes the second wait, and
it looks again once the first is done.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager


class KeyedLocks:
    def __init__(self) -> None:
        self._held: set[str] = set()
        self._changed = threading.Condition()

    @contextmanager
    def holding(self, keys: Collection[str]) -> Iterator[bool]:
        """Hold every key (waiting while any is held elsewhere); yields whether it had to wait."""
        wanted = set(keys)
        waited = False
        with self._changed:
            while wanted & self._held:
                waited = True
                self._changed.wait()
            self._held |= wanted
        try:
            yield waited
        finally:
            with self._changed:
                self._held -= wanted
                self._changed.notify_all()
