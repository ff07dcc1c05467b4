"""The answers and their wording for the everyday account changes (not moves): discount, household, students,
name and payment arrangement. :mod:`web.resident.answers` keeps them in the journey's answers."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from schemas.financial_year import financial_year_of
from schemas.notification import DiscountAction, HouseholdEvent, NameChangeReason, SpdReason

UK = ZoneInfo("Europe/London")


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


def instalments_label(twelve: bool, starts: date | None = None, today: date | None = None) -> str:
    """The scheme as the resident will get it for a bill that starts on ``starts`` (a move date) and is sent now.

    A demand for a year gives the whole scheme only when it is sent before that year or early in its April
    (SI 1992/613 Sch. 1 paras 2(3)(a), 2(3A)(a)(i): by 30 April for 10, by 15 April for 12). Sent later, that
    year's bill is spread over the months left before 31 March (paras 2(3)(b), 2(3A)(a)(ii), 2(4)), or from
    1 January is one amount (para 2(1)); the chosen scheme then runs from the next April. The bill gives the
    amounts (the rules in processors/rules/instalments.py work them out; the web side cannot import them).
    """
    scheme = "12 monthly instalments (April to March)" if twelve else "10 monthly instalments (April to January)"
    sent = today or datetime.now(UK).date()
    year = financial_year_of(max(starts or sent, sent))
    if sent < year.start or (sent.month == 4 and sent.day <= (15 if twelve else 30)):
        return scheme
    this_year = "one payment" if sent.month <= 3 else "monthly instalments up to March"
    return f"{scheme} from next April. This year's bill: {this_year}"
