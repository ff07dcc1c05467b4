"""Change of name: a liable person renamed, with both names in the audit note; no money changes."""

from __future__ import annotations

from datetime import date

from processors.rules.amendments import _account_for, _amended
from processors.rules.council import CouncilRules
from processors.rules.kinds.kind_rules import BackOfficeRequest, KindRules, the_address
from processors.rules.review import Effects, Review
from schemas.events import AccountAmendment, OpenAccount, PropertyFacts, ValidatedNotification
from schemas.notification import ChangeKind, NameChange


def assess(change: NameChange, validated: ValidatedNotification, notice: date, rules: CouncilRules) -> Effects:
    facts = validated.facts_for(change.uprn)
    account = _account_for(facts, change.account_reference)
    return (), (), (_name_change(change, facts, account, notice, rules),)


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


def account_as_replayed(change: NameChange, account: OpenAccount) -> OpenAccount:
    """Names are not read back: the previous name was on the account, or the change would not have applied."""
    return account.model_copy(update={"liable_persons": (change.previous_name,)})


RULES = KindRules(
    kind=ChangeKind.CHANGE_OF_NAME, change_type=NameChange,
    asks_back_office=frozenset({BackOfficeRequest.AMEND_ACCOUNT}), properties=the_address, assess=assess,
    preview_shows=frozenset({BackOfficeRequest.AMEND_ACCOUNT}),
    backdating_matters=False, account_as_replayed=account_as_replayed,
)
