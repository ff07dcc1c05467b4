"""How the back office misbehaves on purpose: latency, errors, maintenance, and stalling after a commit."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Behaviour:
    """Configured at start-up from ``ctax legacy serve`` options.

    The maintenance window is a flag file: while it exists the back office refuses calls (SOAP) or stops
    importing (files), so a test or an operator can open and close the window at will. Likewise, while the
    stall flag exists every write commits and then stalls past the caller's timeout.
    """

    latency_ms: float = 0.0
    record_latency_ms: float = 0.0  # files: the import job's time per change record (a file takes a while)
    error_rate: float = 0.0
    timeout_after_commit_rate: float = 0.0
    stall_seconds: float = 30.0
    maintenance_flag: Path | None = None
    stall_flag: Path | None = None
    seed: int | None = None
    _random: random.Random = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)  # noqa: S311 - chaos, not security

    def in_maintenance(self) -> bool:
        return self.maintenance_flag is not None and self.maintenance_flag.exists()

    def wait(self) -> None:
        """The configured latency, with +-50% jitter."""
        if self.latency_ms > 0:
            time.sleep(self.latency_ms / 1000 * (0.5 + self._draw()))

    def wait_record(self) -> None:
        if self.record_latency_ms > 0:
            time.sleep(self.record_latency_ms / 1000)

    def fails_now(self) -> bool:
        return self._draw() < self.error_rate

    def stalls_after_commit(self) -> bool:
        if self.stall_flag is not None and self.stall_flag.exists():
            return True
        return self._draw() < self.timeout_after_commit_rate

    def stall(self) -> None:
        time.sleep(self.stall_seconds)

    def _draw(self) -> float:
        with self._lock:
            return self._random.random()
