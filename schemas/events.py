"""Pydantic models of the events the stream stages publish after intake (mirroring ``schemas/avro``)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from schemas.notification import Address, ChangeKind, ChangeNotification, Model, SealedBankAccount


class Stage(StrEnum):
    INTAKE = "intake"
    VALIDATE = "validate"
    ASSESS = "assess"
    APPLY = "apply"


class Status(StrEnum):
    RECEIVED = "received"
    VALIDATED = "validated"
    ASSESSED = "assessed"
    APPLIED = "applied"
    REJECTED = "rejected"
    REVIEW = "review"
    DUPLICATE = "duplicate"

    @property
    def is_final(self) -> bool:
        return self in _FINAL


_FINAL = frozenset({Status.APPLIED, Status.REJECTED, Status.REVIEW, Status.DUPLICATE})


class StageTimings(Model):
    submitted_at: datetime
    validated_at: datetime | None = None
    assessed_at: datetime | None = None
    completed_at: datetime | None = None


class ChargeLine(Model):
    financial_year: int
    period_start: date
    period_end: date
    days: int
    band: str
    annual_charge_pence: int
    discount_code: str | None = None
    discount_percent: int
    charge_pence: int


class Instalment(Model):
    financial_year: int
    sequence: int
    due_date: date
    amount_pence: int


class Payment(Model):
    """A payment as the back office records it, towards one financial year."""

    financial_year: int
    paid_on: date
    amount_pence: int


class CreditTransfer(Model):
    """Credit moved between two accounts of the same person, posted on each as a payment towards one year.

    Negative on the account the credit leaves, positive on the account it reaches; ``other_account_ref`` None: the
    account the same change opens at ``other_uprn``."""

    financial_year: int
    transferred_on: date
    amount_pence: int
    other_uprn: str
    other_account_ref: str | None = None


class RefundInstruction(Model):
    """Refund a year's credit on a final bill to the bank account the mover gave (sealed).

    Held for an officer's approval when the refund is above the council's threshold; otherwise the back office
    posts it at once, as a negative payment towards the year."""

    financial_year: int
    amount_pence: int
    bank: SealedBankAccount
    instructed_on: date
    held_for_approval: bool = False


class DecidedRefund(Model):
    """What the back office does with a held refund (its id: the account and the year): release it, posted as a
    negative payment towards the year, or keep the credit on the account. Done once: a refund already decided
    the same way is left as it is."""

    account_ref: str
    financial_year: int
    approved: bool
    decided_on: date
    note: str

    @property
    def refund_id(self) -> str:
        return refund_id(self.account_ref, self.financial_year)


def refund_id(account_ref: str, financial_year: int) -> str:
    """A refund's id in every back office: an account's final bill refunds each year's credit at most once."""
    return f"{account_ref}/{financial_year}"


class OpenAccount(Model):
    account_ref: str
    liability_start: date
    discount_code: str | None = None
    discount_percent: int
    liable_persons: tuple[str, ...] = ()
    charges: tuple[ChargeLine, ...] = ()
    twelve_instalments: bool = False
    payment_day: int | None = None
    payments: tuple[Payment, ...] = ()
    instalments: tuple[Instalment, ...] = ()  # still demanded (not superseded), every year
    unoccupied_since: date | None = None  # an owner's liability for an empty dwelling: empty since this day


class EndedAccount(Model):
    account_ref: str
    liability_start: date
    liability_end: date
    discount_code: str | None = None
    discount_percent: int
    ended_by_reference: str | None = None
    twelve_instalments: bool = False
    payment_day: int | None = None
    charges: tuple[ChargeLine, ...] = ()
    payments: tuple[Payment, ...] = ()
    instalments: tuple[Instalment, ...] = ()
    unoccupied_since: date | None = None


class PropertyFacts(Model):
    uprn: str
    postcode: str
    band: str
    open_account: OpenAccount | None = None
    last_ended_account: EndedAccount | None = None
    owner_name: str | None = None  # liable while no one lives there (LGFA 1992 s.6(2)(f)); None: not known
    furnished: bool = False  # empty and furnished: a second home (s.11C), not an empty home (s.11A, s.11B)
    premium_exception: str | None = None  # a statutory exception class from the premiums (E to M)
    premium_exception_from: date | None = None  # the day it began


class ValidatedNotification(Model):
    notification: ChangeNotification
    properties: tuple[PropertyFacts, ...]
    timings: StageTimings

    def facts_for(self, uprn: str | None) -> PropertyFacts:
        """Return the register facts for one of the notification's properties.

        A property without a UPRN (typed in by the resident) has none: validation sends such a
        notification to review, so asking for it here is a KeyError.
        """
        for facts in self.properties:
            if facts.uprn == uprn:
                return facts
        raise KeyError(f"no register facts for UPRN {uprn}")


