"""Who lives there: the liable people (joint and several) and the discount that follows from who counts."""

from __future__ import annotations

from datetime import date

from processors.rules.amendments import _account_for, _discount_change
from processors.rules.council import CouncilRules
from processors.rules.discounts import discount_for
from processors.rules.kinds.kind_rules import BackOfficeRequest, KindRules, the_address
from processors.rules.review import Effects
from schemas.events import ValidatedNotification
from schemas.notification import ChangeKind, HouseholdChange


def assess(change: HouseholdChange, validated: ValidatedNotification, notice: date, rules: CouncilRules) -> Effects:
    facts = validated.facts_for(change.uprn)
    account = _account_for(facts, change.account_reference)
    counted = sum(1 for r in change.residents if r.disregard is None)
    return (), (), (_discount_change(
        facts, account, change.effective_date, discount_for(change.residents), notice, rules,
        f"Household changed ({change.event.value.replace('_', ' ')}): {len(change.residents)} adult(s), "
        f"{counted} counted; liable: {', '.join(change.liable_persons)}",
        liable_persons=change.liable_persons),)


RULES = KindRules(
    kind=ChangeKind.HOUSEHOLD_CHANGE, change_type=HouseholdChange,
    asks_back_office=frozenset({BackOfficeRequest.AMEND_ACCOUNT}), properties=the_address, assess=assess,
)
