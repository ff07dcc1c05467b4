"""Final bills when a liability ends: one demand per financial year the change touches, credits shown as such.

Each year's demand stands alone in law (SI 1992/613 reg. 18(1): a notice for each financial year; reg. 31: the
final adjustment of a year's demand once the chargeable amount is known). So when a move-out reaches back
into an earlier year, that year gets its own revised charge and balance, and the current year its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from processors.rules.charges import charge_lines
from processors.rules.council import CouncilRules
from processors.rules.discounts import Discount
from processors.rules.instalments import PaymentPlanTerms, instalment_plan
from schemas.events import ChargeLine, Instalment
from schemas.financial_year import FinancialYear, financial_year_of


@dataclass(frozen=True)
class FinalYearBill:
    """One financial year's final demand after a liability ends.

    ``balance_pence`` is the revised charge less what was paid towards the year: positive is due (and has its
    own instalment plan), negative is a credit to refund or transfer (and has no instalments).
    """

    year: FinancialYear
    charges: tuple[ChargeLine, ...]
    paid_pence: int
    paid_is_assumed: bool  # the account does not record this year's payments: see ``final_bills``
    instalments: tuple[Instalment, ...]

    @property
    def charge_pence(self) -> int:
        return sum(line.charge_pence for line in self.charges)

    @property
    def balance_pence(self) -> int:
        return self.charge_pence - self.paid_pence

    @property
    def credit_pence(self) -> int:
        return max(0, -self.balance_pence)


@dataclass(frozen=True)
class EndedLiability:
    """What the rules need to know of an account whose liability ends, as the account records it."""

    liability_start: date
    last_day: date
    band: str
    discount: Discount
    arrangement: PaymentPlanTerms
    paid_by_year: Mapping[int, int]  # start year -> pence paid towards that financial year


def final_bills(ended: EndedLiability, notice: date, rules: CouncilRules) -> tuple[FinalYearBill, ...]:
    """Return one bill per financial year whose charge the end of liability changes, oldest first.

    The years run from the one holding the last day of liability to the notice's year (or just the last
    day's year, when a move notified ahead falls after 1 April: the current year's charge is then unchanged).
    Payments: a year in ``paid_by_year`` uses the recorded figure. An earlier year the account does not
    record is assumed paid as first billed (liable from the later of the liability start and 1 April to
    31 March, at the same band and discount), so its balance is exactly the reduction the change makes;
    a later year not recorded is assumed unpaid. Either way ``paid_is_assumed`` says so.
    """
    current = financial_year_of(notice)
    ended_in = financial_year_of(ended.last_day)
    first_revised = max(ended.liability_start, ended_in.start)
    revised = charge_lines(first_revised, ended.last_day, ended.band, ended.discount, rules)
    bills = []
    for start_year in range(ended_in.start_year, max(ended_in, current).start_year + 1):
        year = FinancialYear(start_year)
        charges = tuple(line for line in revised if line.financial_year == start_year)
        paid, assumed = _paid_towards(year, current, ended, rules)
        balance = sum(line.charge_pence for line in charges) - paid
        plan = instalment_plan(balance, year, notice, ended.arrangement.payment_day,
                               scheme=ended.arrangement.scheme, policy=rules.small_instalments)
        bills.append(FinalYearBill(year=year, charges=charges, paid_pence=paid, paid_is_assumed=assumed,
                              instalments=plan))
    return tuple(bills)


def _paid_towards(year: FinancialYear, current: FinancialYear, ended: EndedLiability,
                  rules: CouncilRules) -> tuple[int, bool]:
    if year.start_year in ended.paid_by_year:
        return ended.paid_by_year[year.start_year], False
    if year >= current or ended.liability_start > year.end:
        return 0, year >= current
    first_billed = charge_lines(max(ended.liability_start, year.start), year.end, ended.band, ended.discount, rules)
    return sum(line.charge_pence for line in first_billed), True
