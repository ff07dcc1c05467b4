"""The bill before sending: what a change would mean for the notifier's own bill, worked out by the same rules
the worker applies it with, marked as an estimate.

The processors' preview (``processors/preview``) fills it in; the web side (check-answers page, ``POST
/api/v1/notifications/preview``) shows it. A preview only ever holds figures of the notifier's own bill: a new
account they open, or an existing account whose number they gave for the address (postcode) it is at. The
``digest`` of those figures travels with the notification (``preview_digest``), so the worker can say on the
metrics stream whether what it applied equals what was shown (``preview_matched``).
"""

from __future__ import annotations

import hashlib
from datetime import date
from enum import StrEnum

from pydantic import Field

from schemas.events import Reason
from schemas.notification import ChangeKind, Model


class PreviewStatus(StrEnum):
    ESTIMATE = "estimate"  # the figures below, worked out from the register as it is now
    NEEDS_REVIEW = "needs_review"  # a person would decide this change: no figures
    REJECTED = "rejected"  # the notification would be refused (reasons): no figures
    ACCOUNT_NOT_CONFIRMED = "account_not_confirmed"  # no account number, or not the one at that address: no figures


class BillPart(StrEnum):
    NEW_ACCOUNT = "new_account"  # an account the notifier opens (a move in, a move within the area)
    FINAL_BILL = "final_bill"  # the notifier's account that ends (a move out)
    REVISED_BILL = "revised_bill"  # the notifier's account that stays open, billed again from a date


class PreviewPeriod(Model):
    """A stretch of days charged at one rate: the band's annual charge less the discount in force."""

    financial_year: int
    period_start: date
    period_end: date
    band: str
    annual_charge_pence: int
    discount_code: str | None = None
    discount_percent: int
    charge_pence: int


class PreviewInstalment(Model):
    due_date: date
    amount_pence: int


class PreviewYear(Model):
    """One financial year of the bill: its charge, what was paid towards it, and the balance (negative: a credit)."""

    financial_year: int = Field(description="The year by its first calendar year (2026: 2026/27)")
    charge_pence: int = Field(description="The year's Council Tax for the days liable, after any discount")
    paid_pence: int = Field(description="Paid towards the year already (0 for a new account)")
    balance_pence: int = Field(description="Left to pay; negative: a credit (paid more than the charge)")
    instalments: tuple[PreviewInstalment, ...] = Field((), description="The instalments the balance is demanded in")

    @property
    def label(self) -> str:
        return f"{self.financial_year}/{(self.financial_year + 1) % 100:02d}"


class PreviewBill(Model):
    """One account's bill as the change would leave it."""

    part: BillPart
    account_ref: str | None = None  # the number the notifier gave (None: a new account, numbered when opened)
    starts: date | None = None  # a new account's first day
    ends: date | None = None  # a final bill's last day
    effective_date: date | None = None  # a revised bill: the day the change takes effect
    discount_code: str | None = None
    discount_percent: int = 0
    changes_money: bool = True  # False: the change leaves the bill as it is (a change of name)
    periods: tuple[PreviewPeriod, ...] = ()
    years: tuple[PreviewYear, ...] = ()


class BillPreview(Model):
    """The answer to "what will this change mean for my bill?" (an estimate: the bill sent is what counts)."""

    status: PreviewStatus = Field(description="estimate: the figures are in bills; otherwise there are none")
    kind: ChangeKind
    notice_date: date = Field(description="The day the bill would be issued, if sent today: the instalment dates "
                                          "follow from it")
    bills: tuple[PreviewBill, ...] = Field((), description="The notifier's own bills as the change would leave them")
    reasons: tuple[Reason, ...] = Field((), description="Why there are no figures")
    digest: str | None = Field(None, description="Identifies the figures: send it as preview_digest with the "
                                                 "notification")

    @property
    def is_estimate(self) -> bool:
        return self.status is PreviewStatus.ESTIMATE


def bills_digest(bills: tuple[PreviewBill, ...]) -> str:
    """A digest of the figures of a preview: equal exactly when every amount, date and period is equal."""
    content = "|".join(bill.model_dump_json() for bill in bills)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()
