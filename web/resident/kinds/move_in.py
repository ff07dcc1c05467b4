"""Moving into the area: the new address, the date, who lives there, own or rent, where from, instalments."""

from __future__ import annotations

from datetime import date

from schemas.notification import Change, ChangeKind, MoveIn
from web.resident.answers import AddressRole, JourneyAnswers
from web.resident.change_parts import dated, residents
from web.resident.change_summary import (
    address_html,
    instalment_rows,
    move_section,
    people_section,
    property_sections,
    summary_row,
    tenure_rows,
)
from web.resident.kinds.resident_kind import DateQuestion, Question, ResidentKind, Section

ADDRESSES = ((AddressRole.NEW, "the address you are moving into"),)


def questions(answers: JourneyAnswers) -> list[Question]:
    return [("/moving/date", answers.move_date is not None),
            ("/moving/people", bool(answers.people) and answers.people_done),
            ("/moving/tenure", answers.tenure is not None),
            ("/moving/previous-address", answers.previous_address is not None),
            ("/moving/instalments", answers.twelve_instalments is not None)]


def summary(answers: JourneyAnswers) -> list[Section]:
    previous = ([] if answers.previous_address is None else
                [summary_row("Your previous address", "/moving/previous-address", "your previous address",
                             html=address_html(answers.previous_address, in_the_area=False))])
    instalments = instalment_rows(answers.twelve_instalments, answers.move_date)
    return [move_section(answers, ADDRESSES), people_section(answers, ADDRESSES[0][1]),
            *property_sections(tenure_rows(answers) + previous + instalments)]


def build(answers: JourneyAnswers, _today: date) -> Change:
    new = answers.addresses[AddressRole.NEW]
    assert answers.tenure is not None
    previous = answers.previous_address.as_address() if answers.previous_address else None
    return MoveIn(uprn=new.uprn, address=new.as_address(), move_in_date=dated(answers), residents=residents(answers),
                  tenure=answers.tenure, previous_address=previous, twelve_instalments=bool(answers.twelve_instalments))


JOURNEY = ResidentKind(
    kind=ChangeKind.MOVE_IN, addresses=ADDRESSES, questions=questions, summary=summary, build=build,
    date_question=DateQuestion("When did you move in?", "date you moved in",
                               "If you have not moved in yet, enter the date you will move in. For example, 27 3 2026"),
    bill_estimate="Your Council Tax at the address you are moving into, from the day you move in.",
)
