"""Metrics stage: one time-and-cost event per notification once it reaches a final status."""

from __future__ import annotations

from datetime import datetime

from processors.dead_letters import dead_letter
from processors.rules.costs import route_costs
from processors.stage_context import Output, StageContext, output
from schemas.codec import DecodeError
from schemas.events import NotificationMetric, NotificationStatus, Stage
from schemas.topics import METRICS, STATUS


def _ms(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() * 1000, 3)


def metric_for(ctx: StageContext, status: NotificationStatus) -> NotificationMetric | None:
    """Return the metric for a final status, or None while the notification is still on its way."""
    if not status.status.is_final:
        return None
    timings = status.timings
    completed = timings.completed_at or ctx.clock()
    costs = route_costs(ctx.cost_model, status.status)
    return NotificationMetric(
        notification_id=status.notification_id,
        council_code=status.council_code,
        kind=status.kind,
        outcome=status.status,
        reason_codes=tuple(reason.code for reason in status.reasons),
        submitted_at=timings.submitted_at,
        completed_at=completed,
        validate_ms=_ms(timings.submitted_at, timings.validated_at),
        assess_ms=_ms(timings.validated_at, timings.assessed_at),
        apply_ms=_ms(timings.assessed_at, timings.completed_at) if timings.assessed_at else None,
        end_to_end_ms=_ms(timings.submitted_at, completed) or 0.0,
        digital_cost_pence=costs.digital_pence,
        baseline_cost_pence=costs.baseline_pence,
        saving_pence=costs.saving_pence,
        cost_model_version=ctx.cost_model.version,
    )


def measure_status(ctx: StageContext, key: bytes | None, value: bytes) -> list[Output]:
    try:
        status = ctx.codec.decode(value, NotificationStatus)
    except DecodeError as error:
        return [dead_letter(Stage.APPLY, STATUS.name, key, value, str(error))]
    metric = metric_for(ctx, status)
    return [] if metric is None else [output(ctx, METRICS, status.notification_id, metric)]
