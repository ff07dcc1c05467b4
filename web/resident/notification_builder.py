"""Turn a resident's complete answers into the same request the intake API takes (each kind builds its change)."""

from __future__ import annotations

from datetime import date

from schemas.notification import Contact, NotificationRequest
from web.resident.answers import JourneyAnswers
from web.resident.question_order import CHECK_PATH, NoResidentJourneyError, next_path, resident_kind


def notification_request(answers: JourneyAnswers, today: date) -> NotificationRequest:
    """Build the intake request from complete answers (raises ValueError if a question is unanswered).

    ``today`` dates a payment arrangement, which asks for no date.
    """
    if answers.kind is None:
        raise ValueError("the journey is not complete")
    try:
        journey = resident_kind(answers.kind)
    except NoResidentJourneyError as error:
        raise ValueError(str(error)) from None
    if next_path(answers) != CHECK_PATH or answers.contact is None:
        raise ValueError("the journey is not complete")
    contact = Contact(full_name=answers.contact.full_name, email=answers.contact.email, phone=answers.contact.phone)
    return NotificationRequest(contact=contact, change=journey.build(answers, today),
                               preview_digest=answers.preview_digest)
