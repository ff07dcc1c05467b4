"""Payment arrangement: 10 or 12 instalments and the day of the month (no date asked: it is dated the day sent)."""

from __future__ import annotations

from datetime import date

from schemas.notification import Change, ChangeKind, PaymentArrangement
from web.resident.answers import JourneyAnswers
from web.resident.change_parts import home
from web.resident.change_summary import Row, change_section, instalment_rows, ordinal, summary_row
from web.resident.kinds.resident_kind import HOME, Question, ResidentKind, Section


def questions(answers: JourneyAnswers) -> list[Question]:
    return [("/moving/account-number", answers.account_reference_answered),
            ("/moving/payment", answers.payment is not None)]


def summary(answers: JourneyAnswers) -> list[Section]:
    rows: list[Row] = []
    if answers.payment:
        day = answers.payment.payment_day
        rows = [*instalment_rows(answers.payment.twelve_instalments, answers.move_date, "/moving/payment"),
                summary_row("Day of the month", "/moving/payment", "the day you pay",
                            text=f"The {ordinal(day)}" if day else "Keep the day I pay now")]
    return [change_section(answers, HOME, rows)]


def build(answers: JourneyAnswers, today: date) -> Change:
    assert answers.payment is not None
    payment = answers.payment
    return PaymentArrangement.model_validate({**home(answers), "twelve_instalments": payment.twelve_instalments,
                                              "payment_day": payment.payment_day, "requested_on": today})


JOURNEY = ResidentKind(
    kind=ChangeKind.PAYMENT_ARRANGEMENT, addresses=HOME, questions=questions, summary=summary, build=build,
    bill_estimate="Your instalments with the new payment arrangement.",
)
