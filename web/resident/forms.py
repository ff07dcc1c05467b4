"""Reading and checking what a resident typed on each page, with error messages in plain English.

Every parser takes the submitted form fields and returns the cleaned answer or records what is wrong in
a :class:`FormErrors`, which the page turns into the GOV.UK error summary and the inline messages. Lengths
are limited here as well as by the inputs' ``maxlength``, since a form can be posted without the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from starlette.requests import Request

from schemas.formats import (
    MAX_ADDRESS_LINE_LENGTH,
    MAX_EMAIL_LENGTH,
    MAX_NAME_LENGTH,
    clean_email,
    clean_name,
    clean_phone,
    clean_text,
    normalise_postcode,
)
from schemas.notification import ADULT_AGE, DisregardReason
from web.http.govuk_dates import long_date
from web.resident.answers import ChosenAddress, ContactAnswers, Person

MAX_POSTCODE_LENGTH = 10
MAX_TOWN_LENGTH = 60
MAX_PHONE_LENGTH = 20
NO_DISREGARD = "none"
Form = Mapping[str, str]


@dataclass(frozen=True)
class FieldError:
    key: str  # which question: the inline message is shown against it
    anchor: str  # the id of the input the error summary links to
    message: str


@dataclass
class FormErrors:
    """The problems with one submitted page, in page order."""

    items: list[FieldError] = field(default_factory=list)

    def add(self, key: str, message: str, anchor: str | None = None) -> None:
        if not self.has(key):
            self.items.append(FieldError(key, anchor or key, message))

    def has(self, key: str) -> bool:
        return any(item.key == key for item in self.items)

    def message(self, key: str) -> dict[str, str] | None:
        """The inline ``errorMessage`` parameter of a GOV.UK macro, or None when the field is fine."""
        for item in self.items:
            if item.key == key:
                return {"text": item.message}
        return None

    def summary(self) -> list[dict[str, str]]:
        """The ``errorList`` of the GOV.UK error summary."""
        return [{"text": item.message, "href": f"#{item.anchor}"} for item in self.items]

    def __bool__(self) -> bool:
        return bool(self.items)


async def form_fields(request: Request) -> dict[str, str]:
    """The text fields of a submitted form (a repeated name keeps its first value; files are ignored)."""
    fields: dict[str, str] = {}
    for key, value in (await request.form()).multi_items():
        if isinstance(value, str):
            fields.setdefault(key, value)
    return fields


def echo(form: Form, limit: int = 200) -> dict[str, str]:
    """What to show back in the inputs after an error, cut short so a huge post is not echoed whole."""
    return {key: value[:limit] for key, value in form.items()}


def text_value(form: Form, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def parse_postcode(form: Form, errors: FormErrors, *, name: str = "postcode") -> str | None:
    raw = text_value(form, name).strip()
    if not raw:
        errors.add(name, "Enter a postcode")
        return None
    if len(raw) > MAX_POSTCODE_LENGTH:
        errors.add(name, "Enter a real postcode, like SW1A 2AA")
        return None
    try:
        return normalise_postcode(raw)
    except ValueError:
        errors.add(name, "Enter a real postcode, like SW1A 2AA")
        return None


def _line(form: Form, errors: FormErrors, name: str, *, what: str, max_length: int, required: bool) -> str | None:
    raw = text_value(form, name)
    if not raw.strip():
        if required:
            errors.add(name, f"Enter {what}")
        return None
    if len(raw.strip()) > max_length:
        errors.add(name, f"{what[0].upper()}{what[1:]} must be {max_length} characters or fewer")
        return None
    try:
        return clean_text(raw, max_length=max_length, what=what)
    except ValueError:
        errors.add(name, f"{what[0].upper()}{what[1:]} must not include special characters such as tabs")
        return None


def address_field_values(address: ChosenAddress | None) -> dict[str, str]:
    """The address form's fields filled from an address kept earlier (what :func:`parse_manual_address` reads)."""
    if address is None:
        return {}
    return {"address-line-1": address.line_1, "address-line-2": address.line_2 or "",
            "address-town": address.town, "address-postcode": address.postcode}


def parse_manual_address(form: Form, errors: FormErrors) -> ChosenAddress | None:
    """The GOV.UK address pattern: two lines, town, postcode."""
    line_1 = _line(form, errors, "address-line-1", what="address line 1, typically the building and street",
                   max_length=MAX_ADDRESS_LINE_LENGTH, required=True)
    line_2 = _line(form, errors, "address-line-2", what="address line 2", max_length=MAX_ADDRESS_LINE_LENGTH,
                   required=False)
    town = _line(form, errors, "address-town", what="town or city", max_length=MAX_TOWN_LENGTH, required=True)
    postcode = parse_postcode(form, errors, name="address-postcode")
    if line_1 is None or town is None or postcode is None or errors:
        return None
    return ChosenAddress(uprn=None, line_1=line_1, line_2=line_2, town=town, postcode=postcode)


@dataclass(frozen=True)
class DateWording:
    """How one date question is worded in its messages: 'Enter the date you moved in', 'Date you moved in must...'."""

    noun: str  # e.g. "date you moved in"

    @property
    def sentence(self) -> str:
        return self.noun[0].upper() + self.noun[1:]


