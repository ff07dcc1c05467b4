"""Moving out of a rented home the register does not know the owner of: who the landlord or letting agent is.

The owner is liable while the home is empty (LGFA 1992 s.6(2)(f)); when the property register does not name
them, the move-out form asks whether the home was rented and, if it was, the landlord's or agent's name. The
register's owner is never shown to the resident.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from schemas.formats import MAX_OWNER_NAME_LENGTH, clean_owner_name
from web.http.page_templates import render_page
from web.resident.answers import JourneyAnswers
from web.resident.forms import FormErrors, form_fields, text_value
from web.resident.landlord_question import LANDLORD_PATH, RENTED_PATH
from web.resident.page_flow import answering, previous_page, status_for
from web.resident.question_order import asks
from web.resident.radio_question import RadioQuestion, add_radio_question
from web.resident.session import Journey, back_to_start, save_and_continue

router = APIRouter(prefix="/moving", include_in_schema=False)


def _keep_rented(answers: JourneyAnswers, value: str) -> None:
    answers.rented = value == "yes"
    if not answers.rented:
        answers.landlord_name, answers.landlord_answered = None, False


add_radio_question(router, RadioQuestion(
    route="/rented", name="rented", title=lambda _: "Did you rent the home you are leaving?",
    hint="We need to know who owns it: the owner pays the Council Tax while no one lives there.",
    options=lambda _: {"yes": "Yes, from a landlord or letting agent", "no": "No"},
    error="Select yes if you rented the home you are leaving",
    current=lambda answers: None if answers.rented is None else ("yes" if answers.rented else "no"),
    keep=_keep_rented,
    asked=lambda answers: asks(answers, RENTED_PATH),
))


def _landlord_form(request: Request, journey: Journey, value: str, errors: FormErrors) -> Response:
    return render_page(request, "resident/landlord.html", {
        "errors": errors, "value": value, "max_length": MAX_OWNER_NAME_LENGTH,
        "back": previous_page(journey, LANDLORD_PATH),
    }, status_code=status_for(errors))


async def _asking_landlord(request: Request) -> Journey | None:
    journey = await answering(request)
    return journey if journey is not None and asks(journey.answers, LANDLORD_PATH) else None


@router.get("/landlord")
async def landlord_page(request: Request) -> Response:
    journey = await _asking_landlord(request)
    if journey is None:
        return back_to_start()
    return _landlord_form(request, journey, journey.answers.landlord_name or "", FormErrors())


@router.post("/landlord")
async def landlord_answer(request: Request) -> Response:
    journey = await _asking_landlord(request)
    if journey is None:
        return back_to_start()
    raw = text_value(await form_fields(request), "landlord-name")
    errors = FormErrors()
    if not raw.strip():
        errors.add("landlord-name", "Enter the name of your landlord or letting agent")
        return _landlord_form(request, journey, raw, errors)
    try:
        name = clean_owner_name(raw)
    except ValueError as error:
        errors.add("landlord-name", str(error).replace("The owner's or agent's name", "Name"))
        return _landlord_form(request, journey, raw[:MAX_OWNER_NAME_LENGTH * 2], errors)
    journey.answers.landlord_name, journey.answers.landlord_answered = name, True
    return await save_and_continue(request, journey)

