"""Turn a resident's complete answers into the same request the intake API takes, one builder per kind."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from schemas.notification import (
    Change,
    ChangeKind,
    Contact,
    HouseholdChange,
    MoveIn,
    MoveOut,
    MoveWithin,
    NameChange,
    NotificationRequest,
    PaymentArrangement,
    Resident,
    SinglePersonDiscount,
    Student,
    StudentExemption,
)
from web.resident.answers import AddressRole, JourneyAnswers, next_path


def notification_request(answers: JourneyAnswers, today: date) -> NotificationRequest:
    """Build the intake request from complete answers (raises ValueError if a question is unanswered).

    ``today`` dates a payment arrangement, which asks for no date.
    """
    if next_path(answers) != "/moving/check" or answers.kind is None or answers.contact is None:
        raise ValueError("the journey is not complete")
    contact = Contact(full_name=answers.contact.full_name, email=answers.contact.email, phone=answers.contact.phone)
    build = _BUILDERS.get(answers.kind)
    if build is None:
        raise ValueError(f"residents cannot send a {answers.kind.value}")
    return NotificationRequest(contact=contact, change=build(answers, today))


def _residents(answers: JourneyAnswers) -> tuple[Resident, ...]:
    return tuple(Resident(full_name=p.full_name, date_of_birth=p.date_of_birth, disregard=p.disregard)
                 for p in answers.people)


def _dated(answers: JourneyAnswers) -> date:
    if answers.move_date is None:
        raise ValueError("the journey is not complete")
    return answers.move_date


def _move_in(answers: JourneyAnswers, _today: date) -> Change:
    new = answers.addresses[AddressRole.NEW]
    assert answers.tenure is not None
    previous = answers.previous_address.as_address() if answers.previous_address else None
    return MoveIn(uprn=new.uprn, address=new.as_address(), move_in_date=_dated(answers), residents=_residents(answers),
                  tenure=answers.tenure, previous_address=previous, twelve_instalments=bool(answers.twelve_instalments))


def _move_out(answers: JourneyAnswers, _today: date) -> Change:
    leaving = answers.addresses[AddressRole.LEAVING]
    assert answers.forwarding_address is not None
    return MoveOut(uprn=leaving.uprn, address=leaving.as_address(), move_out_date=_dated(answers),
                   forwarding_address=answers.forwarding_address.as_address(),
                   account_reference=answers.account_reference)


def _move_within(answers: JourneyAnswers, _today: date) -> Change:
    leaving, new = answers.addresses[AddressRole.LEAVING], answers.addresses[AddressRole.NEW]
    assert answers.tenure is not None
    return MoveWithin(from_uprn=leaving.uprn, from_address=leaving.as_address(), to_uprn=new.uprn,
                      to_address=new.as_address(), move_date=_dated(answers), residents=_residents(answers),
                      tenure=answers.tenure, twelve_instalments=bool(answers.twelve_instalments))


def _home(answers: JourneyAnswers) -> dict[str, object]:
    home = answers.addresses[AddressRole.HOME]
    return {"uprn": home.uprn, "address": home.as_address(), "account_reference": answers.account_reference}


def _discount(answers: JourneyAnswers, _today: date) -> Change:
    assert answers.discount_action is not None
    assert answers.discount_reason is not None
    return SinglePersonDiscount.model_validate({**_home(answers), "action": answers.discount_action,
                                                "effective_date": _dated(answers), "reason": answers.discount_reason})


def _household(answers: JourneyAnswers, _today: date) -> Change:
    assert answers.household_event is not None
    return HouseholdChange.model_validate({**_home(answers), "effective_date": _dated(answers),
                                           "event": answers.household_event, "residents": _residents(answers),
                                           "liable_persons": tuple(answers.liable_persons)})


def _students(answers: JourneyAnswers, _today: date) -> Change:
    students = tuple(Student(full_name=s.full_name, institution=s.institution,
                             certificate_reference=s.certificate_reference) for s in answers.students)
    return StudentExemption.model_validate({**_home(answers), "effective_date": _dated(answers),
                                            "students": students})


def _name(answers: JourneyAnswers, _today: date) -> Change:
    assert answers.name_change is not None
    named = answers.name_change
    return NameChange.model_validate({**_home(answers), "previous_name": named.previous_name,
                                      "new_name": named.new_name, "reason": named.reason,
                                      "effective_date": _dated(answers)})


def _payment(answers: JourneyAnswers, today: date) -> Change:
    assert answers.payment is not None
    payment = answers.payment
    return PaymentArrangement.model_validate({**_home(answers), "twelve_instalments": payment.twelve_instalments,
                                              "payment_day": payment.payment_day, "requested_on": today})


_BUILDERS: dict[ChangeKind, Callable[[JourneyAnswers, date], Change]] = {
    ChangeKind.MOVE_IN: _move_in,
    ChangeKind.MOVE_OUT: _move_out,
    ChangeKind.MOVE_WITHIN: _move_within,
    ChangeKind.SINGLE_PERSON_DISCOUNT: _discount,
    ChangeKind.HOUSEHOLD_CHANGE: _household,
    ChangeKind.STUDENT_EXEMPTION: _students,
    ChangeKind.CHANGE_OF_NAME: _name,
    ChangeKind.PAYMENT_ARRANGEMENT: _payment,
}