def parse_date(form: Form, errors: FormErrors, name: str, wording: DateWording) -> date | None:
    """Read a GOV.UK date input (``name-day``, ``name-month``, ``name-year``) and explain what is wrong."""
    parts = {part: text_value(form, f"{name}-{part}").strip() for part in ("day", "month", "year")}
    missing = [part for part, value in parts.items() if not value]
    if len(missing) == 3:
        errors.add(name, f"Enter the {wording.noun}", anchor=f"{name}-day")
        return None
    if missing:
        errors.add(name, f"{wording.sentence} must include a {' and '.join(missing)}", anchor=f"{name}-{missing[0]}")
        return None
    if not all(value.isdigit() and len(value) <= 4 for value in parts.values()):
        errors.add(name, f"{wording.sentence} must be a real date", anchor=f"{name}-day")
        return None
    if len(parts["year"]) != 4:
        errors.add(name, "Year must include 4 numbers", anchor=f"{name}-year")
        return None
    try:
        return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        errors.add(name, f"{wording.sentence} must be a real date", anchor=f"{name}-day")
        return None


def check_date_between(value: date, earliest: date, latest: date, errors: FormErrors, name: str,
                       wording: DateWording) -> None:
    if value < earliest:
        errors.add(name, f"{wording.sentence} must be on or after {long_date(earliest)}", anchor=f"{name}-day")
    elif value > latest:
        errors.add(name, f"{wording.sentence} must be on or before {long_date(latest)}", anchor=f"{name}-day")


def parse_person(form: Form, errors: FormErrors, *, move_date: date | None, today: date) -> Person | None:
    """One adult who lives at the address: name, date of birth, and whether they are disregarded."""
    name: str | None = None
    raw_name = text_value(form, "full-name")
    if not raw_name.strip():
        errors.add("full-name", "Enter their full name")
    elif len(raw_name.strip()) > MAX_NAME_LENGTH:
        errors.add("full-name", f"Full name must be {MAX_NAME_LENGTH} characters or fewer")
    else:
        try:
            name = clean_name(raw_name)
        except ValueError as error:
            errors.add("full-name", str(error))
    born = parse_date(form, errors, "date-of-birth", DateWording("date of birth"))
    if born is not None:
        if born >= today:
            errors.add("date-of-birth", "Date of birth must be in the past", anchor="date-of-birth-day")
        elif born.year < today.year - 130:
            errors.add("date-of-birth", "Date of birth must be a real date", anchor="date-of-birth-day")
        elif _age_on(born, move_date or today) < ADULT_AGE:
            errors.add("date-of-birth", f"Only tell us about people aged {ADULT_AGE} or over on the date of the move",
                       anchor="date-of-birth-day")
    choice = text_value(form, "disregard")
    disregard: DisregardReason | None = None
    if not choice:
        errors.add("disregard", "Select if any of these apply to them, or select 'No, none of these'")
    elif choice != NO_DISREGARD:
        try:
            disregard = DisregardReason(choice)
        except ValueError:
            errors.add("disregard", "Select if any of these apply to them, or select 'No, none of these'")
    if errors or name is None or born is None:
        return None
    return Person(full_name=name, date_of_birth=born, disregard=disregard)


def _age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def parse_contact(form: Form, errors: FormErrors) -> ContactAnswers | None:
    """The resident's name and at least one of email and phone."""
    name: str | None = None
    raw_name = text_value(form, "contact-name")
    if not raw_name.strip():
        errors.add("contact-name", "Enter your full name")
    elif len(raw_name.strip()) > MAX_NAME_LENGTH:
        errors.add("contact-name", f"Full name must be {MAX_NAME_LENGTH} characters or fewer")
    else:
        try:
            name = clean_name(raw_name)
        except ValueError as error:
            errors.add("contact-name", str(error))
    email = _optional(form, errors, "contact-email", MAX_EMAIL_LENGTH, clean_email,
                      "Enter an email address in the correct format, like name@example.com")
    phone = _optional(form, errors, "contact-phone", MAX_PHONE_LENGTH, clean_phone,
                      "Enter a telephone number, like 01632 960 001 or +44 808 157 0192")
    if not errors.has("contact-email") and not errors.has("contact-phone") and email is None and phone is None:
        errors.add("contact-email", "Enter an email address or a telephone number so we can contact you")
    if errors or name is None:
        return None
    return ContactAnswers(full_name=name, email=email, phone=phone)


def _optional(form: Form, errors: FormErrors, name: str, max_length: int, clean: Callable[[str], str],
              message: str) -> str | None:
    raw = text_value(form, name).strip()
    if not raw:
        return None
    if len(raw) > max_length:
        errors.add(name, message)
        return None
    try:
        return clean(raw)
    except ValueError:
        errors.add(name, message)
        return None


def parse_choice(form: Form, errors: FormErrors, name: str, allowed: set[str], message: str) -> str | None:
    """A radios answer that must be one of the offered values."""
    value = text_value(form, name)
    if value not in allowed:
        errors.add(name, message)
        return None
    return value


def parse_name(form: Form, errors: FormErrors, name: str, *, what: str = "their full name") -> str | None:
    """A person's name, cleaned as the contract cleans it."""
    raw = text_value(form, name)
    if not raw.strip():
        errors.add(name, f"Enter {what}")
        return None
    if len(raw.strip()) > MAX_NAME_LENGTH:
        errors.add(name, f"{what[0].upper()}{what[1:]} must be {MAX_NAME_LENGTH} characters or fewer")
        return None
    try:
        return clean_name(raw)
    except ValueError as error:
        errors.add(name, str(error))
        return None


def parse_text(form: Form, errors: FormErrors, name: str, *, what: str, max_length: int,
               pattern: str | None = None, example: str = "") -> str | None:
    """A required one-line answer; with ``pattern``, one that must match it (``example`` shows the format)."""
    value = _line(form, errors, name, what=what, max_length=max_length, required=True)
    if value is not None and pattern is not None and re.fullmatch(pattern, value) is None:
        errors.add(name, f"{what[0].upper()}{what[1:]} must be in the right format, like {example}")
        return None
    return value
