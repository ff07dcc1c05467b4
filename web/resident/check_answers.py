"""The check-answers page's summary lists: every answer with a Change link back to its question."""

from __future__ import annotations

from typing import Any

from markupsafe import escape

from web.http.govuk_dates import long_date
from web.resident.answers import (
    DISREGARD_LABELS,
    KIND_LABELS,
    TENURE_LABELS,
    AddressRole,
    ChosenAddress,
    JourneyAnswers,
    address_question,
    address_roles,
    asks_about_people,
)


def _row(key: str, value_html: str | None, href: str, hidden: str, *, text: str | None = None) -> dict[str, Any]:
    value: dict[str, str] = {"html": value_html} if value_html is not None else {"text": text or ""}
    return {"key": {"text": key}, "value": value,
            "actions": {"items": [{"href": href, "text": "Change", "visuallyHiddenText": hidden}]}}


def _address_html(address: ChosenAddress) -> str:
    lines = "<br>".join(str(escape(line)) for line in address.lines())
    if address.uprn is None:
        lines += '<br><span class="govuk-hint">Not in our list of properties: we will check it</span>'
    return lines


def check_answer_sections(answers: JourneyAnswers) -> list[dict[str, Any]]:
    """Sections of rows for ``govukSummaryList``, in the order the questions were asked."""
    kind = answers.kind
    assert kind is not None
    move_rows = [_row("Kind of move", None, "/moving/kind", "kind of move", text=KIND_LABELS[kind])]
    for role in address_roles(kind):
        address = answers.addresses.get(role)
        if address is not None:
            name = address_question(kind, role)
            href = (f"/moving/address/{role.value}/manual" if address.uprn is None
                    else f"/moving/address/{role.value}/postcode")
            move_rows.append(_row(name[0].upper() + name[1:], _address_html(address), href, name))
    if answers.move_date is not None:
        move_rows.append(_row("Date of the move", None, "/moving/date", "date of the move",
                              text=long_date(answers.move_date)))
    if answers.forwarding_address is not None and not asks_about_people(kind):
        move_rows.append(_row("Your new address", _address_html(answers.forwarding_address),
                              "/moving/forwarding-address", "your new address"))
    sections = [{"title": "Your move", "rows": move_rows}]
    if asks_about_people(kind):
        people_rows = []
        for number, person in enumerate(answers.people, start=1):
            detail = f"Born {long_date(person.date_of_birth)}"
            if person.disregard is not None:
                detail += f". {DISREGARD_LABELS[person.disregard]}"
            people_rows.append(_row(person.full_name, None, f"/moving/people/{number}",
                                    f"details of {person.full_name}", text=detail))
        sections.append({"title": "Adults who live at " + address_question(kind, AddressRole.NEW),
                         "rows": people_rows})
        if answers.tenure is not None:
            sections.append({"title": "The property", "rows": [
                _row("Own or rent", None, "/moving/tenure", "whether you own or rent",
                     text=TENURE_LABELS[answers.tenure])]})
    contact = answers.contact
    if contact is not None:
        sections.append({"title": "Your contact details", "rows": [
            _row("Full name", None, "/moving/contact", "your name", text=contact.full_name),
            _row("Email address", None, "/moving/contact", "your email address", text=contact.email or "Not given"),
            _row("Telephone number", None, "/moving/contact", "your telephone number",
                 text=contact.phone or "Not given"),
        ]})
    return sections
