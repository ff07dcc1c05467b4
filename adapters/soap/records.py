"""From the service's answers (zeep objects) to the port's records, and from account changes to call arguments."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from adapters.revenues_port import (
    AccountView,
    AuditNote,
    ChargeRow,
    InstalmentRow,
    PaymentRow,
    RefundDecision,
    RefundRow,
    RegisterProperty,
    replanned_years,
    superseded_from_day,
)
from adapters.soap.change_plans import is_plan_reference
from adapters.soap.step_notes import FINGERPRINT_PREFIX, audit_text_of, tag_fields
from schemas.events import (
    AccountAmendment,
    AccountChange,
    ChargeLine,
    CreditTransfer,
    EndedAccount,
    Instalment,
    OpenAccount,
    Payment,
    PropertyFacts,
    RefundInstruction,
)
from schemas.notification import BankAccountDetails, SealedBankAccount


def register_property(p: Any) -> RegisterProperty:
    return RegisterProperty(uprn=p.Uprn, property_ref=p.PropertyRef, address_line_1=p.AddressLine1,
                            address_line_2=p.AddressLine2, town=p.Town, postcode=p.Postcode, band=p.Band,
                            **_register_facts(p))


def _register_facts(p: Any) -> dict[str, Any]:
    """The owner and the empty-home facts of a register entry (``SearchProperties``)."""
    return {"owner_name": p.OwnerName, "furnished": bool(p.Furnished), "premium_exception": p.PremiumException,
            "premium_exception_from": p.PremiumExceptionFrom}


def _money(account: Any) -> dict[str, Any]:
    """An account's current charge lines, the instalments it still demands and its payments, from ``GetAccount``."""
    return {
        "charges": tuple(ChargeLine(**vars(c)) for c in _charge_rows(account)),
        "instalments": tuple(Instalment(financial_year=i.FinancialYear, sequence=i.Sequence, due_date=i.DueDate,
                                        amount_pence=i.AmountPence) for i in account.Instalment or []),
        "payments": tuple(Payment(financial_year=p.FinancialYear, paid_on=p.PaidOn, amount_pence=p.AmountPence)
                          for p in account.Payment or []),
    }


def open_account(account: Any) -> OpenAccount:
    """The open account as the rules need it, from the whole account (``GetAccount``)."""
    return OpenAccount(account_ref=account.AccountNumber, liability_start=account.LiabilityStart,
                       discount_code=account.DiscountCode, discount_percent=account.DiscountPercent,
                       liable_persons=tuple(account.LiablePerson or ()),
                       twelve_instalments=bool(account.TwelveInstalments), payment_day=account.PaymentDay,
                       unoccupied_since=account.UnoccupiedSince, **_money(account))


def ended_account(account: Any) -> EndedAccount:
    """A closed account (from ``GetAccount``, with its money), with the reference of our notification whose note
    ended it (if one of ours did)."""
    note = account.EndedByNote
    fields = tag_fields(note.Text) if note is not None else None
    return EndedAccount(account_ref=account.AccountNumber, liability_start=account.LiabilityStart,
                        liability_end=account.LiabilityEnd, discount_code=account.DiscountCode,
                        discount_percent=account.DiscountPercent,
                        ended_by_reference=fields.get("ref") if fields else None,
                        twelve_instalments=bool(account.TwelveInstalments), payment_day=account.PaymentDay,
                        unoccupied_since=account.UnoccupiedSince, **_money(account))


def summaries_by_property(summaries: Iterable[Any]) -> dict[str, list[Any]]:
    """Account summaries (``FindAccountsAtProperty``) grouped by UPRN, read once: zeep's attributes are slow."""
    grouped: dict[str, list[Any]] = {}
    for summary in summaries:
        grouped.setdefault(summary.Uprn, []).append(summary)
    return grouped


def open_summary(at_property: Iterable[Any]) -> Any | None:
    """The open account among a property's summaries (the latest start, should there be more than one)."""
    open_ones = sorted((s for s in at_property if s.LiabilityEnd is None), key=lambda s: s.LiabilityStart,
                       reverse=True)
    return open_ones[0] if open_ones else None


def last_ended_summary(at_property: Iterable[Any]) -> Any | None:
    """The account among a property's summaries whose liability ended last (the latest start among those ending
    that day)."""
    ended = sorted((s for s in at_property if s.LiabilityEnd is not None),
                   key=lambda s: (s.LiabilityEnd, s.LiabilityStart))
    return ended[-1] if ended else None


def property_facts(p: Any, open_detail: Any | None, ended_detail: Any | None) -> PropertyFacts:
    return PropertyFacts(uprn=p.Uprn, postcode=p.Postcode, band=p.Band, **_register_facts(p),
                         open_account=open_account(open_detail) if open_detail is not None else None,
                         last_ended_account=ended_account(ended_detail) if ended_detail is not None else None)


