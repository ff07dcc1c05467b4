"""Single person discount: claim it or stop it, and why (the date is asked on the shared date page)."""

from __future__ import annotations

from fastapi import APIRouter

from schemas.notification import DiscountAction, SpdReason
from web.resident.answers import JourneyAnswers
from web.resident.change_answers import CLAIM_REASONS, DISCOUNT_ACTION_LABELS, END_REASONS, SPD_REASON_LABELS
from web.resident.question_order import asks
from web.resident.radio_question import RadioQuestion, add_radio_question

router = APIRouter(prefix="/moving/discount", include_in_schema=False)


def _claiming_or_stopping(answers: JourneyAnswers) -> bool:
    return asks(answers, "/moving/discount")


def _keep_action(answers: JourneyAnswers, value: str) -> None:
    action = DiscountAction(value)
    if action != answers.discount_action:
        answers.discount_reason = None  # the reasons differ between claiming and stopping
    answers.discount_action = action


def _reasons(answers: JourneyAnswers) -> dict[str, str]:
    reasons = CLAIM_REASONS if answers.discount_action == DiscountAction.CLAIM else END_REASONS
    return {reason.value: SPD_REASON_LABELS[reason] for reason in reasons}


def _keep_reason(answers: JourneyAnswers, value: str) -> None:
    answers.discount_reason = SpdReason(value)


add_radio_question(router, RadioQuestion(
    route="", name="action", title=lambda _: "Do you want to claim or stop a single person discount?",
    hint="You get 25% off your Council Tax when only one adult who counts lives there.",
    options=lambda _: {action.value: label for action, label in DISCOUNT_ACTION_LABELS.items()},
    error="Select whether you want to claim or stop a single person discount",
    current=lambda answers: answers.discount_action.value if answers.discount_action else None,
    keep=_keep_action, asked=_claiming_or_stopping,
))
add_radio_question(router, RadioQuestion(
    route="/reason", name="reason",
    title=lambda answers: ("Why can you claim the discount?" if answers.discount_action == DiscountAction.CLAIM
                           else "Why does the discount stop?"),
    hint=None, options=_reasons, error="Select why",
    current=lambda answers: answers.discount_reason.value if answers.discount_reason else None,
    keep=_keep_reason,
    asked=lambda answers: _claiming_or_stopping(answers) and answers.discount_action is not None,
))
