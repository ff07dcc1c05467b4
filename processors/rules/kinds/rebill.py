"""Rebill (officers only): the account's charge from a date and the year's plan worked out again under the
current rules, at the discount the account has."""

from __future__ import annotations

from datetime import date

from processors.rules.amendments import _account_for, _discount_change
from processors.rules.council import CouncilRules
from processors.rules.kinds.kind_rules import BackOfficeRequest, KindRules, the_address
from processors.rules.review import Effects
from schemas.events import ValidatedNotification
from schemas.notification import ChangeKind, Rebill


def assess(change: Rebill, validated: ValidatedNotification, notice: date, rules: CouncilRules) -> Effects:
    facts = validated.facts_for(change.uprn)
    account = _account_for(facts, change.account_reference)
    # The periods as they stand (each with the discount it had), worked out again under the current rules.
    return (), (), (_discount_change(facts, account, change.from_date, None, notice, rules,
                                     f"Charge from {change.from_date.isoformat()} and instalments worked out again "
                                     f"under the current rules: {change.reason}"),)


RULES = KindRules(
    kind=ChangeKind.REBILL, change_type=Rebill,
    asks_back_office=frozenset({BackOfficeRequest.AMEND_ACCOUNT}), properties=the_address, assess=assess,
    officers_only=True,
)
