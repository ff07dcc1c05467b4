"""Change of name: the name on the bill now, the new name and why (the date is asked on the shared date page)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from schemas.notification import NameChangeReason
from web.http.page_templates import render_page
from web.resident.change_answers import NAME_REASON_LABELS, NameAnswers
from web.resident.forms import Form, FormErrors, echo, form_fields, parse_choice, parse_name
from web.resident.page_flow import answering, previous_page, radio_items, status_for
from web.resident.question_order import asks
from web.resident.session import Journey, back_to_start, save_and_continue

router = APIRouter(prefix="/moving/name", include_in_schema=False)


async def _name_journey(request: Request) -> Journey | None:
    journey = await answering(request)
    return journey if journey is not None and asks(journey.answers, "/moving/name") else None


def _name_form(request: Request, journey: Journey, values: dict[str, str], errors: FormErrors) -> Response:
    return render_page(request, "resident/name_change.html", {
        "errors": errors, "values": values, "reason_items": radio_items(NAME_REASON_LABELS, values.get("reason")),
        "back": previous_page(journey, "/moving/name"),
    }, status_code=status_for(errors))


def parse_name_change(form: Form, errors: FormErrors) -> NameAnswers | None:
    """The old and new names (which must differ) and the reason."""
    previous = parse_name(form, errors, "previous-name", what="the name on the Council Tax bill now")
    new = parse_name(form, errors, "new-name", what="the new name")
    if previous is not None and new is not None and previous == new:
        errors.add("new-name", "The new name must be different from the name on the bill now")
    reason = parse_choice(form, errors, "reason", {r.value for r in NameChangeReason}, "Select why the name changed")
    if errors or previous is None or new is None or reason is None:
        return None
    return NameAnswers(previous_name=previous, new_name=new, reason=NameChangeReason(reason))


@router.get("")
async def name_page(request: Request) -> Response:
    journey = await _name_journey(request)
    if journey is None:
        return back_to_start()
    named = journey.answers.name_change
    values = ({"previous-name": named.previous_name, "new-name": named.new_name, "reason": named.reason.value}
              if named else {})
    return _name_form(request, journey, values, FormErrors())


@router.post("")
async def name_answer(request: Request) -> Response:
    journey = await _name_journey(request)
    if journey is None:
        return back_to_start()
    form = await form_fields(request)
    errors = FormErrors()
    named = parse_name_change(form, errors)
    if named is None:
        return _name_form(request, journey, echo(form), errors)
    journey.answers.name_change = named
    return await save_and_continue(request, journey)
