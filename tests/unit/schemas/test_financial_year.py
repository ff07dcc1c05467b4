from datetime import date

import pytest

from schemas.financial_year import FinancialYear, financial_year_of, financial_years_between


@pytest.mark.parametrize(
    ("day", "start_year"),
    [(date(2026, 4, 1), 2026), (date(2027, 3, 31), 2026), (date(2026, 3, 31), 2025), (date(2026, 12, 25), 2026)],
)
def test_financial_year_runs_from_1_april_to_31_march(day: date, start_year: int) -> None:
    assert financial_year_of(day) == FinancialYear(start_year)


@pytest.mark.parametrize(("start_year", "days"), [(2023, 366), (2024, 365), (2025, 365), (2027, 366)])
def test_a_year_containing_29_february_has_366_days(start_year: int, days: int) -> None:
    assert FinancialYear(start_year).days == days


def test_years_between_spans_every_year_a_period_touches() -> None:
    assert financial_years_between(date(2026, 3, 20), date(2027, 4, 2)) == [
        FinancialYear(2025), FinancialYear(2026), FinancialYear(2027)]
    assert financial_years_between(date(2026, 5, 1), date(2026, 4, 30)) == []


def test_label_is_how_councils_write_it() -> None:
    assert FinancialYear(2026).label == "2026/27"
    assert FinancialYear(2099).label == "2099/00"
