"""What the revenues team needs on a move besides the move itself: the previous address on a move-in, the
account number of the account being left (optional; every account change asks for it too), and whether to
pay in 12 instalments."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from web.http.page_templates import render_page
from web.resident.answers import JourneyAnswers
from web.resident.change_answers import instalments_label
from web.resident.forms import FormErrors, address_field_values, echo, form_fields, parse_manual_address, text_value
from web.resident.page_flow import answering, previous_page, status_for
from web.resident.question_order import asks
from web.resident.radio_question import RadioQuestion, add_radio_question
from web.resident.session import Journey, back_to_start, save_and_continue

router = APIRouter(prefix="/moving", include_in_schema=False)
MAX_ACCOUNT_NUMBER = 20


# -- previous address (moving into the area) ----------------------------------------------------------------

def _previous_address_form(request: Request, journey: Journey, values: dict[str, str],
                           errors: FormErrors) -> Response:
    return render_page(request, "resident/manual_address.html", {
        "errors": errors, "values": values, "page_title": "What was your previous address?",
        "explain_review": False, "autocomplete": False,
        "back": previous_page(journey, "/moving/previous-address"),
    }, status_code=status_for(errors))


async def _moving_in(request: Request) -> Journey | None:
    journey = await answering(request)
    return journey if journey is not None and asks(journey.answers, "/moving/previous-address") else None


@router.get("/previous-address")
async def previous_address_page(request: Request) -> Response:
    journey = await _moving_in(request)
    if journey is None:
        return back_to_start()
    values = address_field_values(journey.answers.previous_address)
    return _previous_address_form(request, journey, values, FormErrors())


@router.post("/previous-address")
async def previous_address_answer(request: Request) -> Response:
    journey = await _moving_in(request)
    if journey is None:
        return back_to_start()
    form = await form_fields(request)
    errors = FormErrors()
    address = parse_manual_address(form, errors)
    if errors or address is None:
        return _previous_address_form(request, journey, echo(form), errors)
    journey.answers.previous_address = address
    return await save_and_continue(request, journey)


# -- account number (optional) ------------------------------------------------------------------------------

def _account_form(request: Request, journey: Journey, value: str, errors: FormErrors) -> Response:
    return render_page(request, "resident/account_number.html", {
        "errors": errors, "value": value, "back": previous_page(journey, "/moving/account-number"),
    }, status_code=status_for(errors))


async def _with_account(request: Request) -> Journey | None:
    journey = await answering(request)
    if journey is None or not asks(journey.answers, "/moving/account-number"):
        return None
    return journey


@router.get("/account-number")
async def account_number_page(request: Request) -> Response:
    journey = await _with_account(request)
    if journey is None:
        return back_to_start()
    return _account_form(request, journey, journey.answers.account_reference or "", FormErrors())


@router.post("/account-number")
async def account_number_answer(request: Request) -> Response:
    journey = await _with_account(request)
    if journey is None:
        return back_to_start()
    form = await form_fields(request)
    raw = "".join(text_value(form, "account-number").split())
    errors = FormErrors()
    if raw and (len(raw) > MAX_ACCOUNT_NUMBER or not raw.isascii() or not _is_account_number(raw)):
        errors.add("account-number", "Account number must be up to 20 letters, numbers, dashes or slashes, "
                                     "like 500000123")
        return _account_form(request, journey, raw[:MAX_ACCOUNT_NUMBER], errors)
    journey.answers.account_reference = raw.upper() or None
    journey.answers.account_reference_answered = True
    return await save_and_continue(request, journey)


def _is_account_number(value: str) -> bool:
    return all(c.isalnum() or c in "/-" for c in value)


# -- 10 or 12 instalments (moving in or within) -------------------------------------------------------------

def _keep_instalments(answers: JourneyAnswers, value: str) -> None:
    answers.twelve_instalments = value == "12"


add_radio_question(router, RadioQuestion(
    route="/instalments", name="instalments", title=lambda _: "How many instalments do you want to pay in?",
    hint="Most people pay in 10 monthly instalments. You can spread the bill over 12 months instead.",
    options=lambda answers: {"10": instalments_label(False, answers.move_date),
                             "12": instalments_label(True, answers.move_date)},
    error="Select how many instalments you want to pay in",
    current=lambda answers: None if answers.twelve_instalments is None else (
        "12" if answers.twelve_instalments else "10"),
    keep=_keep_instalments,
    asked=lambda answers: asks(answers, "/moving/instalments"),
))
