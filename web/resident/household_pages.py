"""Who lives there: what happened (an adult joined or left, a disregard started or ended) and who is liable.

The adults themselves are asked on the shared people pages (name, date of birth, disregard)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from schemas.notification import HouseholdEvent
from web.http.page_templates import render_page
from web.resident.answers import JourneyAnswers
from web.resident.change_answers import HOUSEHOLD_EVENT_LABELS
from web.resident.forms import FormErrors
from web.resident.page_flow import answering, previous_page, status_for
from web.resident.question_order import asks
from web.resident.radio_question import RadioQuestion, add_radio_question
from web.resident.session import Journey, back_to_start, save_and_continue

router = APIRouter(prefix="/moving/household", include_in_schema=False)


def _household_changing(answers: JourneyAnswers) -> bool:
    return asks(answers, "/moving/household")


async def _household_journey(request: Request) -> Journey | None:
    journey = await answering(request)
    return journey if journey is not None and _household_changing(journey.answers) else None


def _keep_event(answers: JourneyAnswers, value: str) -> None:
    answers.household_event = HouseholdEvent(value)


add_radio_question(router, RadioQuestion(
    route="", name="event", title=lambda _: "What has changed?",
    hint="Next you will tell us about every adult who lives there after the change.",
    options=lambda _: {event.value: label for event, label in HOUSEHOLD_EVENT_LABELS.items()},
    error="Select what has changed",
    current=lambda answers: answers.household_event.value if answers.household_event else None,
    keep=_keep_event, asked=_household_changing,
))


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
