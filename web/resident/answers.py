"""What a resident has answered so far in "Tell us about a change", and the order of the questions.

The answers live server-side (:mod:`web.stores.journeys`) between pages. Each kind of change asks its own
questions in its own order (:func:`question_paths`); after every answer the resident goes to the first
question still unanswered, which is the next one on the way through and the check-answers page after a
"Change" link. :mod:`web.resident.notification_builder` turns complete answers into the same request the
API takes. The paths keep their ``/moving`` prefix for every kind, so links residents were given still work.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field

from schemas.notification import Address, ChangeKind, DiscountAction, DisregardReason, HouseholdEvent, SpdReason, Tenure
from web.resident.change_answers import NameAnswers, PaymentAnswers, StudentAnswers


class AddressRole(StrEnum):
    """Which of the resident's addresses a page asks about."""

    NEW = "new"  # the property they are moving into
    LEAVING = "leaving"  # the property they are leaving
    HOME = "home"  # the property an account change is about


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
    # What the revenues team needs on a move: where a mover came from, the account being left, the scheme.
    previous_address: ChosenAddress | None = None
    account_reference: str | None = None
    account_reference_answered: bool = False
    twelve_instalments: bool | None = None
    # The everyday account changes.
    discount_action: DiscountAction | None = None
    discount_reason: SpdReason | None = None
    household_event: HouseholdEvent | None = None
    liable_persons: list[str] = Field(default_factory=list)
    students: list[StudentAnswers] = Field(default_factory=list)
    students_done: bool = False
    name_change: NameAnswers | None = None
    payment: PaymentAnswers | None = None
    contact: ContactAnswers | None = None
    idempotency_key: str | None = None
    submitted: SubmittedReceipt | None = None


KIND_LABELS = {
    ChangeKind.MOVE_IN: "Moving into the area",
    ChangeKind.MOVE_OUT: "Moving out of the area",
    ChangeKind.MOVE_WITHIN: "Moving from one address to another in the area",
    ChangeKind.SINGLE_PERSON_DISCOUNT: "Single person discount: claim it or stop it",
    ChangeKind.HOUSEHOLD_CHANGE: "Someone moved in or out, or started or stopped counting for discounts",
    ChangeKind.STUDENT_EXEMPTION: "Everyone who lives there is a full-time student",
    ChangeKind.CHANGE_OF_NAME: "A change of name",
    ChangeKind.PAYMENT_ARRANGEMENT: "How you pay: 10 or 12 instalments, or another payment day",
}

KIND_HINTS = {
    ChangeKind.MOVE_IN: "You are moving to an address in the area from somewhere else",
    ChangeKind.MOVE_OUT: "You are leaving an address in the area to live somewhere else",
    ChangeKind.MOVE_WITHIN: "Both your old and new addresses are in the area",
    ChangeKind.SINGLE_PERSON_DISCOUNT: "You get 25% off when only one adult who counts lives there",
    ChangeKind.HOUSEHOLD_CHANGE: "Tell us who lives there now and who pays",
    ChangeKind.STUDENT_EXEMPTION: "A home where everyone is a full-time student does not pay Council Tax",
    ChangeKind.CHANGE_OF_NAME: "For example after a marriage or by deed poll",
    ChangeKind.PAYMENT_ARRANGEMENT: "Spread your bill over 12 months, or choose the day you pay",
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
    if kind == ChangeKind.MOVE_WITHIN:
        return (AddressRole.LEAVING, AddressRole.NEW)
    return (AddressRole.HOME,)


def address_question(kind: ChangeKind | None, role: AddressRole) -> str:
    """How the pages name an address: 'the address you are moving into', ..."""
    if role == AddressRole.HOME:
        return "the address you pay Council Tax for"
    if role == AddressRole.NEW:
        return "your new address" if kind == ChangeKind.MOVE_WITHIN else "the address you are moving into"
    return "your old address" if kind == ChangeKind.MOVE_WITHIN else "the address you are leaving"


def asks_about_people(kind: ChangeKind) -> bool:
    return kind in {ChangeKind.MOVE_IN, ChangeKind.MOVE_WITHIN, ChangeKind.HOUSEHOLD_CHANGE}


def asks_for_account_number(kind: ChangeKind) -> bool:
    """Every kind about an account already open asks for its number (optional to answer)."""
    return kind not in {ChangeKind.MOVE_IN, ChangeKind.MOVE_WITHIN}


def question_paths(answers: JourneyAnswers) -> list[tuple[str, bool]]:
    """Each question's page path with whether it is answered, in the order the kind of change asks them."""
    kind = answers.kind
    pages: list[tuple[str, bool]] = [("/moving/kind", kind is not None)]
    if kind is None:
        return pages
    pages += [(f"/moving/address/{role.value}/postcode", role in answers.addresses) for role in address_roles(kind)]
    if kind.is_move:
        return pages + _move_paths(kind, answers)
    if asks_for_account_number(kind):
        pages.append(("/moving/account-number", answers.account_reference_answered))
    return pages + _account_change_paths(kind, answers) + [("/moving/contact", answers.contact is not None)]


def _people_paths(answers: JourneyAnswers) -> list[tuple[str, bool]]:
    return [("/moving/people", bool(answers.people) and answers.people_done)]


def _move_paths(kind: ChangeKind, answers: JourneyAnswers) -> list[tuple[str, bool]]:
    pages = [("/moving/date", answers.move_date is not None)]
    if asks_about_people(kind):
        pages += _people_paths(answers)
        pages.append(("/moving/tenure", answers.tenure is not None))
        if kind == ChangeKind.MOVE_IN:
            pages.append(("/moving/previous-address", answers.previous_address is not None))
        pages.append(("/moving/instalments", answers.twelve_instalments is not None))
    else:
        pages.append(("/moving/forwarding-address", answers.forwarding_address is not None))
        pages.append(("/moving/account-number", answers.account_reference_answered))
    return [*pages, ("/moving/contact", answers.contact is not None)]


def _account_change_paths(kind: ChangeKind, answers: JourneyAnswers) -> list[tuple[str, bool]]:
    dated = ("/moving/date", answers.move_date is not None)
    if kind == ChangeKind.SINGLE_PERSON_DISCOUNT:
        return [("/moving/discount", answers.discount_action is not None),
                ("/moving/discount/reason", answers.discount_reason is not None), dated]
    if kind == ChangeKind.HOUSEHOLD_CHANGE:
        return [("/moving/household", answers.household_event is not None), dated, *_people_paths(answers),
                ("/moving/household/liable", _liable_answered(answers))]
    if kind == ChangeKind.STUDENT_EXEMPTION:
        return [dated, ("/moving/students", bool(answers.students) and answers.students_done)]
    if kind == ChangeKind.CHANGE_OF_NAME:
        return [("/moving/name", answers.name_change is not None), dated]
    return [("/moving/payment", answers.payment is not None)]


def _liable_answered(answers: JourneyAnswers) -> bool:
    """Answered when someone is named liable and all named still live there (the list may have changed)."""
    names = {person.full_name for person in answers.people}
    return bool(answers.liable_persons) and set(answers.liable_persons) <= names


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
