"""Moving within the area: the old and new addresses, the date, who lives there, own or rent, instalments."""

from __future__ import annotations

from datetime import date

from schemas.notification import Change, ChangeKind, MoveWithin
from web.resident.answers import AddressRole, JourneyAnswers
from web.resident.change_parts import dated, residents
from web.resident.change_summary import instalment_rows, move_section, people_section, property_sections, tenure_rows
from web.resident.kinds.resident_kind import DateQuestion, Question, ResidentKind, Section

ADDRESSES = ((AddressRole.LEAVING, "your old address"), (AddressRole.NEW, "your new address"))


def questions(answers: JourneyAnswers) -> list[Question]:
    return [("/moving/date", answers.move_date is not None),
            ("/moving/people", bool(answers.people) and answers.people_done),
            ("/moving/tenure", answers.tenure is not None),
            ("/moving/instalments", answers.twelve_instalments is not None)]


def summary(answers: JourneyAnswers) -> list[Section]:
    return [move_section(answers, ADDRESSES), people_section(answers, "your new address"),
            *property_sections(tenure_rows(answers) + instalment_rows(answers.twelve_instalments, answers.move_date))]


def build(answers: JourneyAnswers, _today: date) -> Change:
    leaving, new = answers.addresses[AddressRole.LEAVING], answers.addresses[AddressRole.NEW]
    assert answers.tenure is not None
    return MoveWithin(from_uprn=leaving.uprn, from_address=leaving.as_address(), to_uprn=new.uprn,
                      to_address=new.as_address(), move_date=dated(answers), residents=residents(answers),
                      tenure=answers.tenure, twelve_instalments=bool(answers.twelve_instalments))


JOURNEY = ResidentKind(
    kind=ChangeKind.MOVE_WITHIN, addresses=ADDRESSES, questions=questions, summary=summary, build=build,
    date_question=DateQuestion("When did you move?", "date you moved",
                               "If you have not moved yet, enter the date you will move. For example, 27 3 2026"),
    bill_estimate=("Your Council Tax at your new address, from the day you move. We will send the final bill "
                   "for the address you are leaving separately."),
)
