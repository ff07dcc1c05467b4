"""One row of a landlord's file as one notification: a tenancy start is a move-in, an end a move-out.

A row that does not make a valid notification gives the column at fault and the reason, in words a
landlord can act on; nothing of it is logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from schemas.notification import NotificationRequest

_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
# Where a contract field's error belongs in the file.
_FIELD_COLUMNS = {
    "uprn": "uprn", "move_in_date": "date", "move_out_date": "date", "residents": "tenant_names",
    "address.line_1": "address_line_1", "address.line_2": "address_line_2", "address.town": "town",
    "address.postcode": "postcode", "address": "address_line_1",
    "forwarding_address.line_1": "forwarding_line_1", "forwarding_address.town": "forwarding_town",
    "forwarding_address.postcode": "forwarding_postcode", "forwarding_address": "forwarding_line_1",
    "account_reference": "account_number", "contact.full_name": "tenant_names", "contact.email": "tenant_email",
    "contact.phone": "tenant_phone", "contact": "tenant_email", "landlord_name": "owner_name",
}

_FORMAT_ERRORS = {"string_pattern_mismatch": "is not in the right format", "string_too_long": "is too long",
                  "string_too_short": "is missing"}


@dataclass(frozen=True)
class RowProblem:
    column: str
    reason: str


def row_request(values: dict[str, str]) -> NotificationRequest | RowProblem:
    """The notification a row asks for, or the first problem with it."""
    change = values.get("change", "").strip().lower()
    if change not in {"start", "end"}:
        return RowProblem("change", "Enter start (the tenancy starts) or end (the tenancy ends)")
    when = _date(values.get("date", ""))
    if when is None:
        return RowProblem("date", "Enter the date as 2026-05-01 or 01/05/2026")
    names = [name.strip() for name in values.get("tenant_names", "").split(";") if name.strip()]
    if not names:
        return RowProblem("tenant_names", "Enter the full name of every adult tenant, separated by semicolons")
    body: dict[str, Any] = {"contact": {"full_name": names[0], "email": values.get("tenant_email") or None,
                                        "phone": values.get("tenant_phone") or None},
                            "change": _start(values, when, names) if change == "start" else _end(values, when)}
    if change == "end" and not any(values.get(f"forwarding_{part}") for part in ("line_1", "town", "postcode")):
        return RowProblem("forwarding_line_1", "Enter the tenants' new address for a tenancy that ends")
    try:
        return NotificationRequest.model_validate(body)
    except ValidationError as error:
        return _problem(error)


def _date(raw: str) -> date | None:
    raw = raw.strip()
    try:
        found = _UK_DATE.match(raw)
        if found:
            return date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
        return date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        return None


def _property_address(values: dict[str, str]) -> dict[str, Any]:
    return {"line_1": values.get("address_line_1", ""), "line_2": values.get("address_line_2") or None,
            "town": values.get("town", ""), "postcode": values.get("postcode", "")}


def _start(values: dict[str, str], when: date, names: list[str]) -> dict[str, Any]:
    return {"kind": "move_in", "uprn": values.get("uprn") or None, "address": _property_address(values),
            "move_in_date": when, "residents": [{"full_name": name} for name in names], "tenure": "private_tenant"}


def _end(values: dict[str, str], when: date) -> dict[str, Any]:
    forwarding = {part: values.get(f"forwarding_{part}", "") for part in ("line_1", "town", "postcode")}
    return {"kind": "move_out", "uprn": values.get("uprn") or None, "address": _property_address(values),
            "move_out_date": when, "forwarding_address": forwarding,
            "account_reference": values.get("account_number") or None,
            "landlord_name": values.get("owner_name") or None}


def _problem(error: ValidationError) -> RowProblem:
    first = error.errors(include_url=False)[0]
    parts = [str(p) for p in first["loc"] if str(p) not in {"change", "move_in", "move_out"} and not str(p).isdigit()]
    where = ".".join(parts)
    column = _FIELD_COLUMNS.get(where) or _FIELD_COLUMNS.get(".".join(parts[:1])) or "row"
    if first["type"] in _FORMAT_ERRORS:
        return RowProblem(column, f"The {column.replace('_', ' ')} {_FORMAT_ERRORS[first['type']]}")
    return RowProblem(column, str(first["msg"]).removeprefix("Value error, "))
