"""Changes touching the same notification, property or account are never in flight together in one worker.

A worker's agents can hold the same notification at once (a parked copy retried while the source topic
delivers it again after a restart), and the back office has no idempotency key: two looks before writing,
side by side, would both find nothing and both write. Holding the change's keys makes the second wait, and
it looks again once the first is done. A look made before the keys are held (one look for a whole batch) is
taken with a ``mark``: holding the keys then also tells whether another holder let any of them go since the
mark, so what it made is looked at again too.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

REMEMBERED_KEYS = 50_000  # keys remembered as let go; past this the memory starts again, and older marks look again


@dataclass(frozen=True, eq=False)
class Mark:
    """A moment (how many times keys had been let go), and the holder that made the look: compared by identity."""

    let_go: int


class KeyedLocks:
    def __init__(self) -> None:
        self._held: set[str] = set()
        self._changed = threading.Condition()
        self._let_go_count = 0
        self._let_go: dict[str, tuple[int, Mark | None]] = {}  # key -> (when it was last let go, by whom)
        self._remembered_since = 0

    def mark(self) -> Mark:
        """Now, for a look made before the keys are held; pass it to ``holding``."""
        with self._changed:
            return Mark(self._let_go_count)

    @contextmanager
    def holding(self, keys: Collection[str], mark: Mark | None = None) -> Iterator[bool]:
        """Hold every key (waiting while any is held elsewhere). Yields whether another holder may have changed
        what they name since the look: it had to wait, or (given the look's ``mark``) another holder let one of
        them go after it."""
        wanted = set(keys)
        with self._changed:
            touched = False
            while wanted & self._held:
                touched = True
                self._changed.wait()
            self._held |= wanted
            touched = touched or (mark is not None and self._let_go_since(wanted, mark))
        try:
            yield touched
        finally:
            with self._changed:
                self._held -= wanted
                self._let_go_count += 1
                if len(self._let_go) >= REMEMBERED_KEYS:
                    self._let_go.clear()
                    self._remembered_since = self._let_go_count
                for key in wanted:
                    self._let_go[key] = (self._let_go_count, mark)
                self._changed.notify_all()

    def _let_go_since(self, keys: set[str], mark: Mark) -> bool:
        if mark.let_go < self._remembered_since:
            return True  # forgotten: anything may have been let go since
        return any((last := self._let_go.get(key)) is not None and last[0] > mark.let_go and last[1] is not mark
                   for key in keys)
