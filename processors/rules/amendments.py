"""Changes to an account that stays open: discounts and exemptions, who is liable, names, payment arrangements.

Each becomes one AccountAmendment from an effective date: the account's charge from that day is apportioned
day by day with the new discount (LGFA 1992 s.11 discounts, s.4 and the Council Tax (Exempt Dwellings) Order
1992 class N for exemptions), and the rest of the current year's charge is re-planned in instalments on the
account's own scheme and payment day (SI 1992/613 Sch. 1; see processors/rules/instalments.py).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from processors.rules.charges import charge_lines
from processors.rules.council import CouncilRules
from processors.rules.discounts import (
    NO_DISCOUNT,
    SINGLE_PERSON,
    STUDENT_EXEMPTION,
    Discount,
    discount_for,
    discount_from_account,
)
from processors.rules.instalments import Scheme, instalment_plan
from processors.rules.review import Effects, NeedsReview, Review, settled
from schemas.events import (
    AccountAmendment,
    AccountChange,
    ChargeLine,
    Instalment,
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
        return _discount_change(facts, account, change.from_date, current, notice, rules,
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
