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
class NoteInput:
    """A note a caller asks to be written: its reference is the caller's own, searched later."""

    reference: str
    text: str


@dataclass(frozen=True)
class Ending:
    """End the liability of an account; charges of ``replace_from_year`` on, and instalments due from
    ``instalments_from`` in those years, are superseded by the ones given."""

    account_no: str
    expected_liability_start: date
    liability_end: date
    replace_from_year: int
    instalments_from: date
    charges: tuple[Charge, ...]
    instalments: tuple[Instalment, ...]
    note: NoteInput


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
    paid_this_year_pence: int
    liable_persons: tuple[str, ...] = ()
    charges: tuple[Charge, ...] = ()
    instalments: tuple[Instalment, ...] = ()
    notes: tuple[Note, ...] = field(default=())
