"""What the duplicate look has just read, handed to the register read that follows it on the same thread.

The validate step asks which changes were made already (that look reads the account summaries at the
notifications' properties, and the open and last ended account at each whole, for their notes) and then for
the properties' facts (which need the same summaries and accounts). The second read takes what the first got,
once, when it comes next on the same thread and within ``max_age_seconds``; otherwise it asks the service.
Against a service answering in 100 ms a call this saves a round of calls per batch (the summaries) and a call
per occupied property; what is taken is no older than the gap between two reads, the summaries and accounts of
one property come from the same look, and the apply still checks every account it touches before it writes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class AccountsLook:
    """The account summaries at ``uprns``, and the accounts among them read whole, by account number."""

    uprns: frozenset[str] = frozenset()
    summaries: tuple[Any, ...] = ()
    accounts: Mapping[str, Any] = field(default_factory=dict)

    def summaries_at(self, uprns: Collection[str]) -> list[Any]:
        wanted = set(uprns)
        return [s for s in self.summaries if s.Uprn in wanted]


class JustRead:
    def __init__(self, max_age_seconds: float = 1.0) -> None:
        self._max_age = max_age_seconds
        self._local = threading.local()

    def keep(self, look: AccountsLook) -> None:
        self._local.kept = (time.monotonic(), look)

    def take(self) -> AccountsLook:
        """This thread's last look, if recent enough (else an empty one); each is given once."""
        kept: tuple[float, AccountsLook] | None = getattr(self._local, "kept", None)
        self._local.kept = None
        if kept is None or time.monotonic() - kept[0] > self._max_age:
            return AccountsLook()
        return kept[1]
