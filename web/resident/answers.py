"""What a resident has answered so far in "Tell us you're moving", and the order of the questions.

The answers live server-side (:mod:`web.stores.journeys`) between pages. Each kind of move asks its own
questions in its own order (:func:`question_paths`); after every answer the resident goes to the first
question still unanswered, which is the next one on the way through and the check-answers page after a
"Change" link. :func:`notification_request` turns complete answers into the same request the API takes.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field

from schemas.notification import (
    Address,
    ChangeKind,
    Contact,
    DisregardReason,
    MoveIn,
    MoveOut,
    MoveWithin,
    NotificationRequest,
    Resident,
    Tenure,
)


class AddressRole(StrEnum):
    """Which of the resident's addresses a page asks about."""

    NEW = "new"  # the property they are moving into
    LEAVING = "leaving"  # the property they are leaving


class ChosenAddress(BaseModel):
    """An address picked from the property register (with its UPRN) or typed in by hand (no UPRN)."""

    uprn: str | None = None
    line_1: str
    line_2: str | None = None
    town: str
    postcode: str

    def as_address(self) -> Address:
        return Address(line_1=self.line_1, line_2=self.line_2, town=self.town, postcode=self.postcode)

    def lines(self) -> list[str]:
        return [line for line in (self.line_1, self.line_2, self.town, self.postcode) if line]


class Person(BaseModel):
    full_name: str
    date_of_birth: date
    disregard: DisregardReason | None = None


class ContactAnswers(BaseModel):
    full_name: str
    email: str | None = None
    phone: str | None = None


class SubmittedReceipt(BaseModel):
    """Kept after submission so the confirmation page (and a refresh of it) can show the reference."""

    reference: str
    kind: ChangeKind
    needs_review: bool


class JourneyAnswers(BaseModel):
    kind: ChangeKind | None = None
    searched_postcode: dict[AddressRole, str] = Field(default_factory=dict)
    addresses: dict[AddressRole, ChosenAddress] = Field(default_factory=dict)
    move_date: date | None = None
    people: list[Person] = Field(default_factory=list)
    people_done: bool = False
    tenure: Tenure | None = None
    forwarding_address: ChosenAddress | None = None
    contact: ContactAnswers | None = None
    idempotency_key: str | None = None
    submitted: SubmittedReceipt | None = None


KIND_LABELS = {
    ChangeKind.MOVE_IN: "Moving into the area",
    ChangeKind.MOVE_OUT: "Moving out of the area",
    ChangeKind.MOVE_WITHIN: "Moving from one address to another in the area",
}

TENURE_LABELS = {
    Tenure.OWNER_OCCUPIER: "I own it or I'm buying it",
    Tenure.PRIVATE_TENANT: "I rent it from a private landlord or letting agent",
    Tenure.SOCIAL_TENANT: "I rent it from the council or a housing association",
    Tenure.LODGER: "I'm a lodger",
    Tenure.OTHER: "Something else",
}

DISREGARD_LABELS = {
    DisregardReason.FULL_TIME_STUDENT: "Full-time student",
    DisregardReason.STUDENT_NURSE: "Student nurse",
    DisregardReason.APPRENTICE: "Apprentice",
    DisregardReason.YOUTH_TRAINING: "On a youth training scheme, aged under 25",
    DisregardReason.SEVERELY_MENTALLY_IMPAIRED: "Severely mentally impaired",
    DisregardReason.CARER: "Lives with and cares for someone who is not their partner or child under 18",
    DisregardReason.CARE_LEAVER: "Care leaver, aged under 25",
    DisregardReason.DIPLOMAT: "Diplomat or member of a visiting armed force",
    DisregardReason.RELIGIOUS_COMMUNITY: "Member of a religious community",
    DisregardReason.HOSPITAL_PATIENT: "Long-term hospital patient",
    DisregardReason.CARE_HOME_RESIDENT: "Lives in a care home",
    DisregardReason.PRISONER: "In prison or detention",
}


