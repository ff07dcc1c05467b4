"""What the revenues system recorded, gathered once for a replay: the period's applied notifications and
everything since, and the properties, accounts and rows they touched."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from adapters.sql.history import (
    AccountRecord,
    AppliedRecord,
    PropertyRecord,
    RecordedPayment,
    WrittenCharge,
    WrittenInstalment,
)


@dataclass(frozen=True)
class Recorded:
    """The revenues system's records a replay works from (read once, then only looked at)."""

    applied: Sequence[AppliedRecord]  # from the start of the period to now, oldest first
    properties: dict[str, PropertyRecord] = field(default_factory=dict)
    accounts: Sequence[AccountRecord] = ()
    charges: Sequence[WrittenCharge] = ()  # in the order they were written
    instalments: Sequence[WrittenInstalment] = ()
    payments: Sequence[RecordedPayment] = ()

    @cached_property
    def order(self) -> dict[str, int]:
        """Each notification's place in the order of applying."""
        return {record.notification_id: place for place, record in enumerate(self.applied)}

    @cached_property
    def account_by_ref(self) -> dict[str, AccountRecord]:
        return {account.account_ref: account for account in self.accounts}

    def applied_before(self, writer: str | None, notification_id: str) -> bool:
        """Whether ``writer`` was applied before the notification (None, or one before the period: yes)."""
        if writer is None or writer not in self.order:
            return True
        return self.order[writer] < self.order[notification_id]

    @cached_property
    def _accounts_by_uprn(self) -> dict[str, list[AccountRecord]]:
        found: dict[str, list[AccountRecord]] = {}
        for account in self.accounts:
            found.setdefault(account.uprn, []).append(account)
        return found

    def accounts_at(self, uprn: str) -> list[AccountRecord]:
        return self._accounts_by_uprn.get(uprn, [])

    @cached_property
    def _touchers_by_ref(self) -> dict[str, list[AppliedRecord]]:
        found: dict[str, list[AppliedRecord]] = {}
        for record in self.applied:
            for ref in record.account_refs:
                found.setdefault(ref, []).append(record)
        return found

    @cached_property
    def _charges_by_ref(self) -> dict[str, list[WrittenCharge]]:
        found: dict[str, list[WrittenCharge]] = {}
        for row in self.charges:
            found.setdefault(row.account_ref, []).append(row)
        return found

    @cached_property
    def _instalments_by_ref(self) -> dict[str, list[WrittenInstalment]]:
        found: dict[str, list[WrittenInstalment]] = {}
        for row in self.instalments:
            found.setdefault(row.account_ref, []).append(row)
        return found

    def touchers(self, account_ref: str) -> list[AppliedRecord]:
        """The notifications (from the period's start) that touched an account, oldest first."""
        return self._touchers_by_ref.get(account_ref, [])

    def charges_of(self, account_ref: str) -> list[WrittenCharge]:
        """Every charge row of an account, in the order written."""
        return self._charges_by_ref.get(account_ref, [])

    def charges_written_by(self, notification_id: str, account_ref: str) -> list[WrittenCharge]:
        return [c for c in self.charges_of(account_ref) if c.notification_id == notification_id]

    def instalments_of(self, account_ref: str) -> list[WrittenInstalment]:
        """Every instalment row of an account, in the order written."""
        return self._instalments_by_ref.get(account_ref, [])

    def payments_of(self, account_ref: str) -> list[RecordedPayment]:
        return [p for p in self.payments if p.account_ref == account_ref]

    def instalments_written_by(self, notification_id: str, account_ref: str) -> list[WrittenInstalment]:
        return [i for i in self._instalments_by_ref.get(account_ref, []) if i.notification_id == notification_id]
