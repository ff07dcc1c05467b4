"""An account's money as a ledger per financial year, re-derived from its liability periods by every change.

A change (a discount, who lives there, an exemption, a rebill, a payment arrangement, the end of liability
however it comes) names the first day it alters and the periods in force from then; this module bills every
year from that day's year to the later of the notice's year and the last year the account holds, each on its
own revised demand or credit (``processors/rules/revised_demands.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from processors.rules.council import CouncilRules
from processors.rules.discounts import discount_from_account
from processors.rules.instalments import PaymentPlanTerms
from processors.rules.periods import LiabilityPeriod, UncoveredDays, held_periods, lines_for
from processors.rules.revised_demands import Holdings, RevisedDemands, revised_demands
from schemas.events import OpenAccount
from schemas.financial_year import FinancialYear, financial_year_of

# What a change does to the periods from the first day it alters: e.g. a new discount from a date, or an end.
PeriodChange = Callable[[tuple[LiabilityPeriod, ...]], tuple[LiabilityPeriod, ...]]


def holdings_of(account: OpenAccount) -> Holdings:
    return Holdings(account.charges, account.payments, account.instalments)


def years_reached(first: FinancialYear, notice: date, account: OpenAccount) -> list[FinancialYear]:
    """The years a change from ``first`` re-bills: to the later of the notice's year and the last year held."""
    held = [*(c.financial_year for c in account.charges), *(i.financial_year for i in account.instalments)]
    last = max(first.start_year, financial_year_of(notice).start_year, *held)
    return [FinancialYear(year) for year in range(first.start_year, last + 1)]


def periods_held(account: OpenAccount, band: str, first_day: date, last_day: date,
                 uncovered: UncoveredDays | None = None) -> tuple[LiabilityPeriod, ...]:
    """The account's periods from ``first_day`` to ``last_day`` as its charge lines record them.

    Days no line covers are at the account's current discount, or as ``uncovered`` says (an owner's account for
    an empty home: ``processors/rules/unoccupied.py``).
    """
    current = discount_from_account(account.discount_code, account.discount_percent)
    return held_periods(account.charges, max(first_day, account.liability_start), last_day, band, current, uncovered)


def rebilled(
    account: OpenAccount, band: str, first: FinancialYear, change: PeriodChange, notice: date,
    arrangement: PaymentPlanTerms, rules: CouncilRules, uncovered: UncoveredDays | None = None,
) -> RevisedDemands:
    """Re-derive every year from ``first`` with ``change`` made to the account's periods, and bill each year."""
    years = years_reached(first, notice, account)
    periods = change(periods_held(account, band, first.start, years[-1].end, uncovered))
    holdings = holdings_of(account)
    current = financial_year_of(notice)
    first_billed = {  # a year the account records nothing of: billed, and paid, for the whole year as it was
        year.start_year: sum(line.charge_pence for line in lines_for(
            periods_held(account, band, year.start, year.end, uncovered), rules))
        for year in years if year < current and not holdings.records(year)}
    return revised_demands(holdings, lines_for(periods, rules), years, notice, arrangement, rules, first_billed)
