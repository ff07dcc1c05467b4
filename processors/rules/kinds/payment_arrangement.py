"""Payment arrangement: 10 or 12 instalments (SI 1992/613 Sch. 1 para 2(3A)) and a payment day, kept by the
account for every later demand, final bills included."""

from __future__ import annotations

from datetime import date

from processors.rules.amendments import _account_for, _amended
from processors.rules.council import CouncilRules
from processors.rules.kinds.kind_rules import BackOfficeRequest, KindRules, the_address
from processors.rules.review import Effects
from schemas.events import AccountAmendment, OpenAccount, PropertyFacts, ValidatedNotification
from schemas.notification import ChangeKind, PaymentArrangement


def assess(change: PaymentArrangement, validated: ValidatedNotification, notice: date,
           rules: CouncilRules) -> Effects:
    facts = validated.facts_for(change.uprn)
    account = _account_for(facts, change.account_reference)
    return (), (), (_payment_arrangement(change, facts, account, notice, rules),)


def _payment_arrangement(
    change: PaymentArrangement, facts: PropertyFacts, account: OpenAccount, notice: date, rules: CouncilRules
) -> AccountAmendment:
    day = change.payment_day or account.payment_day or rules.payment_day
    scheme = "12" if change.twelve_instalments else "10"
    return _amended(facts, account, notice, notice, rules,
                    f"Payment arrangement: {scheme} monthly instalments on day {day} of the month",
                    twelve=change.twelve_instalments, payment_day=change.payment_day or account.payment_day)


RULES = KindRules(
    kind=ChangeKind.PAYMENT_ARRANGEMENT, change_type=PaymentArrangement,
    asks_back_office=frozenset({BackOfficeRequest.AMEND_ACCOUNT}), properties=the_address, assess=assess,
    preview_shows=frozenset({BackOfficeRequest.AMEND_ACCOUNT}),
    backdating_matters=False,
)
