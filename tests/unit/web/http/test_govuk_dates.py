"""Dates and times in GOV.UK style, from Python and from the templates' filters."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from web.http.govuk_dates import long_date, long_date_time, short_time
from web.http.page_templates import build_environment


@pytest.mark.parametrize(("value", "shown"), [
    (date(2026, 4, 1), "1 April 2026"), (date(2027, 3, 31), "31 March 2027"),
    (datetime(2026, 2, 3, 23, 59, tzinfo=UTC), "3 February 2026"),
])
def test_dates_have_no_leading_zero_and_the_month_in_words(value: date, shown: str) -> None:
    assert long_date(value) == shown


@pytest.mark.parametrize(("hour", "minute", "shown"), [
    (0, 0, "midnight"), (0, 5, "12:05am"), (9, 5, "9:05am"), (12, 0, "midday"), (12, 30, "12:30pm"),
    (13, 30, "1:30pm"), (23, 59, "11:59pm"),
])
def test_times_use_am_and_pm_and_say_midday_and_midnight(hour: int, minute: int, shown: str) -> None:
    assert short_time(datetime(2026, 4, 1, hour, minute, tzinfo=UTC)) == shown


def test_templates_format_dates_with_the_filters() -> None:
    environment = build_environment(council_name="Exampleshire District Council")
    template = environment.from_string("{{ day | govuk_date }}; {{ moment | govuk_date_time }}")
    shown = template.render(day=date(2026, 4, 1), moment=datetime(2026, 6, 15, 14, 7, tzinfo=UTC))
    assert shown == "1 April 2026; 15 June 2026 at 2:07pm"
    assert long_date_time(datetime(2026, 6, 15, 14, 7, tzinfo=UTC)) == "15 June 2026 at 2:07pm"
