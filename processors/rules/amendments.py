"""Changes to an account that stays open: the money machinery every kind of account change shares.

The kinds themselves (discounts and exemptions, who is liable, names, payment arrangements) are in
processors/rules/kinds/. Each becomes one AccountAmendment from an effective date: the account's liability
periods from that day take the new discount (LGFA 1992 s.11 discounts, s.4 and the Council Tax (Exempt Dwellings)
Order 1992 class N for exemptions), the days before keep the one they had, and every year the change reaches is
re-derived from its periods and billed on its own revised demand or credit, on the account's own scheme and
payment day (SI 1992/613 reg. 24 and Sch. 1; see processors/rules/ledger.py, revised_demands.py and
instalments.py).
"""

from __future__ import annotations

from datetime import date

from processors.rules.council import CouncilRules
from processors.rules.discounts import Discount, discount_from_account
from processors.rules.instalments import PaymentPlanTerms, Scheme
from processors.rules.ledger import PeriodChange, rebilled
from processors.rules.periods import LiabilityPeriod, changed_from
from processors.rules.review import Review
from processors.rules.unoccupied import owner_schedule
from schemas.events import AccountAmendment, OpenAccount, PropertyFacts
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
    facts: PropertyFacts, account: OpenAccount, effective: date, discount: Discount | None, notice: date,
    rules: CouncilRules, description: str, *, liable_persons: tuple[str, ...] | None = None,
) -> AccountAmendment:
    """Re-derive the account from ``effective`` with ``discount`` in force from that day (``None``: the periods as
    they stand, worked out again under the current rules)."""
    effective = max(effective, account.liability_start)

    def change(periods: tuple[LiabilityPeriod, ...]) -> tuple[LiabilityPeriod, ...]:
        return periods if discount is None else changed_from(periods, effective, facts.band, discount)

    return _amended(facts, account, effective, notice, rules, description, discount=discount,
                    liable_persons=liable_persons, first_year=financial_year_of(effective), change=change)


def _amended(
    facts: PropertyFacts, account: OpenAccount, effective: date, notice: date, rules: CouncilRules,
    description: str, *, discount: Discount | None = None, liable_persons: tuple[str, ...] | None = None,
    first_year: FinancialYear | None = None, change: PeriodChange | None = None, twelve: bool | None = None,
    payment_day: int | None = None, replan: bool = True,
) -> AccountAmendment:
    """The amendment, with every year from ``first_year`` (default: the notice's) re-derived from the account's
    periods (``change`` made to them) and billed on its own revised demand or credit, on the account's scheme
    and payment day (``processors/rules/ledger.py``)."""
    discount = discount or discount_from_account(account.discount_code, account.discount_percent)
    twelve = account.twelve_instalments if twelve is None else twelve
    payment_day = payment_day if payment_day is not None else account.payment_day
    terms = PaymentPlanTerms(Scheme.TWELVE if twelve else Scheme.TEN, payment_day or rules.payment_day)
    first_year = first_year or financial_year_of(notice)
    demands = (rebilled(account, facts.band, first_year, change or (lambda periods: periods), notice, terms,
                        rules, owner_schedule(facts, account, rules)) if replan else None)
    return AccountAmendment(
        account_ref=account.account_ref, uprn=facts.uprn, expected_liability_start=account.liability_start,
        effective_date=effective, description=description, liable_persons=liable_persons or (),
        replaces_liable_persons=liable_persons is not None,
        discount_code=discount.code, discount_percent=discount.percent, twelve_instalments=twelve,
        payment_day=payment_day, first_recharged_year=first_year.start_year if demands else None,
        charges=demands.charges if demands else (),
        replanned_year=demands.latest.financial_year if demands else None,
        balance_pence=demands.latest.balance_pence if demands else 0,
        instalments=demands.instalments if demands else (), year_bills=demands.year_bills if demands else (),
    )
