"""Single person discount (LGFA 1992 s.11(1)(b)): claimed (25%) or ended from a date."""

from __future__ import annotations

from datetime import date

from processors.rules.amendments import _account_for, _discount_change
from processors.rules.council import CouncilRules
from processors.rules.discounts import NO_DISCOUNT, SINGLE_PERSON, Discount, discount_from_account
from processors.rules.kinds.kind_rules import BackOfficeRequest, KindRules, the_address
from processors.rules.review import Effects, Review
from schemas.events import ValidatedNotification
from schemas.notification import ChangeKind, DiscountAction, SinglePersonDiscount


def assess(change: SinglePersonDiscount, validated: ValidatedNotification, notice: date,
           rules: CouncilRules) -> Effects:
    facts = validated.facts_for(change.uprn)
    account = _account_for(facts, change.account_reference)
    current = discount_from_account(account.discount_code, account.discount_percent)
    why = change.reason.value.replace("_", " ")
    return (), (), (_discount_change(facts, account, change.effective_date, _spd(change, current), notice, rules,
                                     f"Single person discount {change.action.value} ({why})"),)


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


RULES = KindRules(
    kind=ChangeKind.SINGLE_PERSON_DISCOUNT, change_type=SinglePersonDiscount,
    asks_back_office=frozenset({BackOfficeRequest.AMEND_ACCOUNT}), properties=the_address, assess=assess,
    preview_shows=frozenset({BackOfficeRequest.AMEND_ACCOUNT}),
)
