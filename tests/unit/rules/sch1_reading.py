"""A second, independent reading of SI 1992/613 Sch. 1 Part I (paras 2 and 3), for tests only.

Written from the regulation's text, not from ``processors.rules``: amounts are worked in ``Decimal`` pounds
(the code works in integer pence) and due dates are found by walking the relevant year day by day (the code
does month arithmetic). Where the regulation leaves the council a choice ("may") or is silent, the choice
this project made is stated beside the rule, and must match the rules' documented reading.

The relevant year is named by the calendar year it starts in: 2025 is 1 April 2025 to 31 March 2026.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

FIVE_POUNDS = Decimal(5)
TEN_POUNDS = Decimal(10)
# The demand may not ask for payment sooner than 14 days after it is issued (the project's reading of
# reg. 20): no due date earlier than the notice date plus these days.
NOTICE_DAYS = 14


@dataclass(frozen=True)
class CouncilChoices:
    """What the council does where Sch. 1 says it "may"."""

    fold_second_into_small_first: bool = True  # para 2(7)
    small_instalment_rule: bool = True  # para 3


@dataclass(frozen=True)
class Demand:
    """The instalments the regulation gives: due dates and amounts in pence, in order."""

    due_dates: tuple[date, ...]
    amounts_pence: tuple[int, ...]


def read_schedule_1(
    total_pence: int,
    year: int,
    notice: date,
    payment_day: int,
    *,
    twelve: bool,
    choices: CouncilChoices | None = None,
) -> Demand:
    """Return the demand Sch. 1 Part I gives for ``total_pence`` charged for relevant year ``year``."""
    choices = choices or CouncilChoices()
    aggregate = Decimal(total_pence) / 100
    year_start, year_end = date(year, 4, 1), date(year + 1, 3, 31)
    earliest = notice + timedelta(days=NOTICE_DAYS)
    days = _payment_days(max(earliest, year_start), year_end, payment_day)

    # para 2(1): para 2 applies only to a notice issued on or before 31 December in the relevant year.
    # Later (or for a year that has ended) the aggregate is one amount: on the payment day if one falls
    # between the notice period's end and 31 March, else on 31 March, else (no day left in the year)
    # on the first day the notice period allows.
    if notice > date(year, 12, 31):
        if days:
            return Demand((days[0],), (total_pence,))
        return Demand((max(earliest, year_end),), (total_pence,))

    # para 2(3) / 2(3A): how many instalments.
    number = _number_under_3A(year, notice) if twelve else _number_under_3(year, notice)
    # para 2(4): the months are uninterrupted and in the relevant year; where the notice period leaves
    # fewer payment days in the year than the number, there are only as many instalments as days.
    number = min(number, len(days))

    amounts, used_6 = _amounts_under_5_and_6(aggregate, number)
    amounts = _fold_under_7(amounts, used_6, choices)
    # para 3(1): still an instalment under £5 after any para 2(7) adjustment.
    if any(a < FIVE_POUNDS for a in amounts) and (choices.small_instalment_rule or _not_payable(amounts)):
        if aggregate < TEN_POUNDS:
            amounts = [aggregate]  # para 3(1)(a)
        else:
            # para 3(1)(b): the greatest n with n x £5 <= aggregate; para 3(2): in months para 2 would
            # have used, so never more than the para 2 number.
            n = min(int((aggregate / FIVE_POUNDS).to_integral_value(rounding=ROUND_FLOOR)), number)
            amounts, used_6 = _amounts_under_5_and_6(aggregate, n)  # para 3(3)
            amounts = _fold_under_7(amounts, used_6, choices)  # para 3(3)
    pence = tuple(int((a * 100).to_integral_value()) for a in amounts)
    return Demand(tuple(days[: len(pence)]), pence)


def _number_under_3(year: int, notice: date) -> int:
    if notice <= date(year, 4, 30):
        return 10  # para 2(3)(a): before the year, or 1-30 April
    return _whole_months_after(year, notice) - 1  # para 2(3)(b): from 1 May


def _number_under_3A(year: int, notice: date) -> int:  # noqa: N802 - named after the paragraph
    if notice <= date(year, 4, 15):
        return 12  # para 2(3A)(a)(i): before the year, or 1-15 April
    return _whole_months_after(year, notice)  # para 2(3A)(a)(ii): from 16 April


def _whole_months_after(year: int, notice: date) -> int:
    """Calendar months of the relevant year that begin after the day the notice is issued."""
    firsts = [date(year + (m < 4), m, 1) for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]
    return sum(1 for first in firsts if first > notice)


def _amounts_under_5_and_6(aggregate: Decimal, number: int) -> tuple[list[Decimal], bool]:
    quotient = aggregate / number
    if quotient == quotient.to_integral_value():
        return [quotient] * number, False  # para 2(5): a multiple of a pound
    # para 2(6): A = C / D to the nearest pound (the project reads an exact half pound as rounding up),
    # all but the first are A, the first is B = C - (D - 1) x A.
    a = quotient.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    b = aggregate - (number - 1) * a
    return [b] + [a] * (number - 1), True


def _fold_under_7(amounts: list[Decimal], used_6: bool, choices: CouncilChoices) -> list[Decimal]:
    # para 2(7): only where para 2(6) gave an instalment under £5: the second is added to the first and
    # there is one instalment fewer (once). A council that does not fold still never demands a nil or
    # negative instalment (the project's reading: such a demand is not a demand for payment).
    small = used_6 and any(a < FIVE_POUNDS for a in amounts)
    if small and len(amounts) > 1 and (choices.fold_second_into_small_first or _not_payable(amounts)):
        return [amounts[0] + amounts[1], *amounts[2:]]
    return amounts


def _not_payable(amounts: list[Decimal]) -> bool:
    return any(a <= 0 for a in amounts)


def _payment_days(first: date, last: date, payment_day: int) -> list[date]:
    """Every day from ``first`` to ``last`` that is the payment day (a month's last day if it is shorter)."""
    found = []
    day = first
    while day <= last:
        month_end = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        if day.day == payment_day or (day == month_end and payment_day > month_end.day):
            found.append(day)
        day += timedelta(days=1)
    return found
