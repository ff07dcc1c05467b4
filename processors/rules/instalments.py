"""Instalment schemes for a demand notice (Council Tax (Administration and Enforcement) Regs 1992, Sch. 1 Pt I)."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

from processors.rules.money import round_half_up
from schemas.events import Instalment
from schemas.financial_year import FinancialYear

MINIMUM_INSTALMENT_PENCE = 500
NOTICE_PERIOD_DAYS = 14  # the first instalment falls due at least 14 days after the notice is issued


def whole_months_left(year: FinancialYear, notice_date: date) -> int:
    """Count the whole calendar months of the financial year that start after the notice date."""
    last_month = (year.start_year + 1) * 12 + 2  # March of the year's end, as a month index
    notice_month = notice_date.year * 12 + notice_date.month - 1
    return max(0, min(12, last_month - notice_month))


def instalment_count(year: FinancialYear, notice_date: date, *, twelve_requested: bool = False) -> int:
    """Return the number of instalments the regulations give for a notice issued on ``notice_date``.

    Before 1 May: 10 (12 on request, when issued by 15 April). From 1 May to 31 December: one less than
    the whole months left after the notice (on request, the whole months left). From 1 January, or for a
    year that has ended: 1.
    """
    if notice_date > year.end:
        return 1
    if twelve_requested:
        if notice_date <= date(year.start_year, 4, 15):
            return 12
        if notice_date < date(year.start_year + 1, 1, 1):
            return max(1, whole_months_left(year, notice_date))
        return 1
    if notice_date < date(year.start_year, 5, 1):
        return 10
    if notice_date < date(year.start_year + 1, 1, 1):
        return max(1, whole_months_left(year, notice_date) - 1)
    return 1


def apply_minimum(total_pence: int, count: int) -> int:
    """Reduce the count so no instalment is under £5: under £10 in all is one instalment."""
    if count <= 1 or total_pence >= count * MINIMUM_INSTALMENT_PENCE:
        return max(1, count)
    if total_pence < 2 * MINIMUM_INSTALMENT_PENCE:
        return 1
    return total_pence // MINIMUM_INSTALMENT_PENCE


def split_amounts(total_pence: int, count: int) -> list[int]:
    """Split a total into ``count`` instalments.

    If the total divides into whole pounds, every instalment is equal. Otherwise every instalment but the
    first is the quotient rounded to the nearest pound, and the first takes the rest. (Where rounding up
    would leave the first instalment nothing, we round down instead.)
    """
    if count < 1:
        raise ValueError("an instalment plan needs at least one instalment")
    if count == 1:
        return [total_pence]
    if total_pence % (count * 100) == 0:
        return [total_pence // count] * count
    rounded = round_half_up(Fraction(total_pence, count * 100)) * 100
    first = total_pence - (count - 1) * rounded
    if first <= 0:
        rounded = (total_pence // (count * 100)) * 100
        first = total_pence - (count - 1) * rounded
    return [first] + [rounded] * (count - 1)


def due_dates(first_possible: date, payment_day: int, count: int) -> list[date]:
    """Monthly due dates on the council's payment day, the first on or after ``first_possible``."""
    year, month = first_possible.year, first_possible.month
    if _on_day(year, month, payment_day) < first_possible:
        year, month = _add_months(year, month, 1)
    dates = []
    for _ in range(count):
        dates.append(_on_day(year, month, payment_day))
        year, month = _add_months(year, month, 1)
    return dates


def instalment_plan(
    total_pence: int,
    year: FinancialYear,
    notice_date: date,
    payment_day: int,
    *,
    twelve_requested: bool = False,
) -> tuple[Instalment, ...]:
    """Return the instalments demanded for a year's amount by a notice issued on ``notice_date``."""
    if total_pence <= 0:
        return ()
    count = apply_minimum(total_pence, instalment_count(year, notice_date, twelve_requested=twelve_requested))
    first_possible = max(notice_date + timedelta(days=NOTICE_PERIOD_DAYS), year.start)
    return tuple(
        Instalment(financial_year=year.start_year, sequence=number, due_date=due, amount_pence=amount)
        for number, (due, amount) in enumerate(
            zip(due_dates(first_possible, payment_day, count), split_amounts(total_pence, count), strict=True),
            start=1,
        )
    )


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def _on_day(year: int, month: int, day: int) -> date:
    # A payment day of 29-31 falls on the month's last day in shorter months.
    next_year, next_month = _add_months(year, month, 1)
    last = (date(next_year, next_month, 1) - timedelta(days=1)).day
    return date(year, month, min(day, last))
