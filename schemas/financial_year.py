"""The council-tax financial year: 1 April to 31 March, 366 days when it contains 29 February."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, order=True)
class FinancialYear:
    """A financial year named by the calendar year it starts in (2026 is 2026/27)."""

    start_year: int

    @property
    def start(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        return date(self.start_year + 1, 3, 31)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    def next(self) -> FinancialYear:
        return FinancialYear(self.start_year + 1)


def financial_year_of(day: date) -> FinancialYear:
    """Return the financial year that contains ``day``."""
    return FinancialYear(day.year if day.month >= 4 else day.year - 1)


def financial_years_between(first: date, last: date) -> list[FinancialYear]:
    """Return every financial year that overlaps the inclusive period ``first``..``last``, in order."""
    if last < first:
        return []
    years = []
    year = financial_year_of(first)
    while year.start <= last:
        years.append(year)
        year = year.next()
    return years


def day_before(day: date) -> date:
    return day - timedelta(days=1)
