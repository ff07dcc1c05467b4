"""What the current rules say a notification should have written, per account."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from adapters.sql.history import AccountRecord
from schemas.events import AccountChange, ChargeLine, Instalment


@dataclass(frozen=True)
class ExpectedRows:
    """The charge lines and instalments one account gets from one notification under the current rules."""

    account_ref: str
    charges: tuple[ChargeLine, ...]
    instalments: tuple[Instalment, ...]


def expected_rows(change: AccountChange, accounts: Sequence[AccountRecord]) -> dict[str, ExpectedRows]:
    """Per account ref: the rows the change writes. An opening is matched to the account the notification
    opened at that property; one with no such account is keyed ``new@<uprn>``."""
    found: dict[str, ExpectedRows] = {}

    def add(ref: str, charges: tuple[ChargeLine, ...], instalments: tuple[Instalment, ...]) -> None:
        before = found.get(ref)
        if before is not None:
            charges, instalments = before.charges + charges, before.instalments + instalments
        found[ref] = ExpectedRows(ref, charges, instalments)

    for ending in change.endings:
        add(ending.account_ref, ending.charges, ending.instalments)
    for amendment in change.amendments:
        if amendment.first_recharged_year is not None or amendment.replanned_year is not None:
            add(amendment.account_ref, amendment.charges, amendment.instalments)
    for opening in change.openings:
        opened = [a.account_ref for a in accounts
                  if a.uprn == opening.uprn and a.opened_by_notification == change.notification_id]
        add(opened[0] if opened else f"new@{opening.uprn}", opening.charges, opening.instalments)
    return found
