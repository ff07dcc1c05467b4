"""Payment arrangement: 10 or 12 monthly instalments, and optionally another day of the month (1 to 28)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from web.http.page_templates import render_page
from web.resident.change_answers import PaymentAnswers, instalments_label
from web.resident.forms import Form, FormErrors, echo, form_fields, parse_choice, text_value
from web.resident.page_flow import answering, previous_page, radio_items, status_for
from web.resident.question_order import asks
from web.resident.session import Journey, back_to_start, save_and_continue

router = APIRouter(prefix="/moving/payment", include_in_schema=False)
LAST_PAYMENT_DAY = 28  # every month has it


async def _payment_journey(request: Request) -> Journey | None:
    journey = await answering(request)
    return journey if journey is not None and asks(journey.answers, "/moving/payment") else None


def _payment_form(request: Request, journey: Journey, values: dict[str, str], errors: FormErrors) -> Response:
    starts = journey.answers.move_date
    labels = {"10": instalments_label(False, starts), "12": instalments_label(True, starts)}
    return render_page(request, "resident/payment.html", {
        "errors": errors, "values": values, "instalment_items": radio_items(labels, values.get("instalments")),
        "back": previous_page(journey, "/moving/payment"),
    }, status_code=status_for(errors))


def parse_payment(form: Form, errors: FormErrors) -> PaymentAnswers | None:
    """The number of instalments, and a payment day from 1 to 28 if one is given."""
    count = parse_choice(form, errors, "instalments", {"10", "12"}, "Select how many instalments you want to pay in")
    raw_day = text_value(form, "payment-day").strip()
    day: int | None = None
    if raw_day:
        if not raw_day.isdigit() or not 1 <= int(raw_day) <= LAST_PAYMENT_DAY:
            errors.add("payment-day", f"Day of the month must be a number from 1 to {LAST_PAYMENT_DAY}")
        else:
            day = int(raw_day)
    if errors or count is None:
        return None
    return PaymentAnswers(twelve_instalments=count == "12", payment_day=day)


@router.get("")
async def payment_page(request: Request) -> Response:
    journey = await _payment_journey(request)
    if journey is None:
        return back_to_start()
    payment = journey.answers.payment
    values = ({"instalments": "12" if payment.twelve_instalments else "10",
               "payment-day": str(payment.payment_day or "")} if payment else {})
    return _payment_form(request, journey, values, FormErrors())


@router.post("")
async def payment_answer(request: Request) -> Response:
    journey = await _payment_journey(request)
    if journey is None:
        return back_to_start()
    form = await form_fields(request)
    errors = FormErrors()
    payment = parse_payment(form, errors)
    if payment is None:
        return _payment_form(request, journey, echo(form), errors)
    journey.answers.payment = payment
    return await save_and_continue(request, journey)
