"""Moving out of the area: where to refund a final bill in credit (optional). The bank details are checked with
the modulus rules and sealed on this page: the journey store keeps only the sealed form and its masked view."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from schemas.notification import BankAccountDetails
from web.http.page_templates import render_page
from web.intake.refund_details import BankDetailsRefusedError, RefundDetails
from web.resident.forms import FormErrors, echo, form_fields, text_value
from web.resident.page_flow import answering, previous_page, status_for
from web.resident.question_order import asks
from web.resident.session import Journey, back_to_start, save_and_continue

router = APIRouter(prefix="/moving", include_in_schema=False)
PATH = "/moving/refund"
FIELDS = {"account-holder": "account_holder", "sort-code": "sort_code", "account-number": "account_number"}
MISSING = {"account-holder": "Enter the name on the account", "sort-code": "Enter a sort code",
           "account-number": "Enter an account number"}


def _form(request: Request, journey: Journey, values: dict[str, str], errors: FormErrors) -> Response:
    return render_page(request, "resident/bank_details.html", {
        "errors": errors, "values": values, "back": previous_page(journey, PATH),
    }, status_code=status_for(errors))


async def _asked(request: Request) -> Journey | None:
    journey = await answering(request)
    return journey if journey is not None and asks(journey.answers, PATH) else None


def refunds_of(request: Request) -> RefundDetails | None:
    """The council's key and modulus tables, when it takes bank details for refunds (and the app is running)."""
    runtime = getattr(request.app.state, "runtime", None)
    refunds: RefundDetails | None = getattr(runtime, "refunds", None)
    return refunds


@router.get("/refund")
async def refund_page(request: Request) -> Response:
    journey = await _asked(request)
    if journey is None or refunds_of(request) is None:
        return back_to_start()
    return _form(request, journey, {}, FormErrors())  # details given before are never shown again in clear


@router.post("/refund")
async def refund_answer(request: Request) -> Response:
    journey = await _asked(request)
    refunds = refunds_of(request)
    if journey is None or refunds is None:
        return back_to_start()
    form = await form_fields(request)
    given = {name: text_value(form, name).strip() for name in FIELDS}
    errors = FormErrors()
    if any(given.values()):
        for name, value in given.items():
            if not value:
                errors.add(name, MISSING[name])
        details = None if errors else _checked(given, refunds, errors)
        if errors or details is None:
            return _form(request, journey, echo(given, 60), errors)
        journey.answers.refund_to = refunds.seal(details)
    else:
        journey.answers.refund_to = None
    journey.answers.refund_answered = True
    return await save_and_continue(request, journey)


def _checked(given: dict[str, str], refunds: RefundDetails, errors: FormErrors) -> BankAccountDetails | None:
    try:
        details = BankAccountDetails.model_validate({FIELDS[name]: value for name, value in given.items()})
    except ValidationError as invalid:
        by_field = {str(error["loc"][0]): error["msg"].removeprefix("Value error, ") for error in invalid.errors()}
        for name, field_name in FIELDS.items():
            if field_name in by_field:
                errors.add(name, by_field[field_name])
        return None
    try:
        refunds.check(details)
    except BankDetailsRefusedError as refused:
        errors.add("account-number", str(refused))
        return None
    return details
