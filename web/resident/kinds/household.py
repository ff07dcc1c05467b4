"""Who lives there: what happened (an adult joined or left, a disregard started or ended) and who is liable.

The adults themselves are asked on the shared people pages (name, date of birth, disregard)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from schemas.notification import ChangeKind, HouseholdEvent
from web.http.page_templates import render_page
from web.resident.change_answers import HOUSEHOLD_EVENT_LABELS
from web.resident.forms import FormErrors, form_fields, parse_choice
from web.resident.page_flow import answering, previous_page, radio_items, status_for
from web.resident.session import Journey, back_to_start, save_and_continue

router = APIRouter(prefix="/moving/household", include_in_schema=False)


async def _household_journey(request: Request) -> Journey | None:
    journey = await answering(request)
    return journey if journey is not None and journey.answers.kind == ChangeKind.HOUSEHOLD_CHANGE else None


def _event_form(request: Request, journey: Journey, chosen: str | None, errors: FormErrors) -> Response:
    return render_page(request, "resident/radios.html", {
        "errors": errors, "name": "event", "page_title": "What has changed?",
        "hint": "Next you will tell us about every adult who lives there after the change.",
        "items": radio_items(HOUSEHOLD_EVENT_LABELS, chosen), "back": previous_page(journey, "/moving/household"),
    }, status_code=status_for(errors))


@router.get("")
async def event_page(request: Request) -> Response:
    journey = await _household_journey(request)
    if journey is None:
        return back_to_start()
    event = journey.answers.household_event
    return _event_form(request, journey, event.value if event else None, FormErrors())


@router.post("")
async def event_answer(request: Request) -> Response:
    journey = await _household_journey(request)
    if journey is None:
        return back_to_start()
    errors = FormErrors()
    value = parse_choice(await form_fields(request), errors, "event", {e.value for e in HouseholdEvent},
                         "Select what has changed")
    if value is None:
        return _event_form(request, journey, None, errors)
    journey.answers.household_event = HouseholdEvent(value)
    return await save_and_continue(request, journey)


def _liable_form(request: Request, journey: Journey, chosen: list[str], errors: FormErrors) -> Response:
    items = [{"value": str(number), "text": person.full_name, "checked": person.full_name in chosen}
             for number, person in enumerate(journey.answers.people, start=1)]
    return render_page(request, "resident/checkboxes.html", {
        "errors": errors, "name": "liable", "page_title": "Who pays the Council Tax?",
        "hint": "Select everyone who owns or rents the property and lives there. They are jointly responsible "
                "for the bill.",
        "items": items, "back": previous_page(journey, "/moving/household/liable"),
    }, status_code=status_for(errors))


@router.get("/liable")
async def liable_page(request: Request) -> Response:
    journey = await _household_journey(request)
    if journey is None or not journey.answers.people:
        return back_to_start()
    return _liable_form(request, journey, journey.answers.liable_persons, FormErrors())


@router.post("/liable")
async def liable_answer(request: Request) -> Response:
    journey = await _household_journey(request)
    if journey is None or not journey.answers.people:
        return back_to_start()
    people = journey.answers.people
    form = await request.form()
    chosen = {value for key, value in form.multi_items() if key == "liable" and isinstance(value, str)}
    names = [person.full_name for number, person in enumerate(people, start=1) if str(number) in chosen]
    if not names:
        errors = FormErrors()
        errors.add("liable", "Select at least one person who pays the Council Tax", anchor="liable")
        return _liable_form(request, journey, [], errors)
    journey.answers.liable_persons = names
    return await save_and_continue(request, journey)
