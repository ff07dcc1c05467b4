"""Each account's bill re-derived under the current rules and compared with the bill the revenues system holds now.

The per-notification comparison (``rerun``) assesses each notification on the facts rebuilt from the rows earlier
notifications wrote, so it sees what one notification wrote wrongly, but not what it *left* wrong: a revised plan
that kept the missed instalments live beside a new plan of the year's balance (demanding them twice), or a change
into an earlier year that sent no revised demand for it. Here the notifications applied since the period began
are assessed one after another on a scratch ledger the current rules keep (each account as the previous
notification left it under those rules, with the payments the back office had recorded by then), and each
account's bill per financial year at the end (the charge, the instalments still demanded, the balance or credit)
is compared with the one the revenues system holds: the accounts whose final bills or plans the old code got
wrong, with the money difference per account. No I/O here.

The scratch ledger starts, at each property, from the facts rebuilt for the first notification there
(``facts.validated_as_then``, with its approximations); from then on it holds only what the current rules give.
An account a notification that cannot be re-assessed touched (not on the submitted topic any more, or one the
current rules send to review) is not compared: a person decided it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from adapters.revenues_port import replanned_years, superseded_from_day
from adapters.sql.history import AppliedRecord
from ctax.replay.facts import validated_as_then
from ctax.replay.recorded import Recorded
from processors.rules.assessment import assess
from processors.rules.council import CouncilRules
from processors.rules.kinds.table import rules_for
from processors.rules.review import NeedsReview
from schemas.events import (
    AccountAmendment,
    AccountChange,
    ChargeLine,
    EndedAccount,
    LiabilityEnding,
    LiabilityOpening,
    OpenAccount,
    Payment,
    PropertyFacts,
    StageTimings,
    ValidatedNotification,
)
from schemas.financial_year import FinancialYear, financial_year_of
from schemas.notification import ChangeNotification

Held = OpenAccount | EndedAccount


@dataclass(frozen=True)
class YearCheck:
    """One financial year of an account: as the revenues system holds it, and as the current rules re-derive it."""

    financial_year: int
    paid_pence: int
    charge_held_pence: int
    charge_rederived_pence: int
    demanded_held_pence: int  # the instalments still demanded (paid or not)
    demanded_rederived_pence: int
    repeated_numbers: tuple[int, ...] = ()  # instalment numbers the held year demands more than once

    @property
    def label(self) -> str:
        return FinancialYear(self.financial_year).label

    @property
    def charge_difference_pence(self) -> int:
        """Re-derived less held: negative, the held bill charges too much."""
        return self.charge_rederived_pence - self.charge_held_pence

    @property
    def demanded_difference_pence(self) -> int:
        """Re-derived less held: negative, the held plan demands too much (e.g. arrears demanded twice)."""
        return self.demanded_rederived_pence - self.demanded_held_pence

    @property
    def wrong(self) -> bool:
        return bool(self.charge_difference_pence or self.demanded_difference_pence or self.repeated_numbers)


@dataclass(frozen=True)
class AccountBillCheck:
    """An account whose bill the revenues system holds differs from the one the current rules re-derive."""

    account_ref: str
    closed: bool
    years: tuple[YearCheck, ...]  # only the years that differ

    @property
    def charge_difference_pence(self) -> int:
        return sum(y.charge_difference_pence for y in self.years)

    @property
    def demanded_difference_pence(self) -> int:
        return sum(y.demanded_difference_pence for y in self.years)

    @property
    def first_year(self) -> int:
        return min(y.financial_year for y in self.years)


@dataclass(frozen=True)
class BillCheck:
    """The accounts billed wrong, and those not compared because a notification on them could not be re-assessed."""

    wrong: tuple[AccountBillCheck, ...]
    compared: int
    not_compared: tuple[str, ...]


class ScratchLedger:
    """The register facts as the current rules leave them, notification after notification (no back office)."""

    def __init__(self, recorded: Recorded) -> None:
        self._recorded = recorded
        self.facts: dict[str, PropertyFacts] = {}
        self.accounts: dict[str, Held] = {}

    def facts_for(self, notification: ChangeNotification, record: AppliedRecord) -> ValidatedNotification:
        """The facts the notification is assessed on: the scratch ledger's, started from the rebuilt ones."""
        rebuilt = {f.uprn: f for f in validated_as_then(notification, record, self._recorded).properties}
        for uprn, facts in rebuilt.items():
            if uprn not in self.facts:
                self.facts[uprn] = facts
                for held in (facts.open_account, facts.last_ended_account):
                    if held is not None:
                        self.accounts.setdefault(held.account_ref, held)
        paid_before = record.applied_at.date()
        properties = tuple(self._as_then(self.facts[uprn], notification, paid_before) for uprn in rebuilt)
        return ValidatedNotification(notification=notification, properties=properties, timings=StageTimings(
            submitted_at=notification.submitted_at, validated_at=record.applied_at))

    def _as_then(self, facts: PropertyFacts, notification: ChangeNotification, paid_before: date) -> PropertyFacts:
        """With the payments the back office had recorded before the notification was applied."""
        def paid(held: Held) -> tuple[Payment, ...]:
            return tuple(Payment(financial_year=p.financial_year, paid_on=p.paid_on, amount_pence=p.amount_pence)
                         for p in self._recorded.payments_of(held.account_ref) if p.paid_on < paid_before)
        open_account = facts.open_account
        if open_account is not None:
            open_account = rules_for(notification.change.kind).account_as_replayed(
                notification.change, open_account.model_copy(update={"payments": paid(open_account)}))
        ended = facts.last_ended_account
        if ended is not None:
            ended = ended.model_copy(update={"payments": paid(ended)})
        return facts.model_copy(update={"open_account": open_account, "last_ended_account": ended})

    def apply(self, change: AccountChange) -> None:
        """What applying the change does to the accounts (as a back office does: ``adapters/README.md``)."""
        for amendment in change.amendments:
            self._amend(change, amendment)
        for ending in change.endings:
            self._end(change, ending)
        for opening in change.openings:
            self._open(change, opening)

    def _amend(self, change: AccountChange, amendment: AccountAmendment) -> None:
        facts = self.facts[amendment.uprn]
        account = facts.open_account
        if account is None or account.account_ref != amendment.account_ref:
            return
        charges, instalments = account.charges, account.instalments
        if amendment.first_recharged_year is not None:
            charges = _kept_lines(charges, amendment.first_recharged_year) + amendment.charges
        if amendment.replanned_year is not None:
            since, years = superseded_from_day(change, amendment.year_bills), set(replanned_years(amendment))
            instalments = tuple(i for i in instalments if not (i.financial_year in years and i.due_date >= since)) \
                + amendment.instalments
        amended = account.model_copy(update={
            "discount_code": amendment.discount_code, "discount_percent": amendment.discount_percent,
            "twelve_instalments": amendment.twelve_instalments, "payment_day": amendment.payment_day,
            "charges": charges, "instalments": instalments,
            **({"liable_persons": amendment.liable_persons} if amendment.replaces_liable_persons else {})})
        self.facts[amendment.uprn] = facts.model_copy(update={"open_account": amended})
        self.accounts[amended.account_ref] = amended

    def _end(self, change: AccountChange, ending: LiabilityEnding) -> None:
        facts = self.facts[ending.uprn]
        account = self.accounts.get(ending.account_ref)
        if account is None:
            return
        first = financial_year_of(ending.liability_end).start_year
        since = superseded_from_day(change, ending.year_bills)
        ended = EndedAccount(
            account_ref=account.account_ref, liability_start=account.liability_start,
            liability_end=ending.liability_end, discount_code=account.discount_code,
            discount_percent=account.discount_percent, ended_by_reference=change.reference,
            twelve_instalments=account.twelve_instalments, payment_day=account.payment_day,
            charges=_kept_lines(account.charges, first) + ending.charges, payments=account.payments,
            instalments=tuple(i for i in account.instalments if not (i.financial_year >= first and i.due_date >= since))
            + ending.instalments)
        still_open = facts.open_account if facts.open_account and facts.open_account.account_ref != ended.account_ref \
            else None
        self.facts[ending.uprn] = facts.model_copy(update={"open_account": still_open, "last_ended_account": ended})
        self.accounts[ended.account_ref] = ended

    def _open(self, change: AccountChange, opening: LiabilityOpening) -> None:
        opened = [a.account_ref for a in self._recorded.accounts_at(opening.uprn)
                  if a.opened_by_notification == change.notification_id]
        account = OpenAccount(
            account_ref=opened[0] if opened else f"new@{opening.uprn}", liability_start=opening.liability_start,
            discount_code=opening.discount_code, discount_percent=opening.discount_percent,
            liable_persons=opening.liable_persons, charges=opening.charges, instalments=opening.instalments,
            twelve_instalments=opening.twelve_instalments, payment_day=opening.payment_day)
        facts = self.facts.get(opening.uprn)
        if facts is not None:
            self.facts[opening.uprn] = facts.model_copy(update={"open_account": account})
        self.accounts[account.account_ref] = account


