"""The staged shape: one step per agent, a topic between each (the benchmark's naive baseline).

Each handler decodes the records of its source topic and calls the same step functions as the fused shape:
submitted -> validate -> validated -> assess -> assessed -> apply -> status -> metrics.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from processors.pipeline.apply import apply_changes
from processors.pipeline.assess import assess_all
from processors.pipeline.context import Output, SourceRecord, StageContext, output
from processors.pipeline.dead_letters import dead_letter
from processors.pipeline.decode import decode_submitted
from processors.pipeline.report import metric_outputs, status_outputs
from processors.pipeline.status_events import status_event
from processors.pipeline.validate import common_fields, validate
from schemas.codec import DecodeError
from schemas.events import AccountChange, NotificationStatus, Stage, Status, ValidatedNotification
from schemas.notification import Model
from schemas.topics import ASSESSED, VALIDATED

M = TypeVar("M", bound=Model)


def _decode_each(
    ctx: StageContext, stage: Stage, records: Sequence[SourceRecord], model: type[M]
) -> tuple[list[M], list[Output]]:
    events: list[M] = []
    dead: list[Output] = []
    for record in records:
        try:
            events.append(ctx.codec.decode(record.value, model))
        except DecodeError as error:
            dead.append(dead_letter(stage, record, str(error)))
    return events, dead


def validate_submitted(ctx: StageContext, records: list[SourceRecord]) -> list[Output]:
    """Validate: settled notifications get their status; the rest go on validated, with a progress status."""
    decoded = decode_submitted(ctx, records)
    validation = validate(ctx, decoded.notifications)
    progress = [status_event(ctx, **common_fields(item.notification, Stage.VALIDATE), status=Status.VALIDATED,
                             timings=item.timings) for item in validation.passed]
    onward = [output(ctx, VALIDATED, item.notification.notification_id, item) for item in validation.passed]
    # Begun and not finished: straight on to be finished as assessed the first time.
    resumed = [output(ctx, ASSESSED, change.notification_id, change) for change in validation.resumed]
    return decoded.dead + onward + resumed + status_outputs(ctx, decoded.settled + validation.settled + progress)


def assess_validated(ctx: StageContext, records: list[SourceRecord]) -> list[Output]:
    """Assess: account changes go on to be applied; those a person must decide get a review status."""
    validated, dead = _decode_each(ctx, Stage.ASSESS, records, ValidatedNotification)
    reviews, changes = assess_all(ctx, validated)
    return dead + [output(ctx, ASSESSED, c.notification_id, c) for c in changes] + status_outputs(ctx, reviews)


def apply_assessed(ctx: StageContext, records: list[SourceRecord]) -> list[Output]:
    """Apply: the final status of each account change."""
    changes, dead = _decode_each(ctx, Stage.APPLY, records, AccountChange)
    return dead + status_outputs(ctx, apply_changes(ctx, changes))


def measure_status(ctx: StageContext, records: list[SourceRecord]) -> list[Output]:
    """Metrics: one time-and-cost event per notification that reached a final status."""
    statuses, dead = _decode_each(ctx, Stage.APPLY, records, NotificationStatus)
    return dead + metric_outputs(ctx, statuses)

