"""What every question page of the resident journey shares: finding the journey, the Back link, the status."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Request

from web.resident.forms import FormErrors
from web.resident.question_order import question_paths
from web.resident.session import START_PATH, Journey, current_journey


async def answering(request: Request) -> Journey | None:
    """The journey being answered, or None if there is none (or it was already sent)."""
    journey = await current_journey(request)
    if journey is None or journey.answers.submitted is not None or journey.answers.kind is None:
        return None
    return journey


def previous_page(journey: Journey, path: str) -> str:
    """The page before ``path`` in this kind of change's order (for Back links)."""
    paths = [page for page, _ in question_paths(journey.answers)]
    if path not in paths:
        return "/moving/check"
    index = paths.index(path)
    return paths[index - 1] if index > 0 else START_PATH


def status_for(errors: FormErrors) -> int:
    return 400 if errors else 200


def date_items(values: dict[str, str], name: str, errors: FormErrors) -> list[dict[str, Any]]:
    """The three boxes of a GOV.UK date input, filled from ``values``."""
    error = " govuk-input--error" if errors.has(name) else ""
    return [
        {"name": "day", "label": "Day", "value": values.get(f"{name}-day", ""),
         "classes": f"govuk-input--width-2{error}", "attributes": {"maxlength": "2"}},
        {"name": "month", "label": "Month", "value": values.get(f"{name}-month", ""),
         "classes": f"govuk-input--width-2{error}", "attributes": {"maxlength": "2"}},
        {"name": "year", "label": "Year", "value": values.get(f"{name}-year", ""),
         "classes": f"govuk-input--width-4{error}", "attributes": {"maxlength": "4"}},
    ]


def date_values(name: str, value: date | None) -> dict[str, str]:
    if value is None:
        return {}
    return {f"{name}-day": str(value.day), f"{name}-month": str(value.month), f"{name}-year": str(value.year)}


def radio_items(labels: dict[Any, str], chosen: str | None) -> list[dict[str, Any]]:
    """GOV.UK radios items from a {value: label} mapping, with ``chosen`` checked."""
    return [{"value": str(value), "text": label, "checked": str(value) == chosen} for value, label in labels.items()]
