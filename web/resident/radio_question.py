"""A question page with one set of radios: shown with the answer so far, checked, kept, and on to the next page.

Most one-choice questions of the resident journey differ only in their words, their options and the answer
they keep; :func:`add_radio_question` gives each the same GET and POST routes, so the error message, the Back
link and the return to the start page (a journey that does not ask the question) are the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from fastapi import APIRouter, Request
from starlette.responses import Response

from web.http.page_templates import render_page
from web.resident.answers import JourneyAnswers
from web.resident.forms import FormErrors, form_fields, parse_choice
from web.resident.page_flow import answering, previous_page, radio_items, status_for
from web.resident.session import Journey, back_to_start, save_and_continue


@dataclass(frozen=True)
class RadioQuestion:
    route: str  # the path under the router's prefix ("" for the prefix itself)
    name: str  # the form field
    title: Callable[[JourneyAnswers], str]
    hint: str | None
    options: Callable[[JourneyAnswers], Mapping[str, str]]  # value -> label, in the order shown
    error: str  # what to say when nothing (or something not offered) is chosen
    current: Callable[[JourneyAnswers], str | None]  # the answer so far, as an option's value
    keep: Callable[[JourneyAnswers, str], None]  # store the chosen option's value in the answers
    asked: Callable[[JourneyAnswers], bool]  # whether this journey asks the question at all


def add_radio_question(router: APIRouter, question: RadioQuestion) -> None:
    """Add the question's page (GET) and its answer (POST) to ``router``."""
    path = router.prefix + question.route

    async def asking(request: Request) -> Journey | None:
        journey = await answering(request)
        return journey if journey is not None and question.asked(journey.answers) else None

    def form(request: Request, journey: Journey, chosen: str | None, errors: FormErrors) -> Response:
        return render_page(request, "resident/radios.html", {
            "errors": errors, "name": question.name, "page_title": question.title(journey.answers),
            "hint": question.hint, "items": radio_items(dict(question.options(journey.answers)), chosen),
            "back": previous_page(journey, path),
        }, status_code=status_for(errors))

    async def page(request: Request) -> Response:
        journey = await asking(request)
        if journey is None:
            return back_to_start()
        return form(request, journey, question.current(journey.answers), FormErrors())

    async def answer(request: Request) -> Response:
        journey = await asking(request)
        if journey is None:
            return back_to_start()
        errors = FormErrors()
        value = parse_choice(await form_fields(request), errors, question.name,
                             set(question.options(journey.answers)), question.error)
        if value is None:
            return form(request, journey, None, errors)
        question.keep(journey.answers, value)
        return await save_and_continue(request, journey)

    endpoint = f"{question.name}_question"
    router.add_api_route(question.route, page, methods=["GET"], name=f"{endpoint}_page")
    router.add_api_route(question.route, answer, methods=["POST"], name=f"{endpoint}_answer")
