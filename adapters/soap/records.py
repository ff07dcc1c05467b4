"""From the service's answers (zeep objects) to the port's records, and from account changes to call arguments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from adapters.revenues_port import AccountView, AuditNote, ChargeRow, InstalmentRow, RegisterProperty
from adapters.soap.step_notes import FINGERPRINT_PREFIX, audit_text_of
from schemas.events import ChargeLine, Instalment, OpenAccount, PropertyFacts


def register_property(p: Any) -> RegisterProperty:
    return RegisterProperty(uprn=p.Uprn, property_ref=p.PropertyRef, address_line_1=p.AddressLine1,
                            address_line_2=p.AddressLine2, town=p.Town, postcode=p.Postcode, band=p.Band)


def open_account(summary: Any) -> OpenAccount:
    return OpenAccount(account_ref=summary.AccountNumber, liability_start=summary.LiabilityStart,
                       discount_code=summary.DiscountCode, discount_percent=summary.DiscountPercent,
                       paid_this_year_pence=summary.PaidThisYearPence)


def property_facts(p: Any, summaries: list[Any]) -> PropertyFacts:
    open_ones = sorted((s for s in summaries if s.Uprn == p.Uprn and s.LiabilityEnd is None),
                       key=lambda s: s.LiabilityStart, reverse=True)
    return PropertyFacts(uprn=p.Uprn, postcode=p.Postcode, band=p.Band,
                         open_account=open_account(open_ones[0]) if open_ones else None)


def _noted_at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def account_view(a: Any) -> AccountView:
    notes = tuple(
        AuditNote(noted_at=_noted_at(n.CreatedAt), author=n.CreatedBy,
                  notification_id=n.Reference if len(n.Reference) == 36 else None, note=audit_text_of(n.Text))
        for n in a.Note or [] if not n.Reference.startswith(FINGERPRINT_PREFIX))  # markers are bookkeeping
    return AccountView(
        account_ref=a.AccountNumber, uprn=a.Uprn, liability_start=a.LiabilityStart, liability_end=a.LiabilityEnd,
        liable_persons=tuple(a.LiablePerson or ()), discount_code=a.DiscountCode, discount_percent=a.DiscountPercent,
        paid_this_year_pence=a.PaidThisYearPence,
        charges=tuple(ChargeRow(c.FinancialYear, c.PeriodStart, c.PeriodEnd, c.Days, c.Band, c.AnnualChargePence,
                                c.DiscountCode, c.DiscountPercent, c.ChargePence) for c in a.Charge or []),
        instalments=tuple(InstalmentRow(i.FinancialYear, i.Sequence, i.DueDate, i.AmountPence)
                          for i in a.Instalment or []),
        audit_notes=notes,
    )


def charges(lines: tuple[ChargeLine, ...]) -> list[dict[str, Any]]:
    return [{"FinancialYear": c.financial_year, "PeriodStart": c.period_start, "PeriodEnd": c.period_end,
             "Days": c.days, "Band": c.band, "AnnualChargePence": c.annual_charge_pence,
             "DiscountCode": c.discount_code, "DiscountPercent": c.discount_percent, "ChargePence": c.charge_pence}
            for c in lines]


def instalments(plan: tuple[Instalment, ...]) -> list[dict[str, Any]]:
    return [{"FinancialYear": i.financial_year, "Sequence": i.sequence, "DueDate": i.due_date,
             "AmountPence": i.amount_pence} for i in plan]


def as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
