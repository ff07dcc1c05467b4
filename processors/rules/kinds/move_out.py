"""Moving out of the area: the mover's liability ends the day before the move date, with its final bill; a credit
is refunded to the bank account the mover gave (processors/rules/refunds.py); with no next occupier, the owner is
liable for the empty dwelling from the move date (processors/rules/unoccupied.py)."""

from __future__ import annotations

from datetime import date

from processors.rules.council import CouncilRules
from processors.rules.kinds.kind_rules import BackOfficeRequest, KindRules, the_address
from processors.rules.liability import _mover_ending
from processors.rules.refunds import refund_credit
from processors.rules.review import Effects
from processors.rules.unoccupied import owner_liability_after
from schemas.events import ValidatedNotification
from schemas.notification import ChangeKind, Channel, MoveOut


def assess(change: MoveOut, validated: ValidatedNotification, notice: date, rules: CouncilRules) -> Effects:
    facts = validated.facts_for(change.uprn)
    ending = _mover_ending(facts, change.move_out_date, notice, rules,
                           change.account_reference, change.forwarding_address, validated.notification.reference)
    # An officer's correction, or the landlord's own row, corrects the register's owner; a resident's answer
    # only fills in an owner the register does not know.
    corrects = validated.notification.channel in {Channel.OFFICER_CORRECTION, Channel.LANDLORD_BULK}
    owner = owner_liability_after(facts, ending, notice, rules, change.landlord_name, named_first=corrects)
    return (refund_credit(ending, change.refund_to, notice, rules),), owner, ()


RULES = KindRules(
    kind=ChangeKind.MOVE_OUT, change_type=MoveOut,
    asks_back_office=frozenset({BackOfficeRequest.END_LIABILITY, BackOfficeRequest.OPEN_ACCOUNT}),
    properties=the_address, assess=assess,
    preview_shows=frozenset({BackOfficeRequest.END_LIABILITY}),
)
