"""The port every legacy revenues system adapter implements, and the records that cross it."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from schemas.events import AccountAmendment, AccountChange, DecidedRefund, PropertyFacts, YearBill, refund_id

PROCESSOR_AUTHOR = "ctax-processor"


class RevenuesError(Exception):
    """Base of the errors an adapter raises; the message is for a revenues officer or an operator."""


class StaleAccountError(RevenuesError):
    """The account no longer looks the way it did when the change was assessed; a person must look."""


class RevenuesUnavailableError(RevenuesError):
    """The legacy system could not be reached or timed out; trying again later may work."""


class RefusedChangeError(RevenuesError):
    """The back office refused the change for a reason of its own (the message); a person must look.

    ``code`` is the back office's own refusal code (e.g. ``NAME_TOO_LONG``), kept for the review queue.
    """

    def __init__(self, message: str, code: str = "REFUSED") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class RegisterProperty:
    """A dwelling in the council's property register."""

    uprn: str
    property_ref: str
    address_line_1: str
    address_line_2: str | None
    town: str
    postcode: str
    band: str
    owner_name: str | None = None  # liable while no one lives there (LGFA 1992 s.6(2)(f)); None: not known
    furnished: bool = False  # empty and furnished: a second home (s.11C premium)
    premium_exception: str | None = None  # a statutory exception class from the premiums (E to M)
    premium_exception_from: date | None = None  # the day it began


@dataclass(frozen=True)
class ChargeRow:
    financial_year: int
    period_start: date
    period_end: date
    days: int
    band: str
    annual_charge_pence: int
    discount_code: str | None
    discount_percent: int
    charge_pence: int


@dataclass(frozen=True)
class InstalmentRow:
    financial_year: int
    sequence: int
    due_date: date
    amount_pence: int


@dataclass(frozen=True)
class PaymentRow:
    """A payment the back office recorded towards one financial year of an account."""

    financial_year: int
    paid_on: date
    amount_pence: int


class RefundDecision(StrEnum):
    """An officer's decision on a refund held for approval."""

    APPROVED = "approved"  # released: posted as a negative payment towards its year
    REJECTED = "rejected"  # not paid: the credit stays on the account


@dataclass(frozen=True)
class RefundRow:
    """A refund of a final bill's credit the back office holds: to the account shown masked, or held for approval
    (until an officer decides it). Its id in every back office: the account and the year (``refund_id``)."""

    financial_year: int
    amount_pence: int
    masked_bank_account: str
    held_for_approval: bool
    instructed_on: date
    decision: RefundDecision | None = None  # held refunds only, once an officer decided
    decided_on: date | None = None

    @property
    def awaiting_approval(self) -> bool:
        return self.held_for_approval and self.decision is None

    @property
    def paid(self) -> bool:
        return not self.held_for_approval or self.decision is RefundDecision.APPROVED


@dataclass(frozen=True)
class HeldRefund:
    """A refund held for approval and not yet decided. ``notification_id``: the notification whose final bill
    instructed it (the case an officer may have corrected)."""

    account_ref: str
    financial_year: int
    amount_pence: int
    masked_bank_account: str
    instructed_on: date
    notification_id: str
    uprn: str
    address_line_1: str
    town: str
    postcode: str

    @property
    def refund_id(self) -> str:
        return refund_id(self.account_ref, self.financial_year)


def refund_decision_refusal(refund: RefundRow | None, decided: DecidedRefund) -> RefusedChangeError | None:
    """Why the back office refuses a decision on a refund (none held for approval; decided the other way), or None
    when it may be applied. A refund already decided the same way is applied already: the caller leaves it."""
    if refund is None or not refund.held_for_approval:
        return RefusedChangeError(f"Account {decided.account_ref} has no refund for {decided.financial_year} held "
                                  "for approval", "NO_HELD_REFUND")
    wanted = RefundDecision.APPROVED if decided.approved else RefundDecision.REJECTED
    if refund.decision is not None and refund.decision is not wanted:
        return RefusedChangeError(f"The refund {decided.refund_id} was already {refund.decision.value}",
                                  "REFUND_ALREADY_DECIDED")
    return None


@dataclass(frozen=True)
class AuditNote:
    noted_at: datetime
    author: str
    notification_id: str | None
    note: str


@dataclass(frozen=True)
class ExistingAccount:
    """An account to seed: a liability already open before our system started."""

    account_ref: str
    uprn: str
    liability_start: date
    liable_persons: tuple[str, ...]
    discount_code: str | None
    discount_percent: int
    charges: tuple[ChargeRow, ...] = ()
    instalments: tuple[InstalmentRow, ...] = ()
    twelve_instalments: bool = False
    payment_day: int | None = None
    payments: tuple[PaymentRow, ...] = ()
    unoccupied_since: date | None = None  # an owner's liability for the dwelling empty since this day


