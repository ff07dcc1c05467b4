"""The parts of a change that several kinds build the same way from the resident's answers."""

from __future__ import annotations

from datetime import date

from schemas.notification import Resident
from web.resident.answers import AddressRole, JourneyAnswers


def residents(answers: JourneyAnswers) -> tuple[Resident, ...]:
    return tuple(Resident(full_name=p.full_name, date_of_birth=p.date_of_birth, disregard=p.disregard)
                 for p in answers.people)


def dated(answers: JourneyAnswers) -> date:
    if answers.move_date is None:
        raise ValueError("the journey is not complete")
    return answers.move_date


def home(answers: JourneyAnswers) -> dict[str, object]:
    """The property and account fields every change to an open account has."""
    chosen = answers.addresses[AddressRole.HOME]
    return {"uprn": chosen.uprn, "address": chosen.as_address(), "account_reference": answers.account_reference}
