"""Changes to an account that stays open: the money machinery every kind of account change shares.

The kinds themselves (discounts and exemptions, who is liable, names, payment arrangements) are in
processors/rules/kinds/. Each becomes one AccountAmendment from an effective date: the account's charge from
that day is apportioned day by day with the new discount (LGFA 1992 s.11 discounts, s.4 and the Council Tax
(Exempt Dwellings) Order 1992 class N for exemptions), and the rest of the current year's charge is re-planned
in instalments on the account's own scheme and payment day (SI 1992/613 Sch. 1; see
processors/rules/instalments.py).
"""

from __future__ import annotations

from datetime import date, timedelta

from processors.rules.charges import charge_lines
from processors.rules.council import CouncilRules
from processors.rules.discounts import Discount, discount_from_account
from processors.rules.instalments import Scheme, instalment_plan
from processors.rules.review import Review
from schemas.events import AccountAmendment, ChargeLine, Instalment, OpenAccount, PropertyFacts
from schemas.financial_year import FinancialYear, financial_year_of


def _account_for(facts: PropertyFacts, account_reference: str | None) -> OpenAccount:
    """The property's open account; a person decides when there is none or the reference given is another's."""
    account = facts.open_account
    if account is None:
        raise Review("no_open_account", "There is no open council-tax account at this address", "uprn")
    if account_reference and account_reference.upper() != account.account_ref.upper():
        raise Review("account_reference_mismatch",
                     "The account reference given does not match the open account at this address",
                     "account_reference")
    return account


def _discount_change(
    facts: PropertyFacts, account: OpenAccount, effective: date, discount: Discount, notice: date,
    rules: CouncilRules, description: str, *, liable_persons: tuple[str, ...] | None = None,
) -> AccountAmendment:
    effective = max(effective, account.liability_start)
    first_year = financial_year_of(effective)
    lines = _recharged_lines(facts, account, effective, discount, notice, rules)
    return _amended(facts, account, effective, notice, rules, description, discount=discount,
                    liable_persons=liable_persons, first_year=first_year, lines=lines)


def _recharged_lines(
    facts: PropertyFacts, account: OpenAccount, effective: date, discount: Discount, notice: date,
    rules: CouncilRules,
) -> tuple[ChargeLine, ...]:
    """The account's charge lines from the start of the effective date's year: as they were up to the day
    before, and with the new discount from the effective date to the end of the later of that year and the
    notice's year (a year not yet billed is billed when its annual demand is issued)."""
    first_year = financial_year_of(effective)
    last_year = max(first_year, financial_year_of(notice))
    before: list[ChargeLine] = []
    kept_from = max(account.liability_start, first_year.start)
    if effective > kept_from:
        day_before = effective - timedelta(days=1)
        existing = [c for c in account.charges if c.financial_year == first_year.start_year]
        if existing:
            for line in existing:
                if line.period_start <= day_before:
                    before.extend(charge_lines(line.period_start, min(line.period_end, day_before), line.band,
                                               discount_from_account(line.discount_code, line.discount_percent),
                                               rules))
        else:
            before.extend(charge_lines(kept_from, day_before, facts.band,
                                       discount_from_account(account.discount_code, account.discount_percent), rules))
    return tuple(before) + charge_lines(effective, last_year.end, facts.band, discount, rules)


def _amended(
    facts: PropertyFacts, account: OpenAccount, effective: date, notice: date, rules: CouncilRules,
    description: str, *, discount: Discount | None = None, liable_persons: tuple[str, ...] | None = None,
    first_year: FinancialYear | None = None, lines: tuple[ChargeLine, ...] = (), twelve: bool | None = None,
    payment_day: int | None = None, replan: bool = True,
) -> AccountAmendment:
    """The amendment, with the current year's balance re-planned on the account's scheme and payment day."""
    discount = discount or discount_from_account(account.discount_code, account.discount_percent)
    twelve = account.twelve_instalments if twelve is None else twelve
    payment_day = payment_day if payment_day is not None else account.payment_day
    current_year = financial_year_of(notice)
    balance, replanned = 0, None
    instalments: tuple[Instalment, ...] = ()
    if replan and (first_year is None or first_year <= current_year):
        this_year = (_year_charge(lines, current_year) if first_year is not None
                     else _current_charge(facts, account, current_year, rules))
        balance = this_year - account.paid_this_year_pence
        instalments = instalment_plan(balance, current_year, notice, payment_day or rules.payment_day,
                                      scheme=Scheme.TWELVE if twelve else Scheme.TEN, policy=rules.small_instalments)
        replanned = current_year.start_year
    return AccountAmendment(
        account_ref=account.account_ref, uprn=facts.uprn, expected_liability_start=account.liability_start,
        effective_date=effective, description=description, liable_persons=liable_persons or (),
        replaces_liable_persons=liable_persons is not None,
        discount_code=discount.code, discount_percent=discount.percent, twelve_instalments=twelve,
        payment_day=payment_day, first_recharged_year=first_year.start_year if first_year else None,
        charges=lines, replanned_year=replanned, balance_pence=balance, instalments=instalments,
    )


def _year_charge(lines: tuple[ChargeLine, ...], year: FinancialYear) -> int:
    return sum(line.charge_pence for line in lines if line.financial_year == year.start_year)


def _current_charge(facts: PropertyFacts, account: OpenAccount, year: FinancialYear, rules: CouncilRules) -> int:
    """The year's charge as the account holds it; for an account whose lines we were not given, worked out."""
    held = [c for c in account.charges if c.financial_year == year.start_year]
    if held:
        return sum(line.charge_pence for line in held)
    if account.liability_start > year.end:
        return 0
    lines = charge_lines(max(account.liability_start, year.start), year.end, facts.band,
                         discount_from_account(account.discount_code, account.discount_percent), rules)
    return sum(line.charge_pence for line in lines)
