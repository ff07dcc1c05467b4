"""Instalments demanded by a notice (Council Tax (Administration and Enforcement) Regs 1992, Sch. 1 Part I).

Readings chosen where the regulation leaves a choice or is silent (each also named beside its rule):

- Notice period: no due date earlier than 14 days after the notice is issued (reg. 20's period for a
  demand; ``NOTICE_PERIOD_DAYS``).
- Para 2(4) (months uninterrupted and *in the relevant year*) prevails over the number in para 2(3)/(3A):
  the instalments fall on the account's payment day in consecutive months, from the first payment day
  the notice period allows; where fewer such days are left before 31 March than the number, there are
  only as many instalments as days (a 12-instalment notice issued 1-15 April with payment day 1 gets 11).
- Para 2(1): para 2 applies only to a notice issued by 31 December in the relevant year; a later notice
  (or one for a year that has ended) demands one amount, due on the payment day if one falls between the
  end of the notice period and 31 March, else on 31 March, else (the notice period runs past 31 March)
  on the day the notice period ends: the 14 days are never cut short to keep the date in the year.
- Para 2(6), "rounded up or down (as the case may be) to the nearest pound": an exact half pound rounds up
  (£5.50 -> £6), which can leave the first instalment nil or negative before para 2(7).
- Para 2(7) and para 3 say the notice "may" fold or re-count small instalments: each is a council setting
  (``SmallInstalmentPolicy``, wired from ``CouncilRules``), both on by default. Whatever the settings, a
  nil or negative instalment is never demanded: then para 2(7) and para 3 apply regardless.
- Para 2(7) folds once (the regulation reduces the number "by one") and keeps the first months; para 3(1)(b)
  re-counts, in the first of the months para 2 would have used (para 3(2)), never more instalments than
  para 2 gave, then applies para 2(5)-(7) again (para 3(3)).
- A payment day of 29-31 falls on the last day of a shorter month ("such day in each month", para 2(4)).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum
from functools import lru_cache

from processors.rules.money import divide_half_up
from schemas.events import Instalment
from schemas.financial_year import FinancialYear

MINIMUM_INSTALMENT_PENCE = 500  # para 2(7) and para 3(1): £5
SINGLE_INSTALMENT_BELOW_PENCE = 1000  # para 3(1)(a): an aggregate under £10 is one instalment
NOTICE_PERIOD_DAYS = 14  # the first instalment falls due at least 14 days after the notice is issued


class Scheme(IntEnum):
    """Instalments a year: 10 by default (para 2(3)), 12 on the liable person's request (para 2(3A))."""

    TEN = 10
    TWELVE = 12


@dataclass(frozen=True)
class SmallInstalmentPolicy:
    """What the council does where Sch. 1 says a notice "may" avoid instalments under £5."""

    fold_small_first: bool = True  # para 2(7): add the second instalment to the first, one fewer
    minimum_five_pounds: bool = True  # para 3: under £10 in one; otherwise at most one instalment per £5


class InvalidPaymentDayError(ValueError):
    def __init__(self, payment_day: int) -> None:
        super().__init__(f"A payment day must be a day of the month, 1 to 31, not {payment_day}")


@dataclass(frozen=True)
class PaymentPlanTerms:
    """How an account pays: its scheme (para 2(3) or 2(3A)) and its day of the month (para 2(4))."""

    scheme: Scheme
    payment_day: int

    def __post_init__(self) -> None:
        if not 1 <= self.payment_day <= 31:
            raise InvalidPaymentDayError(self.payment_day)


def whole_months_left(year: FinancialYear, notice_date: date) -> int:
    """Count the whole calendar months of the financial year that start after the notice date."""
    last_month = (year.start_year + 1) * 12 + 2  # March of the year's end, as a month index
    notice_month = notice_date.year * 12 + notice_date.month - 1
    return max(0, min(12, last_month - notice_month))


def instalment_count(year: FinancialYear, notice_date: date, scheme: Scheme = Scheme.TEN) -> int:
    """Return the number of instalments para 2(3)/(3A) gives for a notice issued on ``notice_date``.

    Before the number is fitted into the year's remaining payment days (para 2(4)) or reduced by the £5
    rules (para 2(7), para 3).
    """
    if notice_date > date(year.start_year, 12, 31):
        return 1  # para 2(1): para 2 applies to notices issued by 31 December; later, one amount
    if scheme is Scheme.TWELVE:
        if notice_date <= date(year.start_year, 4, 15):
            return 12  # para 2(3A)(a)(i): before the year or by 15 April
        return whole_months_left(year, notice_date)  # para 2(3A)(a)(ii): from 16 April
    if notice_date <= date(year.start_year, 4, 30):
        return 10  # para 2(3)(a): before the year or by 30 April
    return whole_months_left(year, notice_date) - 1  # para 2(3)(b): from 1 May, one less than months left


