"""The officer's correction form: which parts of a notification can be corrected, read back and checked.

An officer corrects what review is about (the property or properties and the move date); who moved and
their contact details stay as the resident sent them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

DATE_KEYS = {"move_in": "move_in_date", "move_out": "move_out_date", "move_within": "move_date"}
ADDRESS_PARTS = ("line_1", "line_2", "town", "postcode")


@dataclass(frozen=True)
class PropertyFields:
    legend: str
    uprn_key: str
    address_key: str


def property_fields(kind: str) -> list[PropertyFields]:
    if kind == "move_within":
        return [PropertyFields("Moving from", "from_uprn", "from_address"),
                PropertyFields("Moving to", "to_uprn", "to_address")]
    return [PropertyFields("Property", "uprn", "address")]


def initial_values(change: Mapping[str, Any]) -> dict[str, str]:
    """Form values for a notification's change as the resident sent it."""
    values: dict[str, str] = {}
    kind = str(change["kind"])
    for fields in property_fields(kind):
        values[fields.uprn_key] = str(change.get(fields.uprn_key) or "")
        address = change[fields.address_key]
        for part in ADDRESS_PARTS:
            values[f"{fields.address_key}-{part}"] = str(address.get(part) or "")
    day = date.fromisoformat(str(change[DATE_KEYS[kind]]))
    key = DATE_KEYS[kind]
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
    key = DATE_KEYS[kind]
    try:
        corrected[key] = date(int(form.get(f"{key}-year", "")), int(form.get(f"{key}-month", "")),
                              int(form.get(f"{key}-day", ""))).isoformat()
    except ValueError:
        errors[f"{key}-day"] = "Enter a real move date, for example 27 3 2026"
    return corrected, errors


def errors_from_validation(error: ValidationError, kind: str) -> dict[str, str]:
    """Map pydantic's errors on a ChangeNotification to the correction form's field ids."""
    errors: dict[str, str] = {}
    first_field = property_fields(kind)[0].uprn_key
    for item in error.errors(include_url=False):
        parts = [str(p) for p in item["loc"] if str(p) not in {"change", kind}]
        message = str(item["msg"]).removeprefix("Value error, ")
        if len(parts) >= 2 and parts[0].endswith("address"):
            field = f"{parts[0]}-{parts[1]}"
        elif parts and parts[0] in DATE_KEYS.values():
            field = f"{parts[0]}-day"
        elif parts:
            field = parts[0]
        else:
            field = first_field
        errors.setdefault(field, message)
    return errors
