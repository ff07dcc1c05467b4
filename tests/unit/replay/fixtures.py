"""Hand-made revenues records for replay tests: rows as a notification wrote them, and the register."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from adapters.sql.history import (
    AccountRecord,
    AppliedRecord,
    PropertyRecord,
    RecordedPayment,
    WrittenCharge,
    WrittenInstalment,
)
from schemas.events import ChargeLine, Instalment
from tests.builders import OWNER

UPRN = "100090000004"
APPLIED_AT = datetime(2026, 5, 2, 10, 0, tzinfo=UTC)


def written_charges(account_ref: str, lines: Iterable[ChargeLine], notification_id: str | None, *,
                    superseded: bool = False) -> list[WrittenCharge]:
    return [WrittenCharge(account_ref=account_ref, **line.model_dump(), notification_id=notification_id,
                          superseded=superseded) for line in lines]


def written_instalments(account_ref: str, instalments: Iterable[Instalment], notification_id: str | None, *,
                        superseded: bool = False) -> list[WrittenInstalment]:
    return [WrittenInstalment(account_ref=account_ref, **i.model_dump(), notification_id=notification_id,
                              superseded=superseded) for i in instalments]


def instalment(sequence: int, due: date, pence: int, year: int = 2026) -> Instalment:
    return Instalment(financial_year=year, sequence=sequence, due_date=due, amount_pence=pence)


def charge(start: date, end: date, pence: int, *, percent: int = 0, code: str | None = None) -> ChargeLine:
    return ChargeLine(financial_year=2026, period_start=start, period_end=end, days=(end - start).days + 1,
                      band="B", annual_charge_pence=186200, discount_code=code, discount_percent=percent,
                      charge_pence=pence)


def applied(notification_id: str, *refs: str, reference: str = "CTX-AAAA-BBBB",
            at: datetime = APPLIED_AT) -> AppliedRecord:
    return AppliedRecord(notification_id, reference, at, refs)


def register(uprn: str = UPRN, band: str = "B") -> PropertyRecord:
    return PropertyRecord(uprn=uprn, address_line_1="4 Acacia Avenue", address_line_2=None, town="Exampleton",
                          postcode="ZY1 5AB", band=band, owner_name=OWNER)


def account(ref: str, start: date, *, end: date | None = None, opened_by: str | None = None,
            uprn: str = UPRN, code: str | None = None, percent: int = 0, twelve: bool = False) -> AccountRecord:
    return AccountRecord(account_ref=ref, uprn=uprn, liability_start=start, liability_end=end, discount_code=code,
                         discount_percent=percent, opened_by_notification=opened_by,
                         twelve_instalments=twelve, payment_day=None)


def payment(ref: str, paid_on: date, pence: int, year: int = 2026) -> RecordedPayment:
    return RecordedPayment(account_ref=ref, financial_year=year, paid_on=paid_on, amount_pence=pence)
