"""Single person discount: claim or stop, why, and from what date."""

from __future__ import annotations

from datetime import date

from schemas.notification import Change, ChangeKind, SinglePersonDiscount
from web.resident.answers import JourneyAnswers
from web.resident.change_answers import DISCOUNT_ACTION_LABELS, SPD_REASON_LABELS
from web.resident.change_parts import dated, home
from web.resident.change_summary import Row, change_section, summary_row
from web.resident.kinds.resident_kind import HOME, DateQuestion, Question, ResidentKind, Section


def questions(answers: JourneyAnswers) -> list[Question]:
    return [("/moving/account-number", answers.account_reference_answered),
            ("/moving/discount", answers.discount_action is not None),
            ("/moving/discount/reason", answers.discount_reason is not None),
            ("/moving/date", answers.move_date is not None)]


def summary(answers: JourneyAnswers) -> list[Section]:
    rows: list[Row] = []
    if answers.discount_action and answers.discount_reason:
        rows = [summary_row("Single person discount", "/moving/discount", "claim or stop",
                            text=DISCOUNT_ACTION_LABELS[answers.discount_action]),
                summary_row("Why", "/moving/discount/reason", "why", text=SPD_REASON_LABELS[answers.discount_reason])]
    return [change_section(answers, HOME, rows)]


def build(answers: JourneyAnswers, _today: date) -> Change:
    assert answers.discount_action is not None
    assert answers.discount_reason is not None
    return SinglePersonDiscount.model_validate({**home(answers), "action": answers.discount_action,
                                                "effective_date": dated(answers), "reason": answers.discount_reason})


JOURNEY = ResidentKind(
    kind=ChangeKind.SINGLE_PERSON_DISCOUNT, addresses=HOME, questions=questions, summary=summary, build=build,
    date_question=DateQuestion("From what date?", "date the change happened",
                               "The date the other adults left or stopped counting, or the date someone "
                               "moved in or turned 18. For example, 27 3 2026"),
    bill_estimate="Your bill with the change to your single person discount.",
)
