"""The officer's correction form: which parts of a notification can be corrected, read back and checked.

An officer corrects what review is about: the property or properties and the date of every kind; the
account reference of a change to an open account; the name on the account of a change of name; the
certificate references of a student exemption. Who moved and their contact details stay as sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from web.kind_wording import CorrectedProperty, KindWording, date_fields, wording_for

ADDRESS_PARTS = ("line_1", "line_2", "town", "postcode")


def _wording(kind: str) -> KindWording:
    wording = wording_for(kind)
    if wording is None:
        raise ValueError(f"no wording for the kind of change {kind!r} in web/kind_wording.py")
    return wording


def property_fields(kind: str) -> list[CorrectedProperty]:
    """The properties of this kind of change, each with its form's legend and the change's field names."""
    return list(_wording(kind).properties)


def date_key(kind: str) -> str:
    """The change's field holding the date of this kind (corrected as ``<key>-day``, ``-month``, ``-year``)."""
    return _wording(kind).date_field


def date_label(kind: str) -> str:
    return _wording(kind).date_label


@dataclass(frozen=True)
class TextField:
    """A one-line correction: ``key`` is the form field id, ``path`` where it sits in the change."""

    key: str
    label: str
    path: tuple[str | int, ...]
    optional: bool = False


def text_fields(change: Mapping[str, Any]) -> list[TextField]:
    """The one-line fields an officer may correct on this kind of change."""
    fields = [TextField(text.key, text.label, (text.key,)) for text in _wording(str(change["kind"])).corrected_text]
    for number, student in enumerate(change.get("students") or ()):
        fields.append(TextField(f"students-{number}-certificate_reference",
                                f"Certificate reference of {student['full_name']}",
                                ("students", number, "certificate_reference")))
    if "account_reference" in change:
        fields.append(TextField("account_reference", "Account reference (optional)", ("account_reference",),
                                optional=True))
    if "landlord_name" in change:  # a move-out: who owns the home left empty, when the register does not know
        fields.append(TextField("landlord_name", "Owner or letting agent of the home left (liable while it is "
                                "empty; optional)", ("landlord_name",), optional=True))
    return fields


def _value_at(change: Mapping[str, Any], path: tuple[str | int, ...]) -> Any:
    found: Any = change
    for step in path:
        found = found[step]
    return found


def _with_value(change: dict[str, Any], path: tuple[str | int, ...], value: str | None) -> None:
    """Set ``value`` at ``path``, copying the lists and objects on the way so the original stays as sent."""
    if len(path) == 1:
        change[str(path[0])] = value
        return
    name, index, leaf = path
    items = [dict(item) for item in change[str(name)]]
    items[int(index)][str(leaf)] = value
    change[str(name)] = items


def initial_values(change: Mapping[str, Any]) -> dict[str, str]:
    """Form values for a notification's change as the resident sent it."""
    values: dict[str, str] = {}
    kind = str(change["kind"])
    for fields in property_fields(kind):
        values[fields.uprn_key] = str(change.get(fields.uprn_key) or "")
        address = change[fields.address_key]
        for part in ADDRESS_PARTS:
            values[f"{fields.address_key}-{part}"] = str(address.get(part) or "")
    for text in text_fields(change):
        values[text.key] = str(_value_at(change, text.path) or "")
    key = date_key(kind)
    day = date.fromisoformat(str(change[key]))
    values.update({f"{key}-day": str(day.day), f"{key}-month": str(day.month), f"{key}-year": str(day.year)})
    return values


def corrected_change(change: Mapping[str, Any], form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the change with the officer's corrections, and errors by form field id (empty when it reads)."""
    kind = str(change["kind"])
    corrected = dict(change)
    errors: dict[str, str] = {}
    for fields in property_fields(kind):
        corrected[fields.uprn_key] = form.get(fields.uprn_key, "").strip() or None
        address = {part: form.get(f"{fields.address_key}-{part}", "").strip() for part in ADDRESS_PARTS}
        corrected[fields.address_key] = {**address, "line_2": address["line_2"] or None}
    for text in text_fields(change):
        typed = form.get(text.key, "").strip()
        if not typed and not text.optional:
            errors[text.key] = f"Enter the {text.label[0].lower()}{text.label[1:]}"
        _with_value(corrected, text.path, typed or None)
    key = date_key(kind)
    try:
        corrected[key] = date(int(form.get(f"{key}-year", "")), int(form.get(f"{key}-month", "")),
                              int(form.get(f"{key}-day", ""))).isoformat()
    except ValueError:
        errors[f"{key}-day"] = f"Enter a real {date_label(kind).lower()}, for example 27 3 2026"
    return corrected, errors


def errors_from_validation(error: ValidationError, kind: str) -> dict[str, str]:
    """Map pydantic's errors on a ChangeNotification to the correction form's field ids."""
    errors: dict[str, str] = {}
    first_field = property_fields(kind)[0].uprn_key
    for item in error.errors(include_url=False):
        parts = [str(p) for p in item["loc"] if str(p) not in {"change", kind}]
        message = str(item["msg"]).removeprefix("Value error, ")
        if len(parts) >= 3 and parts[0] == "students":
            field = f"students-{parts[1]}-{parts[2]}"
        elif len(parts) >= 2 and parts[0].endswith("address"):
            field = f"{parts[0]}-{parts[1]}"
        elif parts and parts[0] in date_fields():
            field = f"{parts[0]}-day"
        elif parts:
            field = parts[0]
        else:
            field = first_field
        errors.setdefault(field, message)
    return errors


_DETAILS = (
    ("action", "Discount"), ("reason", "Reason"), ("event", "What changed"), ("previous_name", "Previous name"),
    ("new_name", "New name"), ("account_reference", "Account reference given"),
    ("twelve_instalments", "12 instalments"), ("payment_day", "Payment day"),
)


def detail_rows(change: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Summary-list rows of what the resident told us beyond the property and date, for the officer to read."""
    rows = [{"key": {"text": label}, "value": {"text": _readable(change[key])}}
            for key, label in _DETAILS if change.get(key) not in (None, "")]
    if change.get("liable_persons"):
        rows.append({"key": {"text": "Liable"}, "value": {"text": ", ".join(change["liable_persons"])}})
    for student in change.get("students") or ():
        text = f"{student['full_name']}, {student['institution']}, certificate {student['certificate_reference']}"
        rows.append({"key": {"text": "Student"}, "value": {"text": text}})
    return rows


def _readable(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value).replace("_", " ")
