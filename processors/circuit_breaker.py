"""A circuit breaker in front of the legacy revenues system, so a system that is down is not hammered.

Closed: calls go through. After ``failure_threshold`` consecutive failures it opens for ``open_seconds``;
then it is half-open and lets one trial call through: success closes it, failure opens it again (for
twice as long, up to ``max_open_seconds``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass
class CircuitBreaker:
    failure_threshold: int = 5
    open_seconds: float = 2.0
    max_open_seconds: float = 30.0
    clock: Callable[[], float] = time.monotonic
    _failures: int = 0
    _opened_at: float | None = None
    _current_open: float = field(default=0.0)
    _trial_in_flight: bool = False

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self.clock() - self._opened_at >= self._current_open:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def seconds_until_trial(self) -> float:
        """How long until a call may be tried (0 when one may be tried now)."""
        if self._opened_at is None:
            return 0.0
        return max(0.0, self._opened_at + self._current_open - self.clock())

    def allow(self) -> bool:
        """Whether a call may go through now; in half-open state only one trial at a time."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and not self._trial_in_flight:
            self._trial_in_flight = True
            return True
        return False

    def record_success(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._current_open = 0.0
        self._trial_in_flight = False

    def record_failure(self) -> None:
        self._failures += 1
        was_trial = self._trial_in_flight
        self._trial_in_flight = False
        if was_trial:
            self._current_open = min(max(self._current_open * 2, self.open_seconds), self.max_open_seconds)
            self._opened_at = self.clock()
        elif self._opened_at is None and self._failures >= self.failure_threshold:
            self._current_open = self.open_seconds
            self._opened_at = self.clock()
