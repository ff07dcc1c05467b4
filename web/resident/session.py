"""The resident pages' per-browser state: finding a journey's answers from its cookie, saving them, moving on.

:class:`ResidentServices` is what the resident pages need while the app runs (``app.state.resident``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import Request
from starlette.responses import RedirectResponse, Response

from adapters.revenues_port import PropertyRegister
from web.in_thread import in_thread
from web.resident.answers import JourneyAnswers
from web.resident.question_order import next_path
from web.stores.journeys import JourneyStore, cookie_name

START_PATH = "/moving"
UK = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class ResidentServices:
    journeys: JourneyStore[JourneyAnswers]
    register: PropertyRegister
    secure_cookies: bool


@dataclass
class Journey:
    """One browser's answers and the token that finds them."""

    token: str
    answers: JourneyAnswers


def services(request: Request) -> ResidentServices:
    found: ResidentServices = request.app.state.resident
    return found


def uk_today() -> datetime:
    return datetime.now(UK)


async def current_journey(request: Request) -> Journey | None:
    """Return this browser's unfinished (or just submitted) journey, or None."""
    resident = services(request)
    token = request.cookies.get(cookie_name(resident.secure_cookies))
    if not token or len(token) > 100:
        return None
    answers = await in_thread(resident.journeys.load, token)
    return Journey(token, answers) if answers is not None else None


async def new_journey(request: Request) -> Journey:
    token = await in_thread(services(request).journeys.start)
    return Journey(token, JourneyAnswers())


async def save(request: Request, journey: Journey) -> None:
    await in_thread(services(request).journeys.save, journey.token, journey.answers)


def with_cookie(request: Request, response: Response, journey: Journey) -> Response:
    """Attach the journey cookie (a browser session cookie: gone when the browser closes)."""
    secure = services(request).secure_cookies
    response.set_cookie(cookie_name(secure), journey.token, httponly=True, samesite="lax", secure=secure, path="/")
    return response


async def save_and_continue(request: Request, journey: Journey, to: str | None = None) -> Response:
    """Save the answers and send the browser to ``to``, or else to the first unanswered question."""
    await save(request, journey)
    return RedirectResponse(to or next_path(journey.answers), status_code=303)


def back_to_start() -> Response:
    """Where a page goes when there are no answers (never started, expired, or already sent)."""
    return RedirectResponse(START_PATH, status_code=303)
