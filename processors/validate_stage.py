"""Validate stage: Avro contract, business rules, then the property register and the council's windows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from adapters.revenues_port import AppliedChange
from processors.dead_letters import dead_letter
from processors.stage_context import Output, StageContext, output
from processors.status_events import reasons_from_validation_error, status_event
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

    decided = decide(
        ctx, notification,
        earlier=ctx.revenues.applied(notification.notification_id),
        same_change=ctx.revenues.applied_with_fingerprint(notification.change_fingerprint),
        register={uprn: ctx.revenues.property_facts(uprn) for uprn in notification.change.uprns if uprn},
        now=ctx.clock(),
    )
    if isinstance(decided, NotificationStatus):
        return [output(ctx, STATUS, notification.notification_id, decided)]
    validated_status = status_event(ctx, **_common(notification), status=Status.VALIDATED, timings=decided.timings)
    return [
        output(ctx, VALIDATED, notification.notification_id, decided),
        output(ctx, STATUS, notification.notification_id, validated_status),
    ]


def _common(notification: ChangeNotification) -> dict[str, Any]:
    return {"notification_id": notification.notification_id, "reference": notification.reference,
            "council_code": notification.council_code, "kind": notification.kind, "stage": Stage.VALIDATE}


def decide(
    ctx: StageContext,
    notification: ChangeNotification,
    *,
    earlier: AppliedChange | None,
    same_change: AppliedChange | None,
    register: Mapping[str, PropertyFacts | None],
    now: datetime,
) -> NotificationStatus | ValidatedNotification:
    """Settle a notification from what the revenues system says about it, or pass it on validated.

    Both pipelines call this with the facts they looked up (one at a time, or for a whole batch).
    """
    timings = StageTimings(submitted_at=notification.submitted_at)
    if earlier is not None:
        # A redelivery after the change was applied: say so again rather than assessing it afresh.
        return status_event(ctx, **_common(notification), status=Status.APPLIED, account_refs=earlier.account_refs,
                            timings=timings.model_copy(update={"completed_at": earlier.applied_at}))
    if same_change is not None:
        reason = Reason(code="duplicate",
                        message=f"This change was already made by notification {same_change.reference}")
        return status_event(ctx, **_common(notification), status=Status.DUPLICATE, reasons=[reason],
                            timings=timings)
    verdict = check_against_register(notification, register, ctx.rules, now.astimezone(UK).date())
    timings = timings.model_copy(update={"validated_at": now})
    if verdict.rejections or verdict.review:
        return status_event(ctx, **_common(notification),
                            status=Status.REJECTED if verdict.rejections else Status.REVIEW,
                            reasons=verdict.rejections or verdict.review, timings=timings)
    return ValidatedNotification(
        notification=notification,
        properties=tuple(facts for facts in register.values() if facts is not None),
        timings=timings,
    )


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