def _kept_lines(lines: Iterable[ChargeLine], first_year: int) -> tuple[ChargeLine, ...]:
    return tuple(c for c in lines if c.financial_year < first_year)


def check_bills(notifications: Mapping[str, ChangeNotification], recorded: Recorded, rules: CouncilRules,
                assessed_at: datetime) -> BillCheck:
    """Re-derive every account the notifications applied since the period began touched, and list those whose
    held bill differs (``recorded.applied``: the period's notifications and everything since, oldest first)."""
    ledger = ScratchLedger(recorded)
    not_compared: set[str] = set()
    for record in recorded.applied:
        notification = notifications.get(record.notification_id)
        outcome = None if notification is None else assess(ledger.facts_for(notification, record), rules,
                                                             assessed_at)
        if notification is None or isinstance(outcome, NeedsReview) or outcome is None:
            not_compared.update(record.account_refs)
            continue
        ledger.apply(outcome)
    compared = [ref for ref in ledger.accounts if ref not in not_compared and ref in recorded.account_by_ref]
    wrong = [found for ref in sorted(compared) if (found := _compare(ledger.accounts[ref], recorded)) is not None]
    return BillCheck(tuple(wrong), len(compared), tuple(sorted(not_compared)))


def _compare(rederived: Held, recorded: Recorded) -> AccountBillCheck | None:
    ref = rederived.account_ref
    held_charges = [c for c in recorded.charges_of(ref) if not c.superseded]
    held_instalments = [i for i in recorded.instalments_of(ref) if not i.superseded]
    years = sorted({c.financial_year for c in held_charges} | {c.financial_year for c in rederived.charges}
                   | {i.financial_year for i in held_instalments} | {i.financial_year for i in rederived.instalments})
    checks = [YearCheck(
        financial_year=year,
        paid_pence=sum(p.amount_pence for p in recorded.payments_of(ref) if p.financial_year == year),
        charge_held_pence=sum(c.charge_pence for c in held_charges if c.financial_year == year),
        charge_rederived_pence=sum(c.charge_pence for c in rederived.charges if c.financial_year == year),
        demanded_held_pence=sum(i.amount_pence for i in held_instalments if i.financial_year == year),
        demanded_rederived_pence=sum(i.amount_pence for i in rederived.instalments if i.financial_year == year),
        repeated_numbers=_repeated([i.sequence for i in held_instalments if i.financial_year == year]),
    ) for year in years]
    differing = tuple(check for check in checks if check.wrong)
    if not differing:
        return None
    account = recorded.account_by_ref[ref]
    return AccountBillCheck(ref, closed=account.liability_end is not None, years=differing)


def _repeated(numbers: Sequence[int]) -> tuple[int, ...]:
    return tuple(sorted({n for n in numbers if numbers.count(n) > 1}))