@dataclass(frozen=True)
class AccountView:
    """An account as the legacy system holds it now: current charges, the instalments still demanded, every payment.

    ``superseded_instalments``: the instalments a revised demand (or a final bill) replaced, as the back office
    keeps them, for the staff account page; the rules never read them.
    """

    account_ref: str
    uprn: str
    liability_start: date
    liability_end: date | None
    liable_persons: tuple[str, ...]
    discount_code: str | None
    discount_percent: int
    charges: tuple[ChargeRow, ...] = ()
    instalments: tuple[InstalmentRow, ...] = ()
    audit_notes: tuple[AuditNote, ...] = field(default=())
    twelve_instalments: bool = False
    payment_day: int | None = None
    payments: tuple[PaymentRow, ...] = ()
    refunds: tuple[RefundRow, ...] = ()  # refunds of its final bill's credit
    superseded_instalments: tuple[InstalmentRow, ...] = ()
    unoccupied_since: date | None = None  # an owner's liability for the dwelling empty since this day

    @property
    def is_open(self) -> bool:
        return self.liability_end is None


@dataclass(frozen=True)
class AppliedChange:
    """What applying a notification did: the accounts it touched, and whether this call did it."""

    notification_id: str
    reference: str
    account_refs: tuple[str, ...]
    applied_at: datetime
    newly_applied: bool


def superseded_from_day(change: AccountChange, year_bills: Sequence[YearBill]) -> date:
    """The day from which a change supersedes the instalments still demanded of the years it re-bills.

    The rules name it with each year's bill (the first instalment the payments do not cover: arrears are folded
    into the revised plan); a change assessed before they did supersedes those due from its notice date.
    """
    named = [bill.instalments_from for bill in year_bills if bill.instalments_from is not None]
    return min(named) if named else change.notice_date


def replanned_years(amendment: AccountAmendment) -> tuple[int, ...]:
    """The financial years whose instalments an amendment supersedes: every year it re-bills (each year's demand
    stands alone); an amendment assessed before each year's bill travelled with it names one year, or none."""
    years = {bill.financial_year for bill in amendment.year_bills}
    if not years and amendment.replanned_year is not None:
        years = {amendment.replanned_year}
    return tuple(sorted(years))


ApplyResult = AppliedChange | StaleAccountError | RefusedChangeError
"""What happened to one change of a batch: applied (now or earlier), stale, or refused by the back office."""


class RevenuesSystem(Protocol):
    """What the processors need from a council's revenues system.

    Every read and write takes a batch (one notification is a batch of one), so an adapter answers a whole
    batch with as few round trips as its back office allows.
    """

    def properties_by_postcode(self, postcode: str) -> list[RegisterProperty]:
        """Return the register's properties at a normalised postcode (``ZY1 5AB``), in address order."""

    def property_facts_many(self, uprns: Collection[str]) -> dict[str, PropertyFacts]:
        """The register entry and any open account of each UPRN; UPRNs not in the register are left out."""

    def applied_many(self, notification_ids: Collection[str]) -> dict[str, AppliedChange]:
        """What earlier applies of these notifications did; those never applied are left out.

        Applying is idempotent by notification id: this is how a redelivered notification is recognised.
        """

    def begun_many(self, notification_ids: Collection[str]) -> dict[str, AccountChange]:
        """Of these notifications not applied, those whose apply began and did not finish, each with its change
        as it was assessed then; the rest are left out.

        A back office that takes a change in several calls can be left holding part of one (the worker killed
        between them). Such a notification is finished from this change, never assessed again against a register
        that holds part of it. An adapter whose apply is all or nothing has none.
        """

    def applied_with_fingerprints(self, fingerprints: Collection[str],
                                  uprns: Collection[str] = ()) -> dict[str, AppliedChange]:
        """For each of these change fingerprints already applied, one notification that applied it.

        ``uprns``: the properties these changes concern. An adapter whose record of a fingerprint can go
        missing (a marker written after the change) looks there for what the change did; adapters that record
        the fingerprint with the change itself need not.
        """

    def apply_account_changes(
        self, changes: Sequence[AccountChange], applied_at: datetime
    ) -> list[ApplyResult]:
        """Apply many changes in order, in one transaction where the system allows.

        Each result is what happened to the change at that position: applied (now or earlier), a
        StaleAccountError (nothing of that change written) when its accounts changed since assessment,
        including by an earlier change in the same batch, or a RefusedChangeError when the back office
        refused it for a reason of its own. RevenuesUnavailableError is raised when the back office cannot
        say (down, timed out, results not back yet): the caller retries the whole batch later.
        """

    def account(self, account_ref: str) -> AccountView | None:
        """Return an account with its current charges, instalments and audit notes."""

    def accounts_at(self, uprn: str) -> list[AccountView]:
        """Return every account at a property, newest first."""


class PropertyRegister(Protocol):
    """The part of the revenues system the address finder reads."""

    def properties_by_postcode(self, postcode: str) -> list[RegisterProperty]:
        """Return the register's properties at a normalised postcode, in address order."""


class RevenuesReader(Protocol):
    """What the staff workspace reads from the revenues system."""

    def account(self, account_ref: str) -> AccountView | None:
        """Return an account with its current charges, instalments and audit notes."""

    def accounts_at(self, uprn: str) -> list[AccountView]:
        """Return every account at a property, newest first."""

    def property(self, uprn: str) -> RegisterProperty | None:
        """Return the register entry of a dwelling."""

    def properties_by_postcode(self, postcode: str) -> list[RegisterProperty]:
        """Return the dwellings with a postcode (normalised, e.g. ``ZY1 5AB``)."""
