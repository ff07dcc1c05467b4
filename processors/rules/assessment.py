"""The assess stage's rules: the account changes a validated notification makes, found through the kinds' table."""

from __future__ import annotations

from datetime import datetime

from processors.rules.council import CouncilRules
from processors.rules.kinds.kind_rules import BackOfficeRequest, KindRules
from processors.rules.kinds.table import rules_for
from processors.rules.liability import notice_date_for
from processors.rules.review import Effects, NeedsReview, settled
from schemas.events import AccountChange, ValidatedNotification


class UndeclaredRequestError(RuntimeError):
    """A kind's assessment asked the back office for something its table entry does not declare (a bug)."""


def assess(validated: ValidatedNotification, rules: CouncilRules, assessed_at: datetime) -> AccountChange | NeedsReview:
    """Return the account changes a validated notification causes, or why a person must decide."""
    notification = validated.notification
    kind_rules = rules_for(notification.kind)
    notice = notice_date_for(notification.submitted_at)

    def work() -> Effects:
        return _declared(kind_rules, kind_rules.assess(notification.change, validated, notice, rules))

    return settled(validated, notice, assessed_at, work)


def _declared(kind_rules: KindRules[object], effects: Effects) -> Effects:
    endings, openings, amendments = effects
    asked = {request for request, parts in ((BackOfficeRequest.END_LIABILITY, endings),
                                            (BackOfficeRequest.OPEN_ACCOUNT, openings),
                                            (BackOfficeRequest.AMEND_ACCOUNT, amendments)) if parts}
    undeclared = asked - kind_rules.asks_back_office
    if undeclared:
        raise UndeclaredRequestError(
            f"{kind_rules.kind.value} asked the back office to {', '.join(sorted(undeclared))}, which its "
            "entry in processors/rules/kinds does not declare")
    return effects