def _charge_rows(a: Any) -> tuple[ChargeRow, ...]:
    return tuple(ChargeRow(c.FinancialYear, c.PeriodStart, c.PeriodEnd, c.Days, c.Band, c.AnnualChargePence,
                           c.DiscountCode, c.DiscountPercent, c.ChargePence) for c in a.Charge or [])


def _noted_at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _instalment_rows(found: Any) -> tuple[InstalmentRow, ...]:
    return tuple(InstalmentRow(i.FinancialYear, i.Sequence, i.DueDate, i.AmountPence) for i in found or [])


def account_view(a: Any) -> AccountView:
    notes = tuple(
        AuditNote(noted_at=_noted_at(n.CreatedAt), author=n.CreatedBy,
                  notification_id=n.Reference if len(n.Reference) == 36 else None, note=audit_text_of(n.Text))
        # markers and plans are bookkeeping
        for n in a.Note or [] if not n.Reference.startswith(FINGERPRINT_PREFIX) and not is_plan_reference(n.Reference))
    return AccountView(
        account_ref=a.AccountNumber, uprn=a.Uprn, liability_start=a.LiabilityStart, liability_end=a.LiabilityEnd,
        liable_persons=tuple(a.LiablePerson or ()), discount_code=a.DiscountCode, discount_percent=a.DiscountPercent,
        charges=_charge_rows(a),
        instalments=_instalment_rows(a.Instalment), superseded_instalments=_instalment_rows(a.SupersededInstalment),
        audit_notes=notes, twelve_instalments=bool(a.TwelveInstalments), payment_day=a.PaymentDay,
        unoccupied_since=a.UnoccupiedSince,
        payments=tuple(PaymentRow(p.FinancialYear, p.PaidOn, p.AmountPence) for p in a.Payment or []),
        refunds=tuple(RefundRow(r.FinancialYear, r.AmountPence, r.MaskedBankAccount, bool(r.HeldForApproval),
                                r.InstructedOn, RefundDecision(r.Decision) if r.Decision else None,
                                r.DecidedOn) for r in a.Refund or []),
    )


def charges(lines: tuple[ChargeLine, ...]) -> list[dict[str, Any]]:
    return [{"FinancialYear": c.financial_year, "PeriodStart": c.period_start, "PeriodEnd": c.period_end,
             "Days": c.days, "Band": c.band, "AnnualChargePence": c.annual_charge_pence,
             "DiscountCode": c.discount_code, "DiscountPercent": c.discount_percent, "ChargePence": c.charge_pence}
            for c in lines]


def instalments(plan: tuple[Instalment, ...]) -> list[dict[str, Any]]:
    return [{"FinancialYear": i.financial_year, "Sequence": i.sequence, "DueDate": i.due_date,
             "AmountPence": i.amount_pence} for i in plan]


def credit_transfers(transfers: tuple[CreditTransfer, ...]) -> list[dict[str, Any]]:
    """Credit moved off or onto an account, as the payments the back office posts for it."""
    return [{"FinancialYear": t.financial_year, "PaidOn": t.transferred_on, "AmountPence": t.amount_pence}
            for t in transfers]


def refunds(instructions: tuple[RefundInstruction, ...], opened: Callable[[SealedBankAccount], BankAccountDetails]
            ) -> list[dict[str, Any]]:
    """Each refund with its bank account in clear, as the back office must have it to pay (over the service's
    transport only: nothing of ours keeps it)."""
    arguments = []
    for refund in instructions:
        bank = opened(refund.bank)
        arguments.append({"FinancialYear": refund.financial_year, "AmountPence": refund.amount_pence,
                          "AccountHolder": bank.account_holder, "SortCode": bank.sort_code,
                          "AccountNumber": bank.account_number, "InstructedOn": refund.instructed_on,
                          "HeldForApproval": refund.held_for_approval})
    return arguments


def amendment_arguments(change: AccountChange, a: AccountAmendment) -> dict[str, Any]:
    """``AmendAccount``'s arguments but its note: the instalments of every year the amendment re-bills are
    superseded from the day the rules name (the first one the payments do not cover)."""
    return {"AccountNumber": a.account_ref, "ExpectedLiabilityStart": a.expected_liability_start,
            "EffectiveDate": a.effective_date, "ReplaceLiablePersons": a.replaces_liable_persons,
            "LiablePerson": list(a.liable_persons) if a.replaces_liable_persons else [],
            "DiscountCode": a.discount_code, "DiscountPercent": a.discount_percent,
            "TwelveInstalments": a.twelve_instalments, "PaymentDay": a.payment_day,
            "RechargeFromYear": a.first_recharged_year,
            "Charge": charges(a.charges) if a.first_recharged_year is not None else [],
            "ReplanYear": list(replanned_years(a)), "InstalmentsFrom": superseded_from_day(change, a.year_bills),
            "Instalment": instalments(a.instalments) if a.replanned_year is not None else []}


def as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
