"""Reference-data checks of the validate stage, as a pure function of the notification and register facts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from processors.rules.council import CouncilRules
from processors.rules.kinds.table import rules_for
from schemas.events import PropertyFacts, Reason
from schemas.notification import ChangeNotification, Channel


@dataclass(frozen=True)
class Verdict:
    """Rejections stop a notification with reasons the resident sees; review reasons send it to a person."""

    rejections: tuple[Reason, ...] = ()
    review: tuple[Reason, ...] = ()

    @property
    def accepted(self) -> bool:
        return not self.rejections and not self.review


def check_against_register(
    notification: ChangeNotification,
    register: Mapping[str, PropertyFacts | None],
    rules: CouncilRules,
    today: date,
) -> Verdict:
    """Check council, addresses and dates against the property register and the council's windows."""
    rejections: list[Reason] = []
    review: list[Reason] = []
    if notification.council_code != rules.council_code:
        rejections.append(Reason(
            code="wrong_council", field="council_code",
            message=f"This service handles council {rules.council_code}, not {notification.council_code}",
        ))
    kind_rules = rules_for(notification.kind)
    if kind_rules.officers_only and notification.channel is not Channel.OFFICER_CORRECTION:
        rejections.append(Reason(
            code="officers_only", field="change.kind",
            message="Only a revenues officer can ask for an account to be billed again",
        ))
    for named in kind_rules.properties(notification.change):
        field, uprn, address = named.field, named.uprn, named.address
        facts = register.get(uprn) if uprn is not None else None
        if uprn is None:
            review.append(Reason(
                code="address_not_in_register", field=field,
                message="The resident could not find the address in the property register and typed it in; "
                        "an officer will match it to a property",
            ))
        elif facts is None:
            review.append(Reason(
                code="address_not_in_register", field=field,
                message="The address is not in the council's property register; an officer will find it",
            ))
        elif facts.postcode != address.postcode:
            rejections.append(Reason(
                code="postcode_mismatch", field=f"{field}.postcode",
                message=f"The postcode {address.postcode} does not match the property chosen; check the address",
            ))
    change = notification.change
    if notification.channel is Channel.OFFICER_CORRECTION:
        # An officer who corrects and sends on a review case has checked the dates: do not ask again.
        return Verdict(tuple(rejections), tuple(review))
    when = change.effective_date
    field, what = ("move_date", "move date") if change.kind.is_move else ("effective_date", "date of the change")
    prefix = "move_date" if change.kind.is_move else "effective_date"
    if (when - today).days > rules.move_ahead_days:
        review.append(Reason(
            code=f"{prefix}_too_far_ahead", field=field,
            message=f"The {what} is more than {rules.move_ahead_days} days away; an officer will confirm it",
        ))
    # A kind that changes no money backwards in time (a name, a payment arrangement): an old date needs no one.
    if kind_rules.backdating_matters and (today - when).days > rules.move_back_days:
        review.append(Reason(
            code=f"{prefix}_too_far_back", field=field,
            message=f"The {what} is more than {rules.move_back_days} days ago; an officer will check the backdating",
        ))
    return Verdict(tuple(rejections), tuple(review))

