"""The resident journey "Tell us about a change": the questions every kind shares (kind, date, people,
tenure, contact), then check answers and send. Each kind's own pages are in :mod:`web.resident.kinds`.

Works without JavaScript: every page is a plain form that posts back to its own address and, when the
answer is good, redirects (303) to the next unanswered question. Answers stay on the server
(:mod:`web.stores.journeys`); the notification is sent through the same intake as the API, with the
channel ``online_form`` and an idempotency key per journey so a refresh or double click sends it once.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from schemas.notification import MAX_RESIDENTS, ChangeKind, Channel, NotificationRequest, Tenure
from web.http.page_templates import render_page
from web.intake.acceptance import (
    IdempotencyKeyReusedError,
    IntakeUnavailableError,
    Receipt,
    StillProcessingError,
    accept_notification,
)
from web.intake.runtime import WebRuntime
from web.kind_wording import RESIDENT_CHOICES
from web.resident.answers import DISREGARD_LABELS, TENURE_LABELS, JourneyAnswers, Person, SubmittedReceipt
from web.resident.bill_estimate import ESTIMATE_NOTE, EstimateView, estimate_for
from web.resident.check_answers import check_answer_sections
from web.resident.forms import (
    NO_DISREGARD,
    DateWording,
    FormErrors,
    check_date_between,
    echo,
    form_fields,
    parse_choice,
    parse_contact,
    parse_date,
    parse_person,
)
from web.resident.kinds.resident_kind import DateQuestion
from web.resident.notification_builder import notification_request
from web.resident.page_flow import answering, date_items, date_values, previous_page, status_for
from web.resident.question_order import asks, needs_review, question_paths, resident_kind
from web.resident.refund_pages import refunds_of
from web.resident.session import (
    START_PATH,
    Journey,
    back_to_start,
    current_journey,
    new_journey,
    save,
    save_and_continue,
    uk_today,
    with_cookie,
)

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
# Moves told about further back than this are for the council's other channels; the pipeline itself sends
# anything outside its own window (CTAX_MOVE_AHEAD_DAYS / CTAX_MOVE_BACK_DAYS) to a person.
EARLIEST_MOVE = timedelta(days=6 * 365)
LATEST_MOVE = timedelta(days=365)
SUBMIT_WAIT_SECONDS = 15.0
MAX_PEOPLE = MAX_RESIDENTS


# -- start and kind of move ---------------------------------------------------------------------------------

@router.get("/")
async def home() -> Response:
    return RedirectResponse(START_PATH, status_code=303)


@router.get(START_PATH)
async def start_page(request: Request) -> Response:
    return render_page(request, "resident/start.html")


@router.get("/accessibility")
async def accessibility_page(request: Request) -> Response:
    return render_page(request, "accessibility.html")


def _kind_form(request: Request, chosen: str | None, errors: FormErrors) -> Response:
    items: list[dict[str, Any]] = [{"value": kind.value, "text": choice.label, "checked": kind.value == chosen,
                                    "hint": {"text": choice.hint}} for kind, choice in RESIDENT_CHOICES.items()]
    items.insert(3, {"divider": "or"})
    return render_page(request, "resident/kind.html", {"errors": errors, "kind_items": items, "back": START_PATH},
                       status_code=status_for(errors))


@router.get("/moving/kind")
async def kind_page(request: Request) -> Response:
    journey = await current_journey(request)
    chosen = journey.answers.kind.value if journey and journey.answers.kind and not journey.answers.submitted else None
    return _kind_form(request, chosen, FormErrors())


@router.post("/moving/kind")
async def kind_answer(request: Request) -> Response:
    form = await form_fields(request)
    errors = FormErrors()
    value = parse_choice(form, errors, "kind", {kind.value for kind in RESIDENT_CHOICES},
                         "Select what you are telling us about")
    if value is None:
        return _kind_form(request, None, errors)
    journey = await current_journey(request)
    fresh = journey is None or journey.answers.submitted is not None
    if fresh or journey is None:
        journey = await new_journey(request)
    journey.answers.kind = ChangeKind(value)
    journey.answers.refunds_offered = refunds_of(request) is not None  # the council takes bank details for refunds
    response = await save_and_continue(request, journey)
    return with_cookie(request, response, journey) if fresh else response


# -- the move date ------------------------------------------------------------------------------------------

def _date_question(journey: Journey | None) -> DateQuestion | None:
    """The date page's words for the journey's kind, or None when the kind asks for no date."""
    if journey is None or journey.answers.kind is None:
        return None
    return resident_kind(journey.answers.kind).date_question


def _date_form(request: Request, journey: Journey, question: DateQuestion, values: dict[str, str],
               errors: FormErrors) -> Response:
    return render_page(request, "resident/move_date.html", {
        "errors": errors, "page_title": question.title, "hint": question.hint,
        "date_items": date_items(values, "move-date", errors),
        "back": previous_page(journey, "/moving/date"),
    }, status_code=status_for(errors))


@router.get("/moving/date")
async def date_page(request: Request) -> Response:
    journey = await answering(request)
    question = _date_question(journey)
    if journey is None or question is None:
        return back_to_start()
    return _date_form(request, journey, question, date_values("move-date", journey.answers.move_date), FormErrors())


@router.post("/moving/date")
async def date_answer(request: Request) -> Response:
    journey = await answering(request)
    question = _date_question(journey)
    if journey is None or question is None:
        return back_to_start()
    form = await form_fields(request)
    errors = FormErrors()
    wording = DateWording(question.noun)
    moved = parse_date(form, errors, "move-date", wording)
    today = uk_today().date()
    if moved is not None:
        check_date_between(moved, today - EARLIEST_MOVE, today + LATEST_MOVE, errors, "move-date", wording)
    if errors or moved is None:
        return _date_form(request, journey, question, echo(form), errors)
    journey.answers.move_date = moved
    return await save_and_continue(request, journey)


# -- who lives there ----------------------------------------------------------------------------------------

def _person_values(person: Person) -> dict[str, str]:
    return {"full-name": person.full_name, **date_values("date-of-birth", person.date_of_birth),
            "disregard": person.disregard.value if person.disregard else NO_DISREGARD}


def _person_form(request: Request, journey: Journey, values: dict[str, str], errors: FormErrors,
                 number: int) -> Response:
    chosen = values.get("disregard")
    items: list[dict[str, Any]] = [{"value": reason.value, "text": label, "checked": chosen == reason.value}
                                   for reason, label in DISREGARD_LABELS.items()]
    items += [{"divider": "or"},
              {"value": NO_DISREGARD, "text": "No, none of these", "checked": chosen == NO_DISREGARD}]
    title = "Tell us about an adult who lives there" if number == 1 else "Tell us about another adult who lives there"
    moving = journey.answers.kind is not None and journey.answers.kind.is_move
    return render_page(request, "resident/person.html", {
        "errors": errors, "on_the_date": "on the date of the move" if moving else "on the date of the change",
        "values": values, "page_title": title, "disregard_items": items,
        "date_items": date_items(values, "date-of-birth", errors),
        "back": "/moving/people" if journey.answers.people else previous_page(journey, "/moving/people"),
    }, status_code=status_for(errors))


@router.get("/moving/people")
async def people_page(request: Request) -> Response:
    journey = await answering(request)
    if journey is None or not asks(journey.answers, "/moving/people"):
        return back_to_start()
    if not journey.answers.people:
        return RedirectResponse("/moving/people/add", status_code=303)
    return _people_form(request, journey, FormErrors())


def _people_form(request: Request, journey: Journey, errors: FormErrors) -> Response:
    rows = [{
        "key": {"text": person.full_name},
        "value": {"text": DISREGARD_LABELS[person.disregard] if person.disregard else "Counts for discounts"},
        "actions": {"items": [
            {"href": f"/moving/people/{number}", "text": "Change", "visuallyHiddenText": person.full_name},
            {"href": f"/moving/people/{number}/remove", "text": "Remove", "visuallyHiddenText": person.full_name},
        ]},
    } for number, person in enumerate(journey.answers.people, start=1)]
    count = len(journey.answers.people)
    title = f"You have told us about {count} adult{'s' if count != 1 else ''}"
    return render_page(request, "resident/people.html", {
        "errors": errors, "rows": rows, "page_title": title, "back": previous_page(journey, "/moving/people"),
    }, status_code=status_for(errors))


@router.post("/moving/people")
async def people_answer(request: Request) -> Response:
    journey = await answering(request)
    if journey is None or not journey.answers.people:
        return back_to_start()
    form = await form_fields(request)
    errors = FormErrors()
    answer = parse_choice(form, errors, "add-another", {"yes", "no"},
                          "Select yes if anyone else aged 18 or over lives there")
    if answer is None:
        return _people_form(request, journey, errors)
    if answer == "yes":
        if len(journey.answers.people) >= MAX_PEOPLE:
            errors.add("add-another", f"You can tell us about up to {MAX_PEOPLE} adults. Contact us if more live there")
            return _people_form(request, journey, errors)
        return RedirectResponse("/moving/people/add", status_code=303)
    journey.answers.people_done = True
    return await save_and_continue(request, journey)


@router.get("/moving/people/add")
async def add_person_page(request: Request) -> Response:
    journey = await answering(request)
    if journey is None:
        return back_to_start()
    return _person_form(request, journey, {}, FormErrors(), len(journey.answers.people) + 1)


@router.post("/moving/people/add")
async def add_person_answer(request: Request) -> Response:
    return await _person_answer(request, None)


@router.get("/moving/people/{number}")
async def change_person_page(request: Request, number: int) -> Response:
    journey = await answering(request)
    if journey is None or not 1 <= number <= len(journey.answers.people):
        return back_to_start()
    return _person_form(request, journey, _person_values(journey.answers.people[number - 1]), FormErrors(), number)


@router.post("/moving/people/{number}")
async def change_person_answer(request: Request, number: int) -> Response:
    return await _person_answer(request, number)


async def _person_answer(request: Request, number: int | None) -> Response:
    journey = await answering(request)
    if journey is None or (number is not None and not 1 <= number <= len(journey.answers.people)):
        return back_to_start()
    if number is None and len(journey.answers.people) >= MAX_PEOPLE:
        return RedirectResponse("/moving/people", status_code=303)
    form = await form_fields(request)
    errors = FormErrors()
    person = parse_person(form, errors, move_date=journey.answers.move_date, today=uk_today().date())
    if person is None:
        return _person_form(request, journey, echo(form), errors, number or len(journey.answers.people) + 1)
    if number is None:
        journey.answers.people.append(person)
    else:
        journey.answers.people[number - 1] = person
    journey.answers.people_done = False
    return await save_and_continue(request, journey, "/moving/people")


@router.get("/moving/people/{number}/remove")
async def remove_person_page(request: Request, number: int) -> Response:
    journey = await answering(request)
    if journey is None or not 1 <= number <= len(journey.answers.people):
        return back_to_start()
    return _remove_form(request, journey.answers.people[number - 1], FormErrors())


def _remove_form(request: Request, person: Person, errors: FormErrors) -> Response:
    return render_page(request, "resident/remove_person.html", {
        "errors": errors, "page_title": f"Are you sure you want to remove {person.full_name}?",
        "back": "/moving/people",
    }, status_code=status_for(errors))


@router.post("/moving/people/{number}/remove")
async def remove_person_answer(request: Request, number: int) -> Response:
    journey = await answering(request)
    if journey is None or not 1 <= number <= len(journey.answers.people):
        return back_to_start()
    form = await form_fields(request)
    errors = FormErrors()
    answer = parse_choice(form, errors, "confirm", {"yes", "no"}, "Select yes if you want to remove them")
    if answer is None:
        return _remove_form(request, journey.answers.people[number - 1], errors)
    if answer == "yes":
        del journey.answers.people[number - 1]
        journey.answers.people_done = False
    return await save_and_continue(request, journey, "/moving/people")


# -- tenure -------------------------------------------------------------------------------------------------

def _tenure_form(request: Request, journey: Journey, chosen: str | None, errors: FormErrors) -> Response:
    items = [{"value": tenure.value, "text": label, "checked": tenure.value == chosen}
             for tenure, label in TENURE_LABELS.items()]
    return render_page(request, "resident/tenure.html", {
        "errors": errors, "tenure_items": items, "back": previous_page(journey, "/moving/tenure"),
    }, status_code=status_for(errors))


@router.get("/moving/tenure")
async def tenure_page(request: Request) -> Response:
    journey = await answering(request)
    if journey is None:
        return back_to_start()
    return _tenure_form(request, journey, journey.answers.tenure.value if journey.answers.tenure else None,
                        FormErrors())


@router.post("/moving/tenure")
async def tenure_answer(request: Request) -> Response:
    journey = await answering(request)
    if journey is None:
        return back_to_start()
    form = await form_fields(request)
    errors = FormErrors()
    value = parse_choice(form, errors, "tenure", {t.value for t in Tenure},
                         "Select whether you own or rent the property")
    if value is None:
        return _tenure_form(request, journey, None, errors)
    journey.answers.tenure = Tenure(value)
    return await save_and_continue(request, journey)


# -- contact details ----------------------------------------------------------------------------------------

def _contact_form(request: Request, journey: Journey, values: dict[str, str], errors: FormErrors) -> Response:
    return render_page(request, "resident/contact.html", {
        "errors": errors, "values": values, "back": previous_page(journey, "/moving/contact"),
    }, status_code=status_for(errors))


@router.get("/moving/contact")
async def contact_page(request: Request) -> Response:
    journey = await answering(request)
    if journey is None:
        return back_to_start()
    contact = journey.answers.contact
    values = {"contact-name": contact.full_name, "contact-email": contact.email or "",
              "contact-phone": contact.phone or ""} if contact else {}
    return _contact_form(request, journey, values, FormErrors())


@router.post("/moving/contact")
async def contact_answer(request: Request) -> Response:
    journey = await answering(request)
    if journey is None:
        return back_to_start()
    form = await form_fields(request)
    errors = FormErrors()
    contact = parse_contact(form, errors)
    if contact is None:
        return _contact_form(request, journey, echo(form), errors)
    journey.answers.contact = contact
    return await save_and_continue(request, journey)


# -- check answers, send, confirmation ----------------------------------------------------------------------

def _check_form(request: Request, journey: Journey, errors: FormErrors, status_code: int = 200,
                estimate: EstimateView | None = None) -> Response:
    return render_page(request, "resident/check_answers.html", {
        "errors": errors, "sections": check_answer_sections(journey.answers),
        "back": "/moving/contact", "estimate": estimate, "estimate_note": ESTIMATE_NOTE,
    }, status_code=status_code if not errors else 400)


@router.get("/moving/check")
async def check_page(request: Request) -> Response:
    journey = await answering(request)
    if journey is None:
        return back_to_start()
    unanswered = [path for path, answered in question_paths(journey.answers) if not answered]
    if unanswered:
        return RedirectResponse(unanswered[0], status_code=303)
    shown_before = journey.answers.preview_digest
    estimate = await estimate_for(request, journey.answers)  # keeps the digest of what is shown, to send with it
    if journey.answers.idempotency_key is None or journey.answers.preview_digest != shown_before:
        journey.answers.idempotency_key = journey.answers.idempotency_key or str(uuid.uuid4())
        await save(request, journey)
    return _check_form(request, journey, FormErrors(), estimate=estimate)


@router.post("/moving/check")
async def send_notification(request: Request) -> Response:
    journey = await current_journey(request)
    if journey is not None and journey.answers.submitted is not None:
        return RedirectResponse("/moving/confirmation", status_code=303)  # a second click or a refresh
    if journey is None or journey.answers.kind is None:
        return back_to_start()
    try:
        notification = notification_request(journey.answers, uk_today().date())
    except ValidationError as error:
        errors = FormErrors()
        for item in error.errors():
            errors.add(f"answer-{len(errors.items)}", str(item.get("msg", "")).removeprefix("Value error, "),
                       anchor="main-content")
        return _check_form(request, journey, errors)
    except ValueError:
        return RedirectResponse("/moving/check", status_code=303)
    if journey.answers.idempotency_key is None:
        journey.answers.idempotency_key = str(uuid.uuid4())
        await save(request, journey)
    runtime: WebRuntime = request.app.state.runtime
    try:
        receipt = await _accept_once(runtime, journey, notification)
    except IntakeUnavailableError:
        return render_page(request, "errors/service_unavailable.html", {
            "page_title": "Sorry, the service is unavailable",
            "what_happened": "We could not send your notification just now.",
            "what_to_do": "Nothing was sent to the council. Your answers are saved: try again in a few minutes.",
            "retry_href": "/moving/check", "retry_text": "Go back to check your answers and try again",
        }, status_code=503)
    kind = journey.answers.kind
    journey.answers = JourneyAnswers(submitted=SubmittedReceipt(
        reference=receipt.reference, kind=kind, needs_review=needs_review(journey.answers)))
    await save(request, journey)
    log.info("resident notification sent", extra={"notification_id": receipt.notification_id})
    return RedirectResponse("/moving/confirmation", status_code=303)


async def _accept_once(runtime: WebRuntime, journey: Journey, notification: NotificationRequest) -> Receipt:
    """Send through the intake; a concurrent second click waits for the first to finish and shares its answer."""
    key = f"online-form:{journey.answers.idempotency_key}"
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SUBMIT_WAIT_SECONDS
    while True:
        try:
            return await accept_notification(runtime, notification, Channel.ONLINE_FORM,
                                             council_code=runtime.council_code, idempotency_key=key)
        except StillProcessingError:
            if loop.time() > deadline:
                raise IntakeUnavailableError("an earlier attempt is still being sent") from None
            await asyncio.sleep(0.25)
        except IdempotencyKeyReusedError:
            # The answers changed after an attempt that was stored: that was a different notification.
            journey.answers.idempotency_key = str(uuid.uuid4())
            key = f"online-form:{journey.answers.idempotency_key}"


@router.get("/moving/confirmation")
async def confirmation_page(request: Request) -> Response:
    journey = await current_journey(request)
    if journey is None or journey.answers.submitted is None:
        return back_to_start()
    submitted = journey.answers.submitted
    return render_page(request, "resident/confirmation.html",
                       {"reference": submitted.reference, "needs_review": submitted.needs_review})
