"""Accounts the duplicate look has just read, handed to the register read that follows it on the same thread.

The validate step asks which changes were made already (that look reads the open accounts at the
notifications' properties whole, for their notes) and then for the properties' facts (which need the same
accounts whole). The second read takes what the first got, once, when it comes next on the same thread and
within ``max_age_seconds``; otherwise it asks the service. Against a service answering in 100 ms a call this
saves a call per occupied property per batch; the accounts are no older than the gap between two reads, and
the apply still checks every account it touches before it writes.
"""

from __future__ import annotations

import threading
import time
from typing import Any


class JustRead:
    def __init__(self, max_age_seconds: float = 1.0) -> None:
        self._max_age = max_age_seconds
        self._local = threading.local()

    def keep(self, accounts: list[Any]) -> None:
        self._local.kept = (time.monotonic(), {a.AccountNumber: a for a in accounts if a is not None})

    def take(self) -> dict[str, Any]:
        """The accounts kept by this thread's last look, if recent enough; each is given once."""
        kept: tuple[float, dict[str, Any]] | None = getattr(self._local, "kept", None)
        self._local.kept = None
        if kept is None or time.monotonic() - kept[0] > self._max_age:
            return {}
        return kept[1]
