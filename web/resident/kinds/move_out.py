"""Moving out of the area: the address left, the date, the forwarding address, the account number and where to
refund a final bill in credit."""

from __future__ import annotations

from datetime import date
from typing import Any

from schemas.notification import Change, ChangeKind, MoveOut
from web.resident.answers import AddressRole, JourneyAnswers
from web.resident.change_parts import dated
from web.resident.change_summary import Row, account_rows, address_html, move_section, summary_row
from web.resident.kinds.resident_kind import DateQuestion, Question, ResidentKind, Section
from web.resident.landlord_question import LANDLORD_PATH, RENTED_PATH, owner_unknown

ADDRESSES = ((AddressRole.LEAVING, "the address you are leaving"),)


def questions(answers: JourneyAnswers) -> list[Question]:
    asked = [("/moving/date", answers.move_date is not None),
             ("/moving/forwarding-address", answers.forwarding_address is not None)]
    if owner_unknown(answers):  # the owner pays while the home is empty: who is it, if it was rented
        asked.append((RENTED_PATH, answers.rented is not None))
        if answers.rented:
            asked.append((LANDLORD_PATH, answers.landlord_answered))
    return [*asked, ("/moving/account-number", answers.account_reference_answered),
            *([("/moving/refund", answers.refund_answered)] if answers.refunds_offered else [])]


def landlord_rows(answers: JourneyAnswers) -> list[Row]:
    if not owner_unknown(answers) or answers.rented is None:
        return []
    rows = [summary_row("Rented", RENTED_PATH, "whether you rented the home", text="Yes" if answers.rented else "No")]
    if answers.rented and answers.landlord_name:
        rows.append(summary_row("Landlord or letting agent", LANDLORD_PATH, "your landlord or letting agent",
                                text=answers.landlord_name))
    return rows


def summary(answers: JourneyAnswers) -> list[Section]:
    forwarding = ([] if answers.forwarding_address is None else
                  [summary_row("Your new address", "/moving/forwarding-address", "your new address",
                               html=address_html(answers.forwarding_address, in_the_area=False))])
    return [move_section(answers, ADDRESSES,
                         forwarding + landlord_rows(answers) + account_rows(answers) + refund_rows(answers))]


def refund_rows(answers: JourneyAnswers) -> list[dict[str, Any]]:
    """Where any credit is refunded: the bank account masked, once the question is answered."""
    if not answers.refund_answered:
        return []
    return [summary_row("Refund of any credit", "/moving/refund", "where to refund any credit",
                        text=answers.refund_to.masked.capitalize() if answers.refund_to else "Not given: "
                        "we will write to you about any credit")]


def build(answers: JourneyAnswers, _today: date) -> Change:
    leaving = answers.addresses[AddressRole.LEAVING]
    assert answers.forwarding_address is not None
    return MoveOut(uprn=leaving.uprn, address=leaving.as_address(), move_out_date=dated(answers),
                   forwarding_address=answers.forwarding_address.as_address(),
                   account_reference=answers.account_reference, refund_to=answers.refund_to,
                   landlord_name=answers.landlord_name if answers.rented and owner_unknown(answers) else None)


JOURNEY = ResidentKind(
    kind=ChangeKind.MOVE_OUT, addresses=ADDRESSES, questions=questions, summary=summary, build=build,
    date_question=DateQuestion(
        "When did you move out?", "date you moved out",
        "If you have not moved out yet, enter the date you will move out. For example, 27 3 2026"),
    bill_estimate="Your final bill for the address you are leaving, up to the day before you move out.",
)
