"""Moving into the area: the previous occupier's liability ends the day before, an account opens from the date."""

from __future__ import annotations

from datetime import date

from processors.rules.council import CouncilRules
from processors.rules.kinds.kind_rules import BackOfficeRequest, KindRules, the_address
from processors.rules.liability import _opening, _previous_occupier_ending
from processors.rules.review import Effects
from schemas.events import ValidatedNotification
from schemas.notification import ChangeKind, MoveIn


def assess(change: MoveIn, validated: ValidatedNotification, notice: date, rules: CouncilRules) -> Effects:
    facts = validated.facts_for(change.uprn)
    endings = _previous_occupier_ending(facts, change.move_in_date, notice, rules, validated.notification.reference)
    opening = _opening(facts, change.move_in_date, change.residents, change.twelve_instalments, notice, rules)
    return endings, (opening,), ()


RULES = KindRules(
    kind=ChangeKind.MOVE_IN, change_type=MoveIn,
    asks_back_office=frozenset({BackOfficeRequest.END_LIABILITY, BackOfficeRequest.OPEN_ACCOUNT}),
    properties=the_address, assess=assess,
    preview_shows=frozenset({BackOfficeRequest.OPEN_ACCOUNT}),
)
