"""Dates and times as GOV.UK writes them (the GOV.UK style guide): 1 April 2026, 9:05am, midday.

Every page uses these, as the Jinja filters ``govuk_date`` and ``govuk_date_time`` or from Python, so a date
never reaches a person as ISO 2026-04-01.
"""

from __future__ import annotations

from datetime import date, datetime


def long_date(value: date) -> str:
    """A date as GOV.UK writes it: 3 February 2026 (the date part of a datetime)."""
    return f"{value.day} {value:%B %Y}"


def short_time(value: datetime) -> str:
    """A time of day as GOV.UK writes it: 9:05am, 1:30pm, midday, midnight."""
    if (value.hour, value.minute) == (0, 0):
        return "midnight"
    if (value.hour, value.minute) == (12, 0):
        return "midday"
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d}{'am' if value.hour < 12 else 'pm'}"


def long_date_time(value: datetime) -> str:
    """A date and time: 1 April 2026 at 9:05am (in the datetime's own time zone)."""
    return f"{long_date(value)} at {short_time(value)}"
