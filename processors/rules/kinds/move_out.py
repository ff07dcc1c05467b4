"""Moving out of the area: the mover's liability ends the day before the move date, with its final bill; a credit
is refunded to the bank account the mover gave (processors/rules/refunds.py)."""

from __future__ import annotations

from datetime import date

from processors.rules.council import CouncilRules
from processors.rules.kinds.kind_rules import BackOfficeRequest, KindRules, the_address
from processors.rules.liability import _mover_ending
from processors.rules.refunds import refund_credit
from processors.rules.review import Effects
from schemas.events import ValidatedNotification
from schemas.notification import ChangeKind, MoveOut


def assess(change: MoveOut, validated: ValidatedNotification, notice: date, rules: CouncilRules) -> Effects:
    ending = _mover_ending(validated.facts_for(change.uprn), change.move_out_date, notice, rules,
                           change.account_reference, change.forwarding_address, validated.notification.reference)
    return (refund_credit(ending, change.refund_to, notice, rules),), (), ()


RULES = KindRules(
    kind=ChangeKind.MOVE_OUT, change_type=MoveOut,
    asks_back_office=frozenset({BackOfficeRequest.END_LIABILITY}),
    properties=the_address, assess=assess,
    preview_shows=frozenset({BackOfficeRequest.END_LIABILITY}),
)
