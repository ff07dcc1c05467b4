"""Report step: each notification's status event and, once it is final, its time-and-cost metric."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from processors.pipeline.context import Output, StageContext, output
from processors.rules.costs import route_costs
from schemas.events import NotificationMetric, NotificationStatus, Status
from schemas.topics import METRICS, STATUS


def report(ctx: StageContext, statuses: Sequence[NotificationStatus]) -> list[Output]:
    """The status events and the metrics of a batch, in order."""
    outputs: list[Output] = []
    for status in statuses:
        outputs.append(output(ctx, STATUS, status.notification_id, status))
        outputs.extend(metric_outputs(ctx, [status]))
    return outputs


def status_outputs(ctx: StageContext, statuses: Sequence[NotificationStatus]) -> list[Output]:
    return [output(ctx, STATUS, status.notification_id, status) for status in statuses]


def metric_outputs(ctx: StageContext, statuses: Sequence[NotificationStatus]) -> list[Output]:
    """The metric events of the final statuses among these (none for a notification still on its way)."""
    metrics = (metric_for(ctx, status) for status in statuses)
    return [output(ctx, METRICS, metric.notification_id, metric) for metric in metrics if metric is not None]


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
    costs = route_costs(ctx.cost_model, status.status, status.kind)
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
        # Whether the applied amounts equal the bill preview the notifier was shown (None: no preview).
        preview_matched=status.preview_matched if status.status is Status.APPLIED else None,
    )
