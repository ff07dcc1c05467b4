"""What validate's looks have just read, handed to the read that follows them on the same thread.

The validate step asks which notifications were applied already (``ListNotesByReference`` of their ids) and
which changes were made already (that look reads the account summaries at the notifications' properties, and
the open and last ended account at each whole, for their notes), then for the properties' facts (which need
the same summaries and accounts); the apply then needs which steps of each notification are made (the first
look again). Each later read takes what the earlier one got, once, when it comes next on the same thread and
within ``max_age_seconds``; otherwise it asks the service. Against a service answering in 100 ms a call this
saves a round of calls per batch and a call per occupied property. The summaries and accounts of one property
come from the same look; the apply still checks every account it touches before it writes, and looks again
for the steps of a change another call of the worker held since the look (``keyed_locks``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from adapters.soap.keyed_locks import Mark
from adapters.soap.step_notes import StepNote
from schemas.events import AccountChange

T = TypeVar("T")


@dataclass(frozen=True)
class AccountsLook:
    """The account summaries at ``uprns``, and the accounts among them read whole, by account number."""

    uprns: frozenset[str] = frozenset()
    summaries: tuple[Any, ...] = ()
    accounts: Mapping[str, Any] = field(default_factory=dict)

    def summaries_at(self, uprns: Collection[str]) -> list[Any]:
        wanted = set(uprns)
        return [s for s in self.summaries if s.Uprn in wanted]


@dataclass(frozen=True)
class StepsLook:
    """The steps made of each of ``notification_ids`` (those with none are absent), and the plans kept, looked up
    after ``mark``."""

    mark: Mark
    notification_ids: frozenset[str]
    steps: dict[str, dict[str, StepNote]]
    plans: dict[str, AccountChange] = field(default_factory=dict)  # the latest plan kept of each (change_plans)


class JustRead(Generic[T]):
    def __init__(self, max_age_seconds: float = 1.0) -> None:
        self._max_age = max_age_seconds
        self._local = threading.local()

    def keep(self, look: T) -> None:
        self._local.kept = (time.monotonic(), look)

    def peek(self) -> T | None:
        """This thread's last look, if recent enough, left for the read that takes it."""
        kept: tuple[float, T] | None = getattr(self._local, "kept", None)
        if kept is None or time.monotonic() - kept[0] > self._max_age:
            return None
        return kept[1]

    def take(self) -> T | None:
        """This thread's last look, if recent enough; each is given once."""
        look = self.peek()
        self._local.kept = None
        return look
