"""Who lives there: what changed, from when, the adults living there after it, and who pays."""

from __future__ import annotations

from datetime import date

from schemas.notification import Change, ChangeKind, HouseholdChange
from web.resident.answers import JourneyAnswers
from web.resident.change_answers import HOUSEHOLD_EVENT_LABELS
from web.resident.change_parts import dated, home, residents
from web.resident.change_summary import Row, change_section, people_section, summary_row
from web.resident.kinds.resident_kind import HOME, DateQuestion, Question, ResidentKind, Section


def questions(answers: JourneyAnswers) -> list[Question]:
    return [("/moving/account-number", answers.account_reference_answered),
            ("/moving/household", answers.household_event is not None),
            ("/moving/date", answers.move_date is not None),
            ("/moving/people", bool(answers.people) and answers.people_done),
            ("/moving/household/liable", _liable_answered(answers))]


def _liable_answered(answers: JourneyAnswers) -> bool:
    """Answered when someone is named liable and all named still live there (the list may have changed)."""
    names = {person.full_name for person in answers.people}
    return bool(answers.liable_persons) and set(answers.liable_persons) <= names


def summary(answers: JourneyAnswers) -> list[Section]:
    own: list[Row] = []
    if answers.household_event:
        own.append(summary_row("What has changed", "/moving/household", "what has changed",
                               text=HOUSEHOLD_EVENT_LABELS[answers.household_event]))
    liable: list[Row] = []
    if answers.liable_persons:
        liable.append(summary_row("Who pays", "/moving/household/liable", "who pays",
                                  text=", ".join(answers.liable_persons)))
    return [change_section(answers, HOME, own), people_section(answers, "the property", liable)]


def build(answers: JourneyAnswers, _today: date) -> Change:
    assert answers.household_event is not None
    return HouseholdChange.model_validate({**home(answers), "effective_date": dated(answers),
                                           "event": answers.household_event, "residents": residents(answers),
                                           "liable_persons": tuple(answers.liable_persons)})


JOURNEY = ResidentKind(
    kind=ChangeKind.HOUSEHOLD_CHANGE, addresses=HOME, questions=questions, summary=summary, build=build,
    date_question=DateQuestion("When did this happen?", "date it happened", "For example, 27 3 2026"),
    bill_estimate="Your bill with the change to who lives there.",
)
