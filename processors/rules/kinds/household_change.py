"""Who lives there: the liable people (joint and several) and the discount that follows from who counts."""

from __future__ import annotations

from datetime import date

from processors.rules.amendments import _account_for, _discount_change
from processors.rules.council import CouncilRules
from processors.rules.discounts import STUDENT_EXEMPTION, discount_for
from processors.rules.kinds.kind_rules import BackOfficeRequest, KindRules, the_address
from processors.rules.review import Effects, Review
from schemas.events import ValidatedNotification
from schemas.notification import ChangeKind, HouseholdChange


def assess(change: HouseholdChange, validated: ValidatedNotification, notice: date, rules: CouncilRules) -> Effects:
    facts = validated.facts_for(change.uprn)
    account = _account_for(facts, change.account_reference)
    discount = discount_for(change.residents)
    if discount == STUDENT_EXEMPTION:  # one evidence rule for class N: certificates, as a student_exemption
        raise Review("student_certificate_unverified",
                     "Everyone living there would be a student (exempt, class N): the council needs their "
                     "student certificates, sent as a student exemption", "residents")
    counted = sum(1 for r in change.residents if r.disregard is None)
    return (), (), (_discount_change(
        facts, account, change.effective_date, discount, notice, rules,
        f"Household changed ({change.event.value.replace('_', ' ')}): {len(change.residents)} adult(s), "
        f"{counted} counted; liable: {', '.join(change.liable_persons)}",
        liable_persons=change.liable_persons),)


RULES = KindRules(
    kind=ChangeKind.HOUSEHOLD_CHANGE, change_type=HouseholdChange,
    asks_back_office=frozenset({BackOfficeRequest.AMEND_ACCOUNT}), properties=the_address, assess=assess,
    preview_shows=frozenset({BackOfficeRequest.AMEND_ACCOUNT}),
)
