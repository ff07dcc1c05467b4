"""The records the back office takes and gives, in its own vocabulary (account numbers, notes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Charge:
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
class Instalment:
    financial_year: int
    sequence: int
    due_date: date
    amount_pence: int


@dataclass(frozen=True)
class Payment:
    """A payment the cash office posted towards one financial year of an account."""

    financial_year: int
    paid_on: date
    amount_pence: int


@dataclass(frozen=True)
class Refund:
    """Refund a year's credit on a final bill to a UK bank account (held: not paid until an officer approves)."""

    financial_year: int
    amount_pence: int
    account_holder: str
    sort_code: str
    account_number: str
    instructed_on: date
    held_for_approval: bool = False


@dataclass(frozen=True)
class RefundHeld:
    """A refund as the back office shows it to callers: the bank account masked."""

    financial_year: int
    amount_pence: int
    masked: str
    held_for_approval: bool
    instructed_on: date
    decision: str | None = None  # held refunds, once an officer decided: "approved" (paid) or "rejected"
    decided_on: date | None = None


@dataclass(frozen=True)
class RefundDecisionInput:
    """An officer's decision on a refund held for approval (the refund: the account and the year): approved, it is
    paid (posted as a negative payment); rejected, the credit stays. Made once; the same decision again changes
    nothing."""

    account_no: str
    financial_year: int
    approved: bool
    decided_on: date
    note: NoteInput


@dataclass(frozen=True)
class NoteInput:
    """A note a caller asks to be written: its reference is the caller's own, searched later."""

    reference: str
    text: str


@dataclass(frozen=True)
class Ending:
    """End the liability of an account; charges of ``replace_from_year`` on, and instalments due from
    ``instalments_from`` in those years, are superseded by the ones given.

    ``expected_liability_end`` None: the account must be open. A date: the account must have ended on that day,
    and is ended again on the same or an earlier day (an ending completed, or brought back), and re-billed.
    """

    account_no: str
    expected_liability_start: date
    liability_end: date
    replace_from_year: int
    instalments_from: date
    charges: tuple[Charge, ...]
    instalments: tuple[Instalment, ...]
    note: NoteInput
    expected_liability_end: date | None = None
    credit_transfers: tuple[Payment, ...] = ()  # credit moved off the account: posted as (negative) payments
    refunds: tuple[Refund, ...] = ()  # the final bill's credit refunded; those not held posted as (negative) payments


@dataclass(frozen=True)
class Opening:
    """Open a new account at a property."""

    uprn: str
    liability_start: date
    liable_persons: tuple[str, ...]
    discount_code: str | None
    discount_percent: int
    charges: tuple[Charge, ...]
    instalments: tuple[Instalment, ...]
    note: NoteInput
    twelve_instalments: bool = False  # the payment scheme: 10 monthly instalments, or 12 on request
    payment_day: int | None = None  # day of the month instalments fall due (None: the council's default)
    unoccupied_since: date | None = None  # the owner's account for an empty dwelling: empty since this day
    liability_end: date | None = None  # opened for days already over (ended at once); None: open
    credit_transfers: tuple[Payment, ...] = ()  # credit moved onto the new account: posted as payments


@dataclass(frozen=True)
class Amendment:
    """Change an open account from ``effective_date``: its liable people (when ``replace_liable_persons``), its
    discount, its payment arrangement; charges of ``recharge_from_year`` on are superseded by ``charges``, and
    instalments of each of the ``replan_years`` due from ``instalments_from`` by ``instalments`` (each only when
    given)."""

    account_no: str
    expected_liability_start: date
    effective_date: date
    replace_liable_persons: bool
    liable_persons: tuple[str, ...]
    discount_code: str | None
    discount_percent: int
    twelve_instalments: bool
    payment_day: int | None
    recharge_from_year: int | None
    charges: tuple[Charge, ...]
    replan_years: tuple[int, ...]
    instalments_from: date
    instalments: tuple[Instalment, ...]
    note: NoteInput


class RefusalError(Exception):
    """The back office will not do this: a code of its own and a message for the officer."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Note:
    account_no: str
    reference: str
    text: str
    created_by: str
    created_at: str


@dataclass(frozen=True)
class Account:
    account_no: str
    uprn: str
    liability_start: str
    liability_end: str | None
    discount_code: str | None
    discount_percent: int
    liable_persons: tuple[str, ...] = ()
    charges: tuple[Charge, ...] = ()
    instalments: tuple[Instalment, ...] = ()
    payments: tuple[Payment, ...] = ()
    notes: tuple[Note, ...] = field(default=())
    twelve_instalments: bool = False
    payment_day: int | None = None
    ended_by_note: Note | None = None  # the note written with the account's (latest) liability end
    refunds: tuple[RefundHeld, ...] = ()
    superseded_instalments: tuple[Instalment, ...] = ()  # given only when asked for
    unoccupied_since: str | None = None  # the owner's account for an empty dwelling: empty since this day
