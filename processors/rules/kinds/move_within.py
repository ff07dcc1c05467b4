"""Moving within the area: a move-out and a move-in at once, all or nothing; a final bill in credit goes to the
new account (processors/rules/credit_transfer.py), and the owner of the home left is liable while no one lives
there (processors/rules/unoccupied.py)."""

from __future__ import annotations

from datetime import date

from processors.rules.council import CouncilRules
from processors.rules.credit_transfer import transfer_credit
from processors.rules.kinds.kind_rules import BackOfficeRequest, KindRules, NamedProperty
from processors.rules.liability import _mover_ending, _opening, _previous_occupier_ending
from processors.rules.review import Effects
from processors.rules.unoccupied import owner_liability_after
from schemas.events import ValidatedNotification
from schemas.notification import ChangeKind, MoveWithin


def assess(change: MoveWithin, validated: ValidatedNotification, notice: date, rules: CouncilRules) -> Effects:
    reference = validated.notification.reference
    leaving, arriving = validated.facts_for(change.from_uprn), validated.facts_for(change.to_uprn)
    mover = _mover_ending(leaving, change.move_date, notice, rules, None, change.to_address, reference)
    previous = _previous_occupier_ending(arriving, change.move_date, notice, rules, reference)
    opening = _opening(arriving, change.move_date, change.residents, change.twelve_instalments, notice, rules)
    mover, opening = transfer_credit(mover, opening, notice, rules)
    return (mover, *previous), (opening, *owner_liability_after(leaving, mover, notice, rules)), ()


def properties(change: MoveWithin) -> tuple[NamedProperty, ...]:
    return (NamedProperty("change.from_address", change.from_uprn, change.from_address),
            NamedProperty("change.to_address", change.to_uprn, change.to_address))


RULES = KindRules(
    kind=ChangeKind.MOVE_WITHIN, change_type=MoveWithin,
    asks_back_office=frozenset({BackOfficeRequest.END_LIABILITY, BackOfficeRequest.OPEN_ACCOUNT}),
    properties=properties, assess=assess,
    preview_shows=frozenset({BackOfficeRequest.OPEN_ACCOUNT}),  # the old address's final bill: no account number asked
)
