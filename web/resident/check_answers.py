"""The check-answers page's summary lists: every answer with a Change link back to its question."""

from __future__ import annotations

from typing import Any

from schemas.notification import ChangeKind
from web.http.govuk_dates import long_date
from web.resident.answers import (
    DISREGARD_LABELS,
    KIND_LABELS,
    TENURE_LABELS,
    AddressRole,
    JourneyAnswers,
    address_question,
    address_roles,
    asks_about_people,
)
from web.resident.change_summary import (
    account_rows,
    address_html,
    change_rows,
    liable_rows,
    move_extra_rows,
    student_section,
    summary_row,
)


def check_answer_sections(answers: JourneyAnswers) -> list[dict[str, Any]]:
    """Sections of rows for ``govukSummaryList``, in the order the questions were asked."""
    kind = answers.kind
    assert kind is not None
    rows = [summary_row("What you are telling us about", "/moving/kind", "what you are telling us about",
                        text=KIND_LABELS[kind])]
    for role in address_roles(kind):
        address = answers.addresses.get(role)
        if address is not None:
            name = address_question(kind, role)
            href = (f"/moving/address/{role.value}/manual" if address.uprn is None
                    else f"/moving/address/{role.value}/postcode")
            rows.append(summary_row(name[0].upper() + name[1:], href, name, html=address_html(address)))
    if not kind.is_move:
        rows += account_rows(answers) + change_rows(answers)
    if answers.move_date is not None:
        label = "Date of the move" if kind.is_move else "Date of the change"
        rows.append(summary_row(label, "/moving/date", label.lower(), text=long_date(answers.move_date)))
    if answers.forwarding_address is not None and kind == ChangeKind.MOVE_OUT:
        rows.append(summary_row("Your new address", "/moving/forwarding-address", "your new address",
                                html=address_html(answers.forwarding_address, in_the_area=False)))
    if kind.is_move:
        rows += account_rows(answers)
    sections = [{"title": "Your move" if kind.is_move else "Your change", "rows": rows},
                *_people_sections(answers), *student_section(answers)]
    contact = answers.contact
    if contact is not None:
        sections.append({"title": "Your contact details", "rows": [
            summary_row("Full name", "/moving/contact", "your name", text=contact.full_name),
            summary_row("Email address", "/moving/contact", "your email address", text=contact.email or "Not given"),
            summary_row("Telephone number", "/moving/contact", "your telephone number",
                        text=contact.phone or "Not given"),
        ]})
    return sections


def _people_sections(answers: JourneyAnswers) -> list[dict[str, Any]]:
    kind = answers.kind
    assert kind is not None
    if not asks_about_people(kind):
        return []
    people_rows = []
    for number, person in enumerate(answers.people, start=1):
        detail = f"Born {long_date(person.date_of_birth)}"
        if person.disregard is not None:
            detail += f". {DISREGARD_LABELS[person.disregard]}"
        people_rows.append(summary_row(person.full_name, f"/moving/people/{number}", f"details of {person.full_name}",
                                       text=detail))
    where = address_question(kind, AddressRole.NEW) if kind.is_move else "the property"
    sections = [{"title": f"Adults who live at {where}", "rows": people_rows + liable_rows(answers)}]
    property_rows = move_extra_rows(answers)
    if answers.tenure is not None and kind.is_move:
        property_rows.insert(0, summary_row("Own or rent", "/moving/tenure", "whether you own or rent",
                                            text=TENURE_LABELS[answers.tenure]))
    if property_rows:
        sections.append({"title": "The property", "rows": property_rows})
    return sections