def address_roles(kind: ChangeKind) -> tuple[AddressRole, ...]:
    """The addresses a kind of move asks for, in the order asked."""
    if kind == ChangeKind.MOVE_IN:
        return (AddressRole.NEW,)
    if kind == ChangeKind.MOVE_OUT:
        return (AddressRole.LEAVING,)
    return (AddressRole.LEAVING, AddressRole.NEW)


def address_question(kind: ChangeKind | None, role: AddressRole) -> str:
    """How the pages name an address: 'the address you are moving into', ..."""
    if role == AddressRole.NEW:
        return "your new address" if kind == ChangeKind.MOVE_WITHIN else "the address you are moving into"
    return "your old address" if kind == ChangeKind.MOVE_WITHIN else "the address you are leaving"


def asks_about_people(kind: ChangeKind) -> bool:
    return kind in {ChangeKind.MOVE_IN, ChangeKind.MOVE_WITHIN}


def question_paths(answers: JourneyAnswers) -> list[tuple[str, bool]]:
    """Each question's page path with whether it is answered, in the order the kind of move asks them."""
    kind = answers.kind
    pages: list[tuple[str, bool]] = [("/moving/kind", kind is not None)]
    if kind is None:
        return pages
    pages += [(f"/moving/address/{role.value}/postcode", role in answers.addresses) for role in address_roles(kind)]
    pages.append(("/moving/date", answers.move_date is not None))
    if asks_about_people(kind):
        pages.append(("/moving/people", bool(answers.people) and answers.people_done))
        pages.append(("/moving/tenure", answers.tenure is not None))
    else:
        pages.append(("/moving/forwarding-address", answers.forwarding_address is not None))
    pages.append(("/moving/contact", answers.contact is not None))
    return pages


def next_path(answers: JourneyAnswers) -> str:
    """The first unanswered question, or the check-answers page when every question is answered."""
    for path, answered in question_paths(answers):
        if not answered:
            return path
    return "/moving/check"


def needs_review(answers: JourneyAnswers) -> bool:
    """True when an address was typed in, so a person will match it to the register."""
    return any(address.uprn is None for role, address in answers.addresses.items()
               if answers.kind is not None and role in address_roles(answers.kind))


def notification_request(answers: JourneyAnswers) -> NotificationRequest:
    """Build the intake request from complete answers (raises ValueError if a question is unanswered)."""
    if next_path(answers) != "/moving/check" or answers.kind is None or answers.move_date is None:
        raise ValueError("the journey is not complete")
    assert answers.contact is not None
    contact = Contact(full_name=answers.contact.full_name, email=answers.contact.email, phone=answers.contact.phone)
    residents = tuple(Resident(full_name=p.full_name, date_of_birth=p.date_of_birth, disregard=p.disregard)
                      for p in answers.people)
    change: MoveIn | MoveOut | MoveWithin
    if answers.kind == ChangeKind.MOVE_IN:
        new = answers.addresses[AddressRole.NEW]
        assert answers.tenure is not None
        change = MoveIn(uprn=new.uprn, address=new.as_address(), move_in_date=answers.move_date,
                        residents=residents, tenure=answers.tenure)
    elif answers.kind == ChangeKind.MOVE_OUT:
        leaving = answers.addresses[AddressRole.LEAVING]
        assert answers.forwarding_address is not None
        change = MoveOut(uprn=leaving.uprn, address=leaving.as_address(), move_out_date=answers.move_date,
                         forwarding_address=answers.forwarding_address.as_address())
    else:
        leaving, new = answers.addresses[AddressRole.LEAVING], answers.addresses[AddressRole.NEW]
        assert answers.tenure is not None
        change = MoveWithin(from_uprn=leaving.uprn, from_address=leaving.as_address(), to_uprn=new.uprn,
                            to_address=new.as_address(), move_date=answers.move_date, residents=residents,
                            tenure=answers.tenure)
    return NotificationRequest(contact=contact, change=change)
