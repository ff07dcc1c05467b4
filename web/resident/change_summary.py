"""The check-answers page's rows and sections that several kinds of change show the same way; each kind
(:mod:`web.resident.kinds`) puts its own together from these."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from markupsafe import escape

from web.http.govuk_dates import long_date
from web.kind_wording import RESIDENT_CHOICES
from web.resident.answers import DISREGARD_LABELS, TENURE_LABELS, AddressRole, ChosenAddress, JourneyAnswers
from web.resident.change_answers import instalments_label

Row = dict[str, Any]
Section = dict[str, Any]


def summary_row(key: str, href: str, hidden: str, *, text: str = "", html: str | None = None) -> Row:
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


def _opening_rows(answers: JourneyAnswers, addresses: Sequence[tuple[AddressRole, str]]) -> list[Row]:
    """What the resident is telling us about, then each address asked, as the pages named it."""
    assert answers.kind is not None
    rows = [summary_row("What you are telling us about", "/moving/kind", "what you are telling us about",
                        text=RESIDENT_CHOICES[answers.kind].label)]
    for role, name in addresses:
        address = answers.addresses.get(role)
        if address is not None:
            href = (f"/moving/address/{role.value}/manual" if address.uprn is None
                    else f"/moving/address/{role.value}/postcode")
            rows.append(summary_row(name[0].upper() + name[1:], href, name, html=address_html(address)))
    return rows


def _date_rows(answers: JourneyAnswers, label: str) -> list[Row]:
    if answers.move_date is None:
        return []
    return [summary_row(label, "/moving/date", label.lower(), text=long_date(answers.move_date))]


def account_rows(answers: JourneyAnswers) -> list[Row]:
    """The optional account number, once the question is answered."""
    if not answers.account_reference_answered:
        return []
    return [summary_row("Council Tax account number", "/moving/account-number", "your account number",
                        text=answers.account_reference or "Not given")]


def move_section(answers: JourneyAnswers, addresses: Sequence[tuple[AddressRole, str]],
                 after_date: Sequence[Row] = ()) -> Section:
    """"Your move": the kind, the addresses, the date of the move, then ``after_date``."""
    rows = _opening_rows(answers, addresses) + _date_rows(answers, "Date of the move") + list(after_date)
    return {"title": "Your move", "rows": rows}


def change_section(answers: JourneyAnswers, addresses: Sequence[tuple[AddressRole, str]],
                   own_rows: Sequence[Row] = ()) -> Section:
    """"Your change": the kind, the address, the account number, the kind's own answers, the date."""
    rows = (_opening_rows(answers, addresses) + account_rows(answers) + list(own_rows)
            + _date_rows(answers, "Date of the change"))
    return {"title": "Your change", "rows": rows}


def people_section(answers: JourneyAnswers, where: str, extra_rows: Sequence[Row] = ()) -> Section:
    """The adults who live there, each with a Change link, then ``extra_rows``."""
    rows = []
    for number, person in enumerate(answers.people, start=1):
        detail = f"Born {long_date(person.date_of_birth)}"
        if person.disregard is not None:
            detail += f". {DISREGARD_LABELS[person.disregard]}"
        rows.append(summary_row(person.full_name, f"/moving/people/{number}", f"details of {person.full_name}",
                                text=detail))
    return {"title": f"Adults who live at {where}", "rows": rows + list(extra_rows)}


def property_sections(rows: Sequence[Row]) -> list[Section]:
    """"The property" section, when there is anything to show in it."""
    return [{"title": "The property", "rows": list(rows)}] if rows else []


def instalment_rows(twelve: bool | None, starts: date | None, href: str = "/moving/instalments") -> list[Row]:
    """The scheme chosen, as the resident will get it for a bill that starts on ``starts``."""
    if twelve is None:
        return []
    return [summary_row("Instalments", href, "how many instalments", text=instalments_label(twelve, starts))]


def ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def tenure_rows(answers: JourneyAnswers) -> list[Row]:
    if answers.tenure is None:
        return []
    return [summary_row("Own or rent", "/moving/tenure", "whether you own or rent",
                        text=TENURE_LABELS[answers.tenure])]
