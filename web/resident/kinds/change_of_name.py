"""Change of name: the name on the bill now, the new name, why, and when it changed."""

from __future__ import annotations

from datetime import date

from schemas.notification import Change, ChangeKind, NameChange
from web.resident.answers import JourneyAnswers
from web.resident.change_answers import NAME_REASON_LABELS
from web.resident.change_parts import dated, home
from web.resident.change_summary import Row, change_section, summary_row
from web.resident.kinds.resident_kind import HOME, DateQuestion, Question, ResidentKind, Section


def questions(answers: JourneyAnswers) -> list[Question]:
    return [("/moving/account-number", answers.account_reference_answered),
            ("/moving/name", answers.name_change is not None),
            ("/moving/date", answers.move_date is not None)]


def summary(answers: JourneyAnswers) -> list[Section]:
    rows: list[Row] = []
    if answers.name_change:
        named = answers.name_change
        rows = [summary_row("Name on the bill now", "/moving/name", "the name on the bill now",
                            text=named.previous_name),
                summary_row("New name", "/moving/name", "the new name", text=named.new_name),
                summary_row("Why the name changed", "/moving/name", "why the name changed",
                            text=NAME_REASON_LABELS[named.reason])]
    return [change_section(answers, HOME, rows)]


def build(answers: JourneyAnswers, _today: date) -> Change:
    assert answers.name_change is not None
    named = answers.name_change
    return NameChange.model_validate({**home(answers), "previous_name": named.previous_name,
                                      "new_name": named.new_name, "reason": named.reason,
                                      "effective_date": dated(answers)})


JOURNEY = ResidentKind(
    kind=ChangeKind.CHANGE_OF_NAME, addresses=HOME, questions=questions, summary=summary, build=build,
    date_question=DateQuestion("When did the name change?", "date the name changed", "For example, 27 3 2026"),
    bill_estimate="Your bill once the name on the account is changed.",
)
