"""Changes to an account that stays open: discounts and exemptions, who is liable, names, payment arrangements.

Each becomes one AccountAmendment from an effective date: the account's charge from that day is apportioned
day by day with the new discount (LGFA 1992 s.11 discounts, s.4 and the Council Tax (Exempt Dwellings) Order
1992 class N for exemptions), and the rest of the current year's charge is re-planned in instalments on the
account's own scheme and payment day (SI 1992/613 Sch. 1; see processors/rules/instalments.py).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from processors.rules.council import CouncilRules
from processors.rules.discounts import (
    NO_DISCOUNT,
    SINGLE_PERSON,
    STUDENT_EXEMPTION,
    Discount,
    discount_for,
    discount_from_account,
)
from processors.rules.instalments import PaymentArrangement as InstalmentArrangement
from processors.rules.instalments import Scheme
from processors.rules.ledger import PeriodChange, rebilled
from processors.rules.periods import LiabilityPeriod, changed_from
from processors.rules.review import Effects, NeedsReview, Review, settled
from schemas.events import (
    AccountAmendment,
    AccountChange,
    OpenAccount,
    PropertyFacts,
    ValidatedNotification,
)
from schemas.financial_year import FinancialYear, financial_year_of
from schemas.notification import (
    AccountChangeKind,
    DiscountAction,
    HouseholdChange,
    NameChange,
    PaymentArrangement,
    Rebill,
    SinglePersonDiscount,
    StudentExemption,
)

# A student council-tax certificate reference that goes straight through: the institution's code (2 to 10
# capital letters) and the certificate number (4 to 12 digits), joined by "/" or "-", e.g. UOE/20251234.
# Anything else (a typed description, a missing number) goes to a person to check with the institution.
STUDENT_CERTIFICATE = re.compile(r"^[A-Z]{2,10}[/-][0-9]{4,12}$")


def assess_amendment(
    validated: ValidatedNotification, rules: CouncilRules, notice: date, assessed_at: datetime
) -> AccountChange | NeedsReview:
    """The amendment a validated account-level notification makes, or why a person must decide."""
    notification = validated.notification
    change = notification.change
    assert isinstance(change, SinglePersonDiscount | HouseholdChange | StudentExemption | NameChange
                      | PaymentArrangement | Rebill)

    def work() -> Effects:
        facts = validated.facts_for(change.uprn)
        account = _account_for(facts, change.account_reference)
        return (), (), (_amendment(change, facts, account, notice, rules),)

    return settled(validated, notice, assessed_at, work)


def _account_for(facts: PropertyFacts, account_reference: str | None) -> OpenAccount:
    account = facts.open_account
    if account is None:
        raise Review("no_open_account", "There is no open council-tax account at this address", "uprn")
    if account_reference and account_reference.upper() != account.account_ref.upper():
        raise Review("account_reference_mismatch",
                     "The account reference given does not match the open account at this address",
                     "account_reference")
    return account


def _amendment(
    change: AccountChangeKind, facts: PropertyFacts, account: OpenAccount, notice: date, rules: CouncilRules
) -> AccountAmendment:
    current = discount_from_account(account.discount_code, account.discount_percent)
    if isinstance(change, SinglePersonDiscount):
        why = change.reason.value.replace("_", " ")
        return _discount_change(facts, account, change.effective_date, _spd(change, current), notice, rules,
                                f"Single person discount {change.action.value} ({why})")
    if isinstance(change, HouseholdChange):
        discount = discount_for(change.residents)
        if discount == STUDENT_EXEMPTION:  # one evidence rule for class N: certificates, as a student_exemption
            raise Review("student_certificate_unverified",
                         "Everyone living there would be a student (exempt, class N): the council needs their "
                         "student certificates, sent as a student exemption", "residents")
        counted = sum(1 for r in change.residents if r.disregard is None)
        return _discount_change(
            facts, account, change.effective_date, discount, notice, rules,
            f"Household changed ({change.event.value.replace('_', ' ')}): {len(change.residents)} adult(s), "
            f"{counted} counted; liable: {', '.join(change.liable_persons)}",
            liable_persons=change.liable_persons)
    if isinstance(change, StudentExemption):
        unchecked = [s.certificate_reference for s in change.students
                     if not STUDENT_CERTIFICATE.match(s.certificate_reference.strip())]
        if unchecked:
            raise Review("student_certificate_unverified",
                         f"{len(unchecked)} student certificate reference(s) are not in the format the council "
                         "can accept without checking (institution code and number, e.g. UOE/20251234)",
                         "students")
        return _discount_change(facts, account, change.effective_date, STUDENT_EXEMPTION, notice, rules,
                                f"Exempt (class N): {len(change.students)} full-time student(s), certificates "
                                + ", ".join(s.certificate_reference for s in change.students))
    if isinstance(change, NameChange):
        return _name_change(change, facts, account, notice, rules)
    if isinstance(change, Rebill):
        return _discount_change(facts, account, change.from_date, None, notice, rules,
                                f"Charge from {change.from_date.isoformat()} and instalments worked out again "
                                f"under the current rules: {change.reason}")
    return _payment_arrangement(change, facts, account, notice, rules)


def _spd(change: SinglePersonDiscount, current: Discount) -> Discount:
    if current.percent == 100:
        raise Review("exemption_applies",
                     f"The account is exempt ({current.code}); a person must decide whether the discount replaces it",
                     "action")
    if change.action is DiscountAction.CLAIM:
        if current.code == SINGLE_PERSON.code:
            raise Review("discount_already_applies", "The account already has a single person discount", "action")
        return SINGLE_PERSON
    if current.code != SINGLE_PERSON.code:
        raise Review("no_single_person_discount", "The account has no single person discount to end", "action")
    return NO_DISCOUNT


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


def _name_change(
    change: NameChange, facts: PropertyFacts, account: OpenAccount, notice: date, rules: CouncilRules
) -> AccountAmendment:
    names = [name.casefold() for name in account.liable_persons]
    if change.previous_name.casefold() not in names:
        raise Review("name_not_on_account",
                     "The previous name given is not one of the liable people on the account", "previous_name")
    renamed = tuple(change.new_name if name.casefold() == change.previous_name.casefold() else name
                    for name in account.liable_persons)
    return _amended(facts, account, change.effective_date, notice, rules,
                    f"Name changed from {change.previous_name} to {change.new_name} "
                    f"({change.reason.value.replace('_', ' ')}, {change.effective_date.isoformat()})",
                    liable_persons=renamed, replan=False)


def _payment_arrangement(
    change: PaymentArrangement, facts: PropertyFacts, account: OpenAccount, notice: date, rules: CouncilRules
) -> AccountAmendment:
    day = change.payment_day or account.payment_day or rules.payment_day
    scheme = "12" if change.twelve_instalments else "10"
    return _amended(facts, account, notice, notice, rules,
                    f"Payment arrangement: {scheme} monthly instalments on day {day} of the month",
                    twelve=change.twelve_instalments, payment_day=change.payment_day or account.payment_day)


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
    arrangement = InstalmentArrangement(Scheme.TWELVE if twelve else Scheme.TEN, payment_day or rules.payment_day)
    first_year = first_year or financial_year_of(notice)
    demands = (rebilled(account, facts.band, first_year, change or (lambda periods: periods), notice, arrangement,
                        rules) if replan else None)
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