def split_amounts(total_pence: int, count: int) -> list[int]:
    """Split an aggregate into ``count`` instalments by para 2(5) and 2(6), before any £5 rule.

    A whole number of pounds each: equal instalments (para 2(5)). Otherwise all but the first are
    A = aggregate / count rounded to the nearest pound, and the first is B = aggregate - (count - 1) x A
    (para 2(6)); B can be nil or negative, which para 2(7) and para 3 then mend.
    """
    if count < 1:
        raise ValueError("an instalment plan needs at least one instalment")
    if _whole_pounds_each(total_pence, count):
        return [total_pence // count] * count  # para 2(5)
    later = divide_half_up(total_pence, count * 100) * 100  # para 2(6): A
    return [total_pence - (count - 1) * later] + [later] * (count - 1)  # para 2(6): B first


def instalment_amounts(total_pence: int, count: int, policy: SmallInstalmentPolicy) -> list[int]:
    """Return the instalment amounts for ``count`` monthly instalments, after the £5 rules the council uses."""
    amounts = _para_2_amounts(total_pence, count, policy)
    if min(amounts) >= MINIMUM_INSTALMENT_PENCE or not (policy.minimum_five_pounds or min(amounts) <= 0):
        return amounts
    # para 3(1): an instalment still under £5 after any para 2(7) fold.
    if total_pence < SINGLE_INSTALMENT_BELOW_PENCE:
        return [total_pence]  # para 3(1)(a)
    # para 3(1)(b): the greatest n with n x £5 <= aggregate, in months para 2 would have used (para 3(2)),
    # divided by para 2(5)-(7) again (para 3(3)).
    return _para_2_amounts(total_pence, min(total_pence // MINIMUM_INSTALMENT_PENCE, count), policy)


def payment_days(first_possible: date, last_possible: date, payment_day: int) -> list[date]:
    """Every monthly payment day from ``first_possible`` to ``last_possible`` inclusive, in order."""
    return list(_payment_days(first_possible, last_possible, payment_day))


@lru_cache(maxsize=4096)
def _payment_days(first_possible: date, last_possible: date, payment_day: int) -> tuple[date, ...]:
    # Cached: a batch asks for the same few (notice date, year end, payment day) triples thousands of times.
    if not 1 <= payment_day <= 31:
        raise InvalidPaymentDayError(payment_day)
    year, month = first_possible.year, first_possible.month
    if _on_day(year, month, payment_day) < first_possible:
        year, month = _add_months(year, month, 1)
    days = []
    while (day := _on_day(year, month, payment_day)) <= last_possible:
        days.append(day)
        year, month = _add_months(year, month, 1)
    return tuple(days)


def instalment_plan(
    total_pence: int,
    year: FinancialYear,
    notice_date: date,
    payment_day: int,
    *,
    scheme: Scheme = Scheme.TEN,
    policy: SmallInstalmentPolicy | None = None,
) -> tuple[Instalment, ...]:
    """Return the instalments a notice issued on ``notice_date`` demands for a year's aggregate amount.

    ``payment_day`` and ``scheme`` are the account's (what the liable person chose); ``policy`` is the
    council's choice under para 2(7) and para 3 (both applied when not given).
    """
    if total_pence <= 0:
        return ()
    earliest = notice_date + timedelta(days=NOTICE_PERIOD_DAYS)
    # para 2(4): uninterrupted months, in the relevant year, on the payment day.
    days = _payment_days(max(earliest, year.start), year.end, payment_day)
    if notice_date > date(year.start_year, 12, 31):
        # para 2(1): one amount; on a payment day in the year if the notice period allows, else 31 March,
        # else when the notice period ends (a notice too late for, or after, the relevant year).
        due = days[0] if days else max(earliest, year.end)
        return (Instalment(financial_year=year.start_year, sequence=1, due_date=due, amount_pence=total_pence),)
    count = min(instalment_count(year, notice_date, scheme), len(days))  # para 2(4) caps para 2(3)/(3A)
    amounts = instalment_amounts(total_pence, count, policy or SmallInstalmentPolicy())
    return tuple(
        Instalment(financial_year=year.start_year, sequence=number, due_date=due, amount_pence=amount)
        for number, (due, amount) in enumerate(zip(days, amounts, strict=False), start=1)
    )


def _para_2_amounts(total_pence: int, count: int, policy: SmallInstalmentPolicy) -> list[int]:
    amounts = split_amounts(total_pence, count)
    small = not _whole_pounds_each(total_pence, count) and min(amounts) < MINIMUM_INSTALMENT_PENCE
    if small and count > 1 and (policy.fold_small_first or min(amounts) <= 0):
        return [amounts[0] + amounts[1], *amounts[2:]]  # para 2(7): only after a para 2(6) division
    return amounts


def _whole_pounds_each(total_pence: int, count: int) -> bool:
    return total_pence % (count * 100) == 0


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def _on_day(year: int, month: int, day: int) -> date:
    # A payment day of 29-31 falls on the month's last day in shorter months.
    next_year, next_month = _add_months(year, month, 1)
    last = (date(next_year, next_month, 1) - timedelta(days=1)).day
    return date(year, month, min(day, last))
