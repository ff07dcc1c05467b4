"""Assess step: the council-tax consequences of validated notifications, from the pure rules."""

from __future__ import annotations

from collections.abc import Sequence

from processors.pipeline.context import StageContext
from processors.pipeline.status_events import status_event
from processors.pipeline.validate import common_fields
from processors.rules.assessment import assess
from processors.rules.review import NeedsReview
from schemas.events import AccountChange, NotificationStatus, Stage, Status, ValidatedNotification


def assess_all(
    ctx: StageContext, validated: Sequence[ValidatedNotification]
) -> tuple[list[NotificationStatus], list[AccountChange]]:
    """Return review statuses for the changes a person must decide, and the account changes of the rest."""
    reviews: list[NotificationStatus] = []
    changes: list[AccountChange] = []
    for item in validated:
        result = assess(item, ctx.rules, ctx.clock())
        if isinstance(result, NeedsReview):
            reviews.append(status_event(
                ctx, **common_fields(item.notification, Stage.ASSESS), status=Status.REVIEW,
                reasons=result.reasons, timings=item.timings.model_copy(update={"assessed_at": ctx.clock()})))
        else:
            changes.append(result)
    return reviews, changes
