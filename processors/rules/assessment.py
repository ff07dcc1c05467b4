"""The assess stage's rules: the account changes a validated notification makes, found through the kinds' table."""

from __future__ import annotations

from datetime import datetime

from processors.rules.council import CouncilRules
from processors.rules.kinds.kind_rules import BackOfficeRequest, KindRules
from processors.rules.kinds.table import rules_for
from processors.rules.liability import notice_date_for
from processors.rules.review import Effects, NeedsReview, settled
from schemas.events import AccountChange, DecidedRefund, ValidatedNotification


class UndeclaredRequestError(RuntimeError):
    """A kind's assessment asked the back office for something its table entry does not declare (a bug)."""


def assess(validated: ValidatedNotification, rules: CouncilRules, assessed_at: datetime) -> AccountChange | NeedsReview:
    """Return the account changes a validated notification causes, or why a person must decide."""
    notification = validated.notification
    kind_rules = rules_for(notification.kind)
    notice = notice_date_for(notification.submitted_at)

    decided: tuple[DecidedRefund, ...] = ()

    def work() -> Effects:
        nonlocal decided
        effects = kind_rules.assess(notification.change, validated, notice, rules)
        if kind_rules.decides_refunds is not None:
            decided = kind_rules.decides_refunds(notification.change, validated, notice)
        return _declared(kind_rules, effects, decided)

    result = settled(validated, notice, assessed_at, work)
    if decided and isinstance(result, AccountChange):
        return result.model_copy(update={"refund_decisions": decided})
    return result


def _declared(kind_rules: KindRules[object], effects: Effects, decided: tuple[DecidedRefund, ...]) -> Effects:
    endings, openings, amendments = effects
    asked = {request for request, parts in ((BackOfficeRequest.END_LIABILITY, endings),
                                            (BackOfficeRequest.OPEN_ACCOUNT, openings),
                                            (BackOfficeRequest.AMEND_ACCOUNT, amendments),
                                            (BackOfficeRequest.DECIDE_REFUND, decided)) if parts}
    undeclared = asked - kind_rules.asks_back_office
    if undeclared:
        raise UndeclaredRequestError(
            f"{kind_rules.kind.value} asked the back office to {', '.join(sorted(undeclared))}, which its "
            "entry in processors/rules/kinds does not declare")
    return effects
