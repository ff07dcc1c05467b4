"""Re-run a period's applied notifications through the current rules and diff each account: no I/O here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from adapters.sql.history import AppliedRecord
from ctax.replay.diff import AccountDiff, account_diff
from ctax.replay.expected import expected_rows
from ctax.replay.facts import validated_as_then
from ctax.replay.recorded import Recorded
from processors.rules.assessment import assess
from processors.rules.council import CouncilRules
from processors.rules.review import NeedsReview
from schemas.notification import ChangeNotification


@dataclass(frozen=True)
class Period:
    """The days (inclusive) whose applied notifications are replayed."""

    first: date
    last: date

    @property
    def label(self) -> str:
        return f"{self.first.isoformat()}..{self.last.isoformat()}"


@dataclass(frozen=True)
class ReplayedAccount:
    """One account one notification wrote differently from what the current rules give."""

    notification_id: str
    reference: str
    applied_at: datetime
    kind: str
    diff: AccountDiff
    closed: bool  # the account's liability has ended: a Rebill cannot reach it

    @property
    def account_ref(self) -> str:
        return self.diff.account_ref

    @property
    def needs_rebill(self) -> bool:
        return self.diff.correctable and not self.closed


@dataclass(frozen=True)
class NotReplayed:
    notification_id: str
    reference: str
    why: str


@dataclass(frozen=True)
class ReplayResult:
    period: Period
    replayed: int
    accounts: tuple[ReplayedAccount, ...]
    not_replayed: tuple[NotReplayed, ...]


def rerun(applied: Sequence[AppliedRecord], notifications: Mapping[str, ChangeNotification], recorded: Recorded,
          rules: CouncilRules, period: Period, today: date, assessed_at: datetime) -> ReplayResult:
    """Assess every applied notification again as it stood then, and list the accounts whose rows differ."""
    changed: list[ReplayedAccount] = []
    skipped: list[NotReplayed] = []
    for record in applied:
        notification = notifications.get(record.notification_id)
        if notification is None:
            skipped.append(NotReplayed(record.notification_id, record.reference, "not on the submitted topic"))
            continue
        outcome = assess(validated_as_then(notification, record, recorded), rules, assessed_at)
        if isinstance(outcome, NeedsReview):
            codes = ", ".join(reason.code for reason in outcome.reasons)
            skipped.append(NotReplayed(record.notification_id, record.reference,
                                       f"the current rules send it to review ({codes})"))
            continue
        for ref, rows in expected_rows(outcome, recorded.accounts).items():
            diff = account_diff(ref, recorded.charges_written_by(record.notification_id, ref), rows.charges,
                                recorded.instalments_written_by(record.notification_id, ref), rows.instalments,
                                today)
            if diff.changed:
                account = recorded.account_by_ref.get(ref)
                changed.append(ReplayedAccount(record.notification_id, record.reference, record.applied_at,
                                               notification.kind.value, diff,
                                               closed=account is None or account.liability_end is not None))
    return ReplayResult(period, len(applied) - len(skipped), tuple(changed), tuple(skipped))
