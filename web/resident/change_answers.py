"""The answers and their wording for the everyday account changes (not moves): discount, household, students,
name and payment arrangement. :mod:`web.resident.answers` keeps them in the journey's answers."""

from __future__ import annotations

from pydantic import BaseModel

from schemas.notification import DiscountAction, HouseholdEvent, NameChangeReason, SpdReason


class StudentAnswers(BaseModel):
    full_name: str
    institution: str
    certificate_reference: str


class NameAnswers(BaseModel):
    previous_name: str
    new_name: str
    reason: NameChangeReason


class PaymentAnswers(BaseModel):
    twelve_instalments: bool
    payment_day: int | None = None  # None: keep the day the account has


DISCOUNT_ACTION_LABELS = {
    DiscountAction.CLAIM: "Claim a single person discount",
    DiscountAction.END: "Stop a single person discount",
}

SPD_REASON_LABELS = {
    SpdReason.ONLY_ADULT: "I am the only adult (aged 18 or over) who lives there",
    SpdReason.OTHERS_LEFT: "The other adults have moved out",
    SpdReason.OTHERS_DISREGARDED: "The other adults do not count, for example they are full-time students",
    SpdReason.SOMEONE_MOVED_IN: "Another adult has moved in",
    SpdReason.SOMEONE_TURNED_18: "Someone who lives there has turned 18",
    SpdReason.DISREGARD_ENDED: "Someone who did not count now does, for example they finished their course",
}

CLAIM_REASONS = (SpdReason.ONLY_ADULT, SpdReason.OTHERS_LEFT, SpdReason.OTHERS_DISREGARDED)
END_REASONS = (SpdReason.SOMEONE_MOVED_IN, SpdReason.SOMEONE_TURNED_18, SpdReason.DISREGARD_ENDED)

HOUSEHOLD_EVENT_LABELS = {
    HouseholdEvent.ADULT_JOINED: "An adult moved in",
    HouseholdEvent.ADULT_LEFT: "An adult moved out",
    HouseholdEvent.DISREGARD_STARTED: "Someone stopped counting for discounts, for example they became a student",
    HouseholdEvent.DISREGARD_ENDED: "Someone started counting for discounts, for example they finished a course",
}

NAME_REASON_LABELS = {
    NameChangeReason.MARRIAGE: "Marriage",
    NameChangeReason.CIVIL_PARTNERSHIP: "Civil partnership",
    NameChangeReason.DIVORCE: "Divorce or dissolution",
    NameChangeReason.DEED_POLL: "Deed poll",
    NameChangeReason.OTHER: "Another reason",
}


def instalments_label(twelve: bool) -> str:
    return "12 monthly instalments (April to March)" if twelve else "10 monthly instalments (April to January)"