class YearBill(Model):
    """One financial year's revised demand (a positive balance) or credit (a negative one)."""

    financial_year: int
    charge_pence: int
    paid_pence: int
    paid_is_assumed: bool
    balance_pence: int
    instalments_from: date | None = None  # the year's unpaid instalments from this day are superseded

    @property
    def label(self) -> str:
        return f"{self.financial_year}/{(self.financial_year + 1) % 100:02d}"


class LiabilityEnding(Model):
    account_ref: str
    uprn: str
    expected_liability_start: date
    liability_end: date
    reason: str
    charges: tuple[ChargeLine, ...]
    balance_pence: int
    instalments: tuple[Instalment, ...]
    expected_liability_end: date | None = None
    forwarding_address: Address | None = None
    year_bills: tuple[YearBill, ...] = ()
    credit_transfers: tuple[CreditTransfer, ...] = ()  # credit moved off the account (negative amounts)
    refunds: tuple[RefundInstruction, ...] = ()  # credit refunded to the mover's bank account


class LiabilityOpening(Model):
    uprn: str
    liability_start: date
    liable_persons: tuple[str, ...]
    discount_code: str | None = None
    discount_percent: int
    charges: tuple[ChargeLine, ...]
    instalments: tuple[Instalment, ...]
    twelve_instalments: bool = False
    payment_day: int | None = None
    unoccupied_since: date | None = None  # the owner's liability for an empty dwelling, empty since this day
    liability_end: date | None = None  # opened for days already over (between two occupiers); None: open
    credit_transfers: tuple[CreditTransfer, ...] = ()  # credit moved onto the new account (positive amounts)


class AccountAmendment(Model):
    account_ref: str
    uprn: str
    expected_liability_start: date
    effective_date: date
    description: str
    liable_persons: tuple[str, ...] = ()
    replaces_liable_persons: bool = False
    discount_code: str | None = None
    discount_percent: int
    twelve_instalments: bool
    payment_day: int | None = None
    first_recharged_year: int | None = None
    charges: tuple[ChargeLine, ...]
    replanned_year: int | None = None
    balance_pence: int
    instalments: tuple[Instalment, ...]
    year_bills: tuple[YearBill, ...] = ()


class AccountChange(Model):
    notification_id: str
    reference: str
    council_code: str
    kind: ChangeKind
    notice_date: date
    change_fingerprint: str
    endings: tuple[LiabilityEnding, ...]
    openings: tuple[LiabilityOpening, ...]
    amendments: tuple[AccountAmendment, ...] = ()
    refund_decisions: tuple[DecidedRefund, ...] = ()  # officers' decisions on held refunds
    timings: StageTimings
    preview_digest: str | None = None  # the notification's, compared with what is applied


class Reason(Model):
    code: str
    field: str | None = None
    message: str


class CreditWay(StrEnum):
    TRANSFERRED = "transferred"  # to the mover's other account here
    REFUNDED = "refunded"  # to the bank account they gave
    HELD = "held"  # a refund waiting for an officer's approval


class CreditOutcome(Model):
    """Where a year's credit went, for the resident's status page: ``to`` is the account it was transferred to,
    or the last four digits of the bank account refunded (or to be refunded once approved)."""

    financial_year: int
    amount_pence: int
    way: CreditWay
    to: str


class NotificationStatus(Model):
    notification_id: str
    reference: str
    council_code: str
    kind: ChangeKind
    stage: Stage
    status: Status
    reasons: tuple[Reason, ...] = ()
    account_refs: tuple[str, ...] = ()
    timings: StageTimings
    year_bills: tuple[YearBill, ...] = ()  # applied: each year's revised demand or credit
    preview_matched: bool | None = None  # applied: the bill as previewed? None: no preview
    credits: tuple[CreditOutcome, ...] = ()  # applied: where each year's credit went


class NotificationMetric(Model):
    notification_id: str
    council_code: str
    kind: ChangeKind
    outcome: Status
    reason_codes: tuple[str, ...] = ()
    submitted_at: datetime
    completed_at: datetime
    validate_ms: float | None = None
    assess_ms: float | None = None
    apply_ms: float | None = None
    end_to_end_ms: float
    digital_cost_pence: int
    baseline_cost_pence: int
    saving_pence: int
    cost_model_version: str
    preview_matched: bool | None = None  # applied: the bill as previewed? None: no preview, or not applied
