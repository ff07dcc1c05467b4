"""Check-answers rows for what is asked beyond the move itself: account number, instalments, previous
address, and each account change's own questions (discount, household, students, name, payment)."""

from __future__ import annotations

from typing import Any

from markupsafe import escape

from schemas.notification import ChangeKind
from web.resident.answers import ChosenAddress, JourneyAnswers, asks_for_account_number
from web.resident.change_answers import (
    DISCOUNT_ACTION_LABELS,
    HOUSEHOLD_EVENT_LABELS,
    NAME_REASON_LABELS,
    SPD_REASON_LABELS,
    instalments_label,
)


def summary_row(key: str, href: str, hidden: str, *, text: str = "", html: str | None = None) -> dict[str, Any]:
    """One ``govukSummaryList`` row with a Change link back to the question."""
    value: dict[str, str] = {"html": html} if html is not None else {"text": text}
    return {"key": {"text": key}, "value": value,
            "actions": {"items": [{"href": href, "text": "Change", "visuallyHiddenText": hidden}]}}


def address_html(address: ChosenAddress, *, in_the_area: bool = True) -> str:
    """The address's lines; one in the area that is not in the register says a person will check it."""
    lines = "<br>".join(str(escape(line)) for line in address.lines())
    if address.uprn is None and in_the_area:
        lines += '<br><span class="govuk-hint">Not in our list of properties: we will check it</span>'
    return lines


def account_rows(answers: JourneyAnswers) -> list[dict[str, Any]]:
    if answers.kind is None or not asks_for_account_number(answers.kind) or not answers.account_reference_answered:
        return []
    return [summary_row("Council Tax account number", "/moving/account-number", "your account number",
                        text=answers.account_reference or "Not given")]


def change_rows(answers: JourneyAnswers) -> list[dict[str, Any]]:
    """The rows of an account change's own questions, in the order asked."""
    rows: list[dict[str, Any]] = []
    if answers.kind == ChangeKind.SINGLE_PERSON_DISCOUNT and answers.discount_action and answers.discount_reason:
        rows += [summary_row("Single person discount", "/moving/discount", "claim or stop",
                             text=DISCOUNT_ACTION_LABELS[answers.discount_action]),
                 summary_row("Why", "/moving/discount/reason", "why",
                             text=SPD_REASON_LABELS[answers.discount_reason])]
    if answers.kind == ChangeKind.HOUSEHOLD_CHANGE and answers.household_event:
        rows.append(summary_row("What has changed", "/moving/household", "what has changed",
                                text=HOUSEHOLD_EVENT_LABELS[answers.household_event]))
    if answers.kind == ChangeKind.CHANGE_OF_NAME and answers.name_change:
        named = answers.name_change
        rows += [summary_row("Name on the bill now", "/moving/name", "the name on the bill now",
                             text=named.previous_name),
                 summary_row("New name", "/moving/name", "the new name", text=named.new_name),
                 summary_row("Why the name changed", "/moving/name", "why the name changed",
                             text=NAME_REASON_LABELS[named.reason])]
    if answers.kind == ChangeKind.PAYMENT_ARRANGEMENT and answers.payment:
        day = answers.payment.payment_day
        rows += [summary_row("Instalments", "/moving/payment", "how many instalments",
                             text=instalments_label(answers.payment.twelve_instalments, answers.move_date)),
                 summary_row("Day of the month", "/moving/payment", "the day you pay",
                             text=f"The {_ordinal(day)}" if day else "Keep the day I pay now")]
    return rows


def liable_rows(answers: JourneyAnswers) -> list[dict[str, Any]]:
    if answers.kind != ChangeKind.HOUSEHOLD_CHANGE or not answers.liable_persons:
        return []
    return [summary_row("Who pays", "/moving/household/liable", "who pays", text=", ".join(answers.liable_persons))]


def student_section(answers: JourneyAnswers) -> list[dict[str, Any]]:
    if answers.kind != ChangeKind.STUDENT_EXEMPTION:
        return []
    rows = [summary_row(student.full_name, f"/moving/students/{number}", f"details of {student.full_name}",
                        text=f"{student.institution}. Certificate {student.certificate_reference}")
            for number, student in enumerate(answers.students, start=1)]
    return [{"title": "Students who live there", "rows": rows}]


def move_extra_rows(answers: JourneyAnswers) -> list[dict[str, Any]]:
    """Previous address (moving in) and the instalments (moving in or within)."""
    rows: list[dict[str, Any]] = []
    if answers.kind == ChangeKind.MOVE_IN and answers.previous_address is not None:
        rows.append(summary_row("Your previous address", "/moving/previous-address", "your previous address",
                                html=address_html(answers.previous_address, in_the_area=False)))
    if answers.kind in {ChangeKind.MOVE_IN, ChangeKind.MOVE_WITHIN} and answers.twelve_instalments is not None:
        rows.append(summary_row("Instalments", "/moving/instalments", "how many instalments",
                                text=instalments_label(answers.twelve_instalments, answers.move_date)))
    return rows


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"
