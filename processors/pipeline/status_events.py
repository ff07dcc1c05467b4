"""Building the status events every stage publishes when it is done with a notification."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from processors.pipeline.context import Output, StageContext, output
from schemas.events import NotificationStatus, Reason, Stage, StageTimings, Status, YearBill
from schemas.notification import ChangeKind
from schemas.topics import STATUS


def status_output(ctx: StageContext, **fields: Any) -> Output:
    """The status event for a notification, ready to publish (see :func:`status_event`)."""
    return output(ctx, STATUS, fields["notification_id"], status_event(ctx, **fields))


def status_event(
    ctx: StageContext,
    *,
    notification_id: str,
    reference: str,
    council_code: str,
    kind: ChangeKind,
    stage: Stage,
    status: Status,
    timings: StageTimings,
    reasons: Iterable[Reason] = (),
    account_refs: Iterable[str] = (),
    year_bills: Iterable[YearBill] = (),
    preview_matched: bool | None = None,
) -> NotificationStatus:
    """A status event; a final one gets its completion time now unless it has one."""
    if status.is_final and timings.completed_at is None:
        timings = timings.model_copy(update={"completed_at": ctx.clock()})
    return NotificationStatus(
        notification_id=notification_id, reference=reference, council_code=council_code, kind=kind,
        stage=stage, status=status, reasons=tuple(reasons), account_refs=tuple(account_refs), timings=timings,
        year_bills=tuple(year_bills), preview_matched=preview_matched,
    )


def reasons_from_validation_error(error: ValidationError) -> tuple[Reason, ...]:
    """Turn pydantic's errors into reasons a resident can act on, one per field."""
    reasons = []
    for item in error.errors(include_url=False):
        location = [str(part) for part in item["loc"] if str(part) not in {kind.value for kind in ChangeKind}]
        message = str(item["msg"]).removeprefix("Value error, ")
        reasons.append(Reason(code=str(item["type"]), field=".".join(location) or None, message=message))
    return tuple(reasons)
