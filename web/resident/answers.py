"""What a resident has answered so far in "Tell us about a change".

The answers live server-side (:mod:`web.stores.journeys`) between pages. Each kind of change asks its own
questions in its own order (:mod:`web.resident.question_order`, :mod:`web.resident.kinds`);
:mod:`web.resident.notification_builder` turns complete answers into the same request the API takes.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field

from schemas.notification import (
    Address,
    ChangeKind,
    DiscountAction,
    DisregardReason,
    HouseholdEvent,
    SealedBankAccount,
    SpdReason,
    Tenure,
)
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
    owner_known: bool = False  # the register names the owner (never shown to the resident)

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
    # Leaving a home whose owner the register does not know: was it rented, and from whom.
    rented: bool | None = None
    landlord_name: str | None = None
    landlord_answered: bool = False
    twelve_instalments: bool | None = None
    # Moving out: where to refund a final bill in credit, sealed on its page (never kept in clear); asked only
    # where the council takes bank details (a key and the modulus tables configured).
    refunds_offered: bool = False
    refund_to: SealedBankAccount | None = None
    refund_answered: bool = False
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
    preview_digest: str | None = None  # of the bill estimate last shown on check answers, sent with the notification
    submitted: SubmittedReceipt | None = None


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
