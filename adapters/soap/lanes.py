"""Which changes of a batch may be in flight together: those touching different properties and accounts.

Changes that share a property, an account or a notification go in one lane, in batch order, so each still
sees the back office as the change before it left it; lanes are independent and run side by side.
"""

from __future__ import annotations

from collections.abc import Sequence

from schemas.events import AccountChange


def change_keys(change: AccountChange) -> list[str]:
    """What a change touches: its properties, the accounts it names and its notification."""
    keys = [f"uprn:{a.uprn}" for a in change.amendments] + [f"uprn:{e.uprn}" for e in change.endings]
    keys += [f"uprn:{o.uprn}" for o in change.openings]
    keys += [f"account:{a.account_ref}" for a in change.amendments]
    keys += [f"account:{e.account_ref}" for e in change.endings]
    keys += [f"account:{d.account_ref}" for d in change.refund_decisions]
    return [*keys, f"id:{change.notification_id}"]


def lanes(changes: Sequence[AccountChange]) -> list[list[int]]:
    """The batch's positions grouped into lanes (each in batch order); lanes share nothing a change touches."""
    parent = list(range(len(changes)))

    def root(position: int) -> int:
        while parent[position] != position:
            parent[position] = parent[parent[position]]
            position = parent[position]
        return position

    first_holder: dict[str, int] = {}
    for position, change in enumerate(changes):
        for key in change_keys(change):
            holder = first_holder.setdefault(key, position)
            parent[root(position)] = root(holder)
    grouped: dict[int, list[int]] = {}
    for position in range(len(changes)):
        grouped.setdefault(root(position), []).append(position)
    return sorted(grouped.values(), key=lambda lane: lane[0])
