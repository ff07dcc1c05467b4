"""A second, independent reading of what one account owes per financial year, for tests only.

Written from the law, not from ``processors.rules``: the liability is walked day by day (LGFA 1992 s.2: liability
is determined day by day), each day charged at the band's annual amount (s.5: the band's proportion of Band D)
over the days of its financial year, less the discount or exemption in force that day (s.11, s.4). A run of days
with the same discount within one year is one period, and each period's amount is rounded to the penny (half up)
as a demand notice shows it. Amounts are worked in ``Decimal`` pounds; the code works in integer pence.

A payment is made against one demanded instalment (in full, or a part of it); what is left of the instalments
still demanded is what the year's demands ask for. The project's reading of SI 1992/613 reg. 24 and Sch. 1
para 10 (a revised demand takes account of what was paid) is that what is left comes to exactly the year's
charge less what was paid towards it, and nothing when the payments cover the charge (the rest is a credit):
never the same money twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

NINTHS = {"A": 6, "B": 7, "C": 8, "D": 9, "E": 11, "F": 13, "G": 15, "H": 18}
PENNY = Decimal("0.01")


@dataclass(frozen=True)
class Liability:
    """One account's liability as the changes applied so far left it."""

    start: date
    end: date | None  # the last day, once ended
    band: str
    discounts: tuple[tuple[date, int], ...]  # (from this day, percent), oldest first; the first from ``start``

    def percent_on(self, day: date) -> int:
        percent = 0
        for since, value in self.discounts:
            if since <= day:
                percent = value
        return percent

    def liable_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def with_discount_from(self, day: date, percent: int) -> Liability:
        """A change from ``day`` decides the discount from that day on, whatever was said for later days."""
        day = max(day, self.start)
        kept = tuple((since, value) for since, value in self.discounts if since < day)
        return Liability(self.start, self.end, self.band, (*kept, (day, percent)))

    def ended(self, last_day: date) -> Liability:
        return Liability(self.start, last_day, self.band, self.discounts)


def year_bounds(start_year: int) -> tuple[date, date]:
    return date(start_year, 4, 1), date(start_year + 1, 3, 31)


def periods(liability: Liability, start_year: int) -> list[tuple[date, date, int]]:
    """The runs of days of the year with the same discount: (first day, last day, percent)."""
    first, last = year_bounds(start_year)
    runs: list[tuple[date, date, int]] = []
    day = first
    while day <= last:
        if liability.liable_on(day):
            percent = liability.percent_on(day)
            if runs and runs[-1][1] == day - timedelta(days=1) and runs[-1][2] == percent:
                runs[-1] = (runs[-1][0], day, percent)
            else:
                runs.append((day, day, percent))
        day += timedelta(days=1)
    return runs


def year_charge_pence(liability: Liability, start_year: int, band_d_pence: int) -> int:
    """The year's chargeable amount: the sum over the periods in force, each rounded to the penny."""
    first, last = year_bounds(start_year)
    days_in_year = (last - first).days + 1
    annual = (Decimal(band_d_pence * NINTHS[liability.band]) / 9 / 100).quantize(PENNY, ROUND_HALF_UP)
    total = Decimal(0)
    for run_first, run_last, percent in periods(liability, start_year):
        days = (run_last - run_first).days + 1
        amount = annual * days / days_in_year * (100 - percent) / 100
        total += amount.quantize(PENNY, ROUND_HALF_UP)
    return int(total * 100)


InstalmentKey = tuple[int, int, date, int]  # financial year, number, due date, amount


def left_to_pay(demanded: Iterable[InstalmentKey], paid_against: dict[InstalmentKey, int]) -> int:
    """What is left of the instalments still demanded, given what was paid against each."""
    return sum(max(0, key[3] - paid_against.get(key, 0)) for key in demanded)


def years_touched(first: date, last: date) -> Iterable[int]:
    year = first.year if first.month >= 4 else first.year - 1
    while date(year, 4, 1) <= last:
        yield year
        year += 1
