"""Validate stage: Avro contract, business rules, then the property register and the council's windows."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from processors.dead_letters import dead_letter
from processors.stage_context import Output, StageContext, output
from processors.status_events import reasons_from_validation_error, status_event, status_output
from processors.validation import check_against_register
from schemas.codec import DecodeError
from schemas.events import (
    NotificationStatus,
    PropertyFacts,
    Reason,
    Stage,
    StageTimings,
    Status,
    ValidatedNotification,
)
from schemas.notification import ChangeKind, ChangeNotification
from schemas.topics import STATUS, SUBMITTED, VALIDATED

UK = ZoneInfo("Europe/London")


def validate_submitted(ctx: StageContext, key: bytes | None, value: bytes) -> list[Output]:
    """Decide what happens to one submitted notification; returns the records to publish."""
    try:
        record = ctx.codec.read_record(value, "ChangeNotification")
    except DecodeError as error:
        return [dead_letter(Stage.VALIDATE, SUBMITTED.name, key, value, str(error))]
    try:
        notification = ChangeNotification.model_validate(record)
    except ValidationError as error:
        return _reject_invalid(ctx, key, value, record, error)

    timings = StageTimings(submitted_at=notification.submitted_at)
    common: dict[str, Any] = {
        "notification_id": notification.notification_id, "reference": notification.reference,
        "council_code": notification.council_code, "kind": notification.kind, "stage": Stage.VALIDATE,
    }
    earlier = ctx.revenues.applied(notification.notification_id)
    if earlier is not None:
        # A redelivery after the change was applied: say so again rather than assessing it afresh.
        return [status_output(ctx, **common, status=Status.APPLIED, account_refs=earlier.account_refs,
                              timings=timings.model_copy(update={"completed_at": earlier.applied_at}))]
    same = ctx.revenues.applied_with_fingerprint(notification.change_fingerprint())
    if same is not None:
        reason = Reason(code="duplicate", message=f"This change was already made by notification {same.reference}")
        return [status_output(ctx, **common, status=Status.DUPLICATE, reasons=[reason], timings=timings)]

    register: dict[str, PropertyFacts | None] = {
        uprn: ctx.revenues.property_facts(uprn) for uprn in notification.change.uprns
    }
    now = ctx.clock()
    verdict = check_against_register(notification, register, ctx.rules, now.astimezone(UK).date())
    timings = timings.model_copy(update={"validated_at": now})
    if verdict.rejections:
        return [status_output(ctx, **common, status=Status.REJECTED, reasons=verdict.rejections, timings=timings)]
    if verdict.review:
        return [status_output(ctx, **common, status=Status.REVIEW, reasons=verdict.review, timings=timings)]
    validated = ValidatedNotification(
        notification=notification,
        properties=tuple(facts for facts in register.values() if facts is not None),
        timings=timings,
    )
    return [
        output(ctx, VALIDATED, notification.notification_id, validated),
        status_output(ctx, **common, status=Status.VALIDATED, timings=timings),
    ]


def _reject_invalid(
    ctx: StageContext, key: bytes | None, value: bytes, record: dict[str, Any], error: ValidationError
) -> list[Output]:
    rejection = rejection_of_invalid(ctx, record, error)
    if isinstance(rejection, str):
        return [dead_letter(Stage.VALIDATE, SUBMITTED.name, key, value, rejection)]
    return [output(ctx, STATUS, rejection.notification_id, rejection)]


def rejection_of_invalid(
    ctx: StageContext, record: dict[str, Any], error: ValidationError
) -> NotificationStatus | str:
    """The rejected status for a notification that breaks business rules, or why it must be dead-lettered."""
    envelope_fields = ("notification_id", "reference", "council_code", "submitted_at")
    if any(field in {str(e["loc"][0]) for e in error.errors()} for field in envelope_fields):
        # Without a sound envelope we cannot tell anyone about the rejection: park it for an operator.
        return "envelope failed validation"
    try:
        kind = ChangeKind(record["change"]["kind"])
    except (KeyError, TypeError, ValueError):
        return "change kind unreadable"
    timings = StageTimings(submitted_at=record["submitted_at"], validated_at=ctx.clock())
    return status_event(
        ctx, notification_id=record["notification_id"], reference=record["reference"],
        council_code=record["council_code"], kind=kind, stage=Stage.VALIDATE, status=Status.REJECTED,
        reasons=reasons_from_validation_error(error), timings=timings,
    )
