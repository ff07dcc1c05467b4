"""Assess stage: the council-tax consequences of a validated move, from the pure rules."""

from __future__ import annotations

from processors.dead_letters import dead_letter
from processors.rules.liability import NeedsReview, assess
from processors.stage_context import Output, StageContext, output
from processors.status_events import status_output
from schemas.codec import DecodeError
from schemas.events import Stage, Status, ValidatedNotification
from schemas.topics import ASSESSED, VALIDATED


def assess_validated(ctx: StageContext, key: bytes | None, value: bytes) -> list[Output]:
    """Assess one validated notification; returns the account change, or a review status."""
    try:
        validated = ctx.codec.decode(value, ValidatedNotification)
    except DecodeError as error:
        return [dead_letter(Stage.ASSESS, VALIDATED.name, key, value, str(error))]
    notification = validated.notification
    try:
        result = assess(validated, ctx.rules, ctx.clock())
    except Exception as error:  # noqa: BLE001 - a rule that crashes on one event must not stop the stream
        return [dead_letter(Stage.ASSESS, VALIDATED.name, key, value, f"rules failed: {type(error).__name__}")]
    if isinstance(result, NeedsReview):
        return [status_output(
            ctx, notification_id=notification.notification_id, reference=notification.reference,
            council_code=notification.council_code, kind=notification.kind, stage=Stage.ASSESS,
            status=Status.REVIEW, reasons=result.reasons,
            timings=validated.timings.model_copy(update={"assessed_at": ctx.clock()}),
        )]
    return [output(ctx, ASSESSED, notification.notification_id, result)]
