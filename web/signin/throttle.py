"""Login throttling: after repeated failures for one username or from one address, refuse for a while.

:class:`LoginThrottle` counts in the web process's memory (a sliding window): right for SQLite, where one
process serves. With a PostgreSQL web store every process shares one count instead
(:class:`web.stores.signin_failures.SharedLoginThrottle`, chosen by ``StaffShell.open``), so several
replicas, or a restart, do not multiply or reset the limit. Both satisfy :class:`SignInThrottle`.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from web.in_thread import in_thread


class SignInThrottle(Protocol):
    blocking: bool  # True: the calls do I/O and are made in a worker thread; False: on the event loop

    def retry_after(self, username: str, address: str) -> float | None:
        """Seconds to wait before trying again, or None if a sign-in attempt may go ahead."""

    def failed(self, username: str, address: str) -> None:
        """Count a failed sign-in for the username and the address."""

    def succeeded(self, username: str) -> None:
        """Forget the username's failures."""


async def throttle_call(throttle: SignInThrottle, call: Callable[..., Any], *args: Any) -> Any:
    """Run one of the throttle's methods: in a worker thread if it does I/O, else right here."""
    return await in_thread(call, *args) if throttle.blocking else call(*args)


@dataclass
class LoginThrottle:
    blocking = False  # plain dicts, touched only from the event loop (not a dataclass field: no annotation)
    per_username: int = 5
    per_address: int = 30
    window_seconds: float = 15 * 60
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque[float]] = field(default_factory=dict)

    def retry_after(self, username: str, address: str) -> float | None:
        """Seconds to wait before trying again, or None if a sign-in attempt may go ahead."""
        waits = [self._wait(f"user:{username.casefold()}", self.per_username),
                 self._wait(f"addr:{address}", self.per_address)]
        return max((w for w in waits if w is not None), default=None)

    def failed(self, username: str, address: str) -> None:
        now = self.clock()
        for key in (f"user:{username.casefold()}", f"addr:{address}"):
            self._failures.setdefault(key, deque()).append(now)
        if len(self._failures) > 10_000:  # bound memory under a spray of made-up usernames
            self._forget_old(now)

    def succeeded(self, username: str) -> None:
        self._failures.pop(f"user:{username.casefold()}", None)

    def _wait(self, key: str, limit: int) -> float | None:
        times = self._failures.get(key)
        if not times:
            return None
        now = self.clock()
        while times and now - times[0] > self.window_seconds:
            times.popleft()
        if len(times) < limit:
            return None
        return max(1.0, self.window_seconds - (now - times[0]))

    def _forget_old(self, now: float) -> None:
        for key in [k for k, v in self._failures.items() if not v or now - v[-1] > self.window_seconds]:
            del self._failures[key]
