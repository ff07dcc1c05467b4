"""How the rules say that a person must decide: a result for the pipeline, and an exception inside the rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from processors.rules.charges import ChargeInputError
from processors.rules.council import MissingBandDChargeError
from schemas.events import (
    AccountAmendment,
    AccountChange,
    LiabilityEnding,
    LiabilityOpening,
    Reason,
    ValidatedNotification,
)

# What the rules decide for one notification: liabilities to end, accounts to open, accounts to amend.
Effects = tuple[tuple[LiabilityEnding, ...], tuple[LiabilityOpening, ...], tuple[AccountAmendment, ...]]


@dataclass(frozen=True)
class NeedsReview:
    """The rules cannot settle this change by themselves; ``reasons`` say what a person must decide."""

    reasons: tuple[Reason, ...]


class Review(Exception):  # noqa: N818 - control flow inside the rules, always turned into NeedsReview
    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.reason = Reason(code=code, field=field, message=message)


def settled(
    validated: ValidatedNotification, notice: date, assessed_at: datetime, work: Callable[[], Effects]
) -> AccountChange | NeedsReview:
    """Run ``work`` (the rules for one notification) and wrap what it decides as the notification's account change,
    or say why a person must decide: a rule that asked for review, a missing Band D figure, an impossible
    register value (an unknown band, a discount outside 0-100%)."""
    try:
        endings, openings, amendments = work()
    except Review as review:
        return NeedsReview((review.reason,))
    except MissingBandDChargeError as missing:
        return NeedsReview((Reason(code="band_d_charge_missing", message=str(missing)),))
    except ChargeInputError as impossible:
        return NeedsReview((Reason(code=impossible.code, field=impossible.field, message=str(impossible)),))
    notification = validated.notification
    return AccountChange(
        notification_id=notification.notification_id,
        reference=notification.reference,
        council_code=notification.council_code,
        kind=notification.kind,
        notice_date=notice,
        change_fingerprint=notification.change_fingerprint,
        endings=endings,
        openings=openings,
        amendments=amendments,
        timings=validated.timings.model_copy(update={"assessed_at": assessed_at}),
        preview_digest=notification.preview_digest,
    )
