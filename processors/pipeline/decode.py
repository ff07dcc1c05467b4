"""Decode step: submitted bytes into notifications, or a rejection, or a dead letter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from processors.pipeline.context import Output, SourceRecord, StageContext
from processors.pipeline.dead_letters import dead_letter
from processors.pipeline.status_events import reasons_from_validation_error, status_event
from schemas.codec import DecodeError
from schemas.events import NotificationStatus, Stage, StageTimings, Status
from schemas.notification import ChangeKind, ChangeNotification


@dataclass
class Decoded:
    """A batch after decoding: notifications to validate, rejections settled already, and dead letters."""

    notifications: list[ChangeNotification] = field(default_factory=list)
    settled: list[NotificationStatus] = field(default_factory=list)
    dead: list[Output] = field(default_factory=list)


def decode_submitted(ctx: StageContext, records: Sequence[SourceRecord]) -> Decoded:
    """Read each record against the Avro contract, then the business rules of the pydantic models."""
    decoded = Decoded()
    for record in records:
        try:
            fields = ctx.codec.read_record(record.value, "ChangeNotification")
        except DecodeError as error:
            decoded.dead.append(dead_letter(Stage.VALIDATE, record, str(error)))
            continue
        try:
            decoded.notifications.append(ChangeNotification.model_validate(fields))
        except ValidationError as error:
            rejection = rejection_of_invalid(ctx, fields, error)
            if isinstance(rejection, str):
                decoded.dead.append(dead_letter(Stage.VALIDATE, record, rejection))
            else:
                decoded.settled.append(rejection)
    return decoded


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
