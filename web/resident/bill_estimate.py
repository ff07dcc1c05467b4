"""The check-answers page's "What this means for your bill": the bill preview in the resident's words.

The figures come from the worker's own rules (:mod:`web.intake.bill_preview`); each kind's sentence about them is
its ``bill_estimate`` (:mod:`web.resident.kinds`). Everything shown is marked as an estimate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from adapters.audit_notes import money
from schemas.bill_preview import BillPart, BillPreview, PreviewBill, PreviewPeriod, PreviewStatus, PreviewYear
from schemas.notification import Channel
from web.http.govuk_dates import long_date
from web.intake.bill_preview import PreviewUnavailableError, bill_preview
from web.resident.answers import JourneyAnswers
from web.resident.notification_builder import notification_request
from web.resident.question_order import resident_kind
from web.resident.session import uk_today

DISCOUNT_LABELS = {
    "SPD": "single person discount",
    "DIS50": "discount: no adult counts",
    "EXN": "exempt: everyone who lives there is a full-time student",
}
ESTIMATE_NOTE = ("This is an estimate, worked out from what you have told us and our records today. The bill we send "
                 "you is the one to pay: it may differ if our records change before we process your notification.")
UNAVAILABLE = "We cannot show an estimate of your bill just now. You can still send your notification."
NOT_CONFIRMED = ("To see an estimate of your bill, give your Council Tax account number for this address, as it "
                 "is on your bill.")
NEEDS_A_PERSON = ("We cannot estimate your bill because a member of staff will need to check your notification "
                  "first. We will send you the bill.")


@dataclass(frozen=True)
class EstimateView:
    """What the page's bill section shows: an intro, then the bills, or a message why there are none."""

    intro: str
    bills: list[dict[str, Any]] = field(default_factory=list)
    message: str | None = None
    account_href: str | None = None  # where to give the account number, when that is what is missing


def unavailable_view() -> EstimateView:
    return EstimateView(intro="", message=UNAVAILABLE)


def estimate_view(preview: BillPreview) -> EstimateView:
    intro = resident_kind(preview.kind).bill_estimate
    if preview.status is PreviewStatus.ESTIMATE:
        return EstimateView(intro=intro, bills=[_bill(bill) for bill in preview.bills])
    if preview.status is PreviewStatus.ACCOUNT_NOT_CONFIRMED:
        return EstimateView(intro="", message=NOT_CONFIRMED, account_href="/moving/account-number")
    if preview.status is PreviewStatus.REJECTED:
        reasons = " ".join(f"{reason.message.rstrip('.')}." for reason in preview.reasons)
        return EstimateView(intro="", message=f"We cannot estimate your bill. {reasons}")
    return EstimateView(intro="", message=NEEDS_A_PERSON)


def _title(bill: PreviewBill) -> str:
    if bill.part is BillPart.NEW_ACCOUNT:
        return f"Your new account from {long_date(bill.starts)}" if bill.starts else "Your new account"
    account = f"account {bill.account_ref}" if bill.account_ref else "your account"
    if bill.part is BillPart.FINAL_BILL:
        return f"Your final bill, {account}, up to {long_date(bill.ends)}" if bill.ends else "Your final bill"
    return f"Your bill, {account}, from {long_date(bill.effective_date)}" if bill.effective_date else "Your bill"


def _bill(bill: PreviewBill) -> dict[str, Any]:
    return {"title": _title(bill), "changes_money": bill.changes_money,
            "years": [_year(bill, year) for year in bill.years]}


def _period_text(period: PreviewPeriod) -> str:
    discount = (f", {period.discount_percent}% off ({DISCOUNT_LABELS.get(period.discount_code or '', 'discount')})"
                if period.discount_percent else "")
    return (f"{long_date(period.period_start)} to {long_date(period.period_end)}: band {period.band}, "
            f"{money(period.annual_charge_pence)} a year{discount}: {money(period.charge_pence)}")


def _row(key: str, value: str) -> dict[str, Any]:
    return {"key": {"text": key}, "value": {"text": value}}


def _year(bill: PreviewBill, year: PreviewYear) -> dict[str, Any]:
    periods = [_period_text(p) for p in bill.periods if p.financial_year == year.financial_year]
    rows = [_row(f"Council Tax for {year.label}", money(year.charge_pence))]
    if bill.part is not BillPart.NEW_ACCOUNT:
        rows.append(_row("Paid so far", money(year.paid_pence)))
    if year.balance_pence < 0:
        rows.append(_row("Credit", f"{money(-year.balance_pence)} paid more than the Council Tax for the year"))
    else:
        rows.append(_row("Left to pay", money(year.balance_pence)))
    return {"label": year.label, "periods": periods, "rows": rows,
            "instalments": [{"due": long_date(i.due_date), "amount": money(i.amount_pence)}
                            for i in year.instalments]}


async def estimate_for(request: Request, answers: JourneyAnswers) -> EstimateView | None:
    """The estimate of complete answers, keeping the digest of the figures shown in ``answers`` (None: no estimate
    is offered, as when the app has no bill preview wired in)."""
    answers.preview_digest = None
    if getattr(request.app.state, "bill_preview", None) is None:
        return None
    try:
        body = notification_request(answers, uk_today().date())
    except ValueError:  # incomplete or invalid answers: the page says what is wrong, not what it would cost
        return None
    try:
        preview = await bill_preview(request, body.model_copy(update={"preview_digest": None}), Channel.ONLINE_FORM)
    except PreviewUnavailableError:
        return unavailable_view()
    answers.preview_digest = preview.digest
    return estimate_view(preview)
