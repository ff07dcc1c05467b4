"""Residents' answers for the journey's tests: a registered address, a typed-in one, a complete move."""

from __future__ import annotations

from datetime import date
from typing import Any

from schemas.notification import ChangeKind, Tenure
from web.resident.answers import AddressRole, ChosenAddress, ContactAnswers, JourneyAnswers, Person

REGISTERED = ChosenAddress(uprn="100091000001", line_1="1 Mill Lane", town="Exampleton", postcode="ZY3 1AA")
TYPED = ChosenAddress(uprn=None, line_1="7 Mill Lane", town="Exampleton", postcode="ZY3 1AA")


def complete_move_within(new: ChosenAddress = TYPED) -> JourneyAnswers:
    return JourneyAnswers(
        kind=ChangeKind.MOVE_WITHIN, addresses={AddressRole.LEAVING: REGISTERED, AddressRole.NEW: new},
        move_date=date(2026, 1, 10), people=[Person(full_name="Sam Taylor", date_of_birth=date(1990, 1, 1))],
        people_done=True, tenure=Tenure.OWNER_OCCUPIER, twelve_instalments=False,
        contact=ContactAnswers(full_name="Sam Taylor", phone="01632 960 001"),
    )


HOME = ChosenAddress(uprn="100091000004", line_1="4 Mill Lane", town="Exampleton", postcode="ZY3 1AA")
CONTACT = ContactAnswers(full_name="Sam Taylor", phone="01632 960 001")


def account_change(kind: ChangeKind, **answers: Any) -> JourneyAnswers:
    """Answers for an account change at HOME, its account number given; ``answers`` fill the kind's questions."""
    return JourneyAnswers(kind=kind, addresses={AddressRole.HOME: HOME}, account_reference="500000004",
                          account_reference_answered=True, contact=CONTACT, **answers)
