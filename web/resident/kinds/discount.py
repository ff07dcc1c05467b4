"""Single person discount: claim it or stop it, and why (the date is asked on the shared date page)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from schemas.notification import ChangeKind, DiscountAction, SpdReason
from web.http.page_templates import render_page
from web.resident.change_answers import CLAIM_REASONS, DISCOUNT_ACTION_LABELS, END_REASONS, SPD_REASON_LABELS
from web.resident.forms import FormErrors, form_fields, parse_choice
from web.resident.page_flow import answering, previous_page, radio_items, status_for
from web.resident.session import Journey, back_to_start, save_and_continue

router = APIRouter(prefix="/moving/discount", include_in_schema=False)


async def _discount_journey(request: Request) -> Journey | None:
    journey = await answering(request)
    return journey if journey is not None and journey.answers.kind == ChangeKind.SINGLE_PERSON_DISCOUNT else None


def _action_form(request: Request, journey: Journey, chosen: str | None, errors: FormErrors) -> Response:
    return render_page(request, "resident/radios.html", {
        "errors": errors, "name": "action", "page_title": "Do you want to claim or stop a single person discount?",
        "hint": "You get 25% off your Council Tax when only one adult who counts lives there.",
        "items": radio_items(DISCOUNT_ACTION_LABELS, chosen), "back": previous_page(journey, "/moving/discount"),
    }, status_code=status_for(errors))


@router.get("")
async def action_page(request: Request) -> Response:
    journey = await _discount_journey(request)
    if journey is None:
        return back_to_start()
    action = journey.answers.discount_action
    return _action_form(request, journey, action.value if action else None, FormErrors())


@router.post("")
async def action_answer(request: Request) -> Response:
    journey = await _discount_journey(request)
    if journey is None:
        return back_to_start()
    errors = FormErrors()
    value = parse_choice(await form_fields(request), errors, "action", {a.value for a in DiscountAction},
                         "Select whether you want to claim or stop a single person discount")
    if value is None:
        return _action_form(request, journey, None, errors)
    action = DiscountAction(value)
    if action != journey.answers.discount_action:
        journey.answers.discount_reason = None  # the reasons differ between claiming and stopping
    journey.answers.discount_action = action
    return await save_and_continue(request, journey)


def _reasons(action: DiscountAction) -> tuple[SpdReason, ...]:
    return CLAIM_REASONS if action == DiscountAction.CLAIM else END_REASONS


def _reason_form(request: Request, journey: Journey, chosen: str | None, errors: FormErrors) -> Response:
    assert journey.answers.discount_action is not None
    claiming = journey.answers.discount_action == DiscountAction.CLAIM
    labels = {reason: SPD_REASON_LABELS[reason] for reason in _reasons(journey.answers.discount_action)}
    return render_page(request, "resident/radios.html", {
        "errors": errors, "name": "reason",
        "page_title": "Why can you claim the discount?" if claiming else "Why does the discount stop?",
        "hint": None, "items": radio_items(labels, chosen), "back": previous_page(journey, "/moving/discount/reason"),
    }, status_code=status_for(errors))


@router.get("/reason")
async def reason_page(request: Request) -> Response:
    journey = await _discount_journey(request)
    if journey is None or journey.answers.discount_action is None:
        return back_to_start()
    reason = journey.answers.discount_reason
    return _reason_form(request, journey, reason.value if reason else None, FormErrors())


@router.post("/reason")
async def reason_answer(request: Request) -> Response:
    journey = await _discount_journey(request)
    if journey is None or journey.answers.discount_action is None:
        return back_to_start()
    errors = FormErrors()
    allowed = {reason.value for reason in _reasons(journey.answers.discount_action)}
    value = parse_choice(await form_fields(request), errors, "reason", allowed, "Select why")
    if value is None:
        return _reason_form(request, journey, None, errors)
    journey.answers.discount_reason = SpdReason(value)
    return await save_and_continue(request, journey)
