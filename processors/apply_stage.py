"""Apply stage: write the account change to the legacy revenues system, at most once per notification."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from adapters.revenues_port import AppliedChange, StaleAccountError
from processors.dead_letters import dead_letter
from processors.stage_context import Output, StageContext, output
from processors.status_events import status_event
from schemas.codec import DecodeError
from schemas.events import AccountChange, NotificationStatus, Reason, Stage, Status
from schemas.topics import ASSESSED, STATUS


def apply_assessed(ctx: StageContext, key: bytes | None, value: bytes) -> list[Output]:
    """Apply one account change; RevenuesUnavailableError propagates so the caller can retry."""
    try:
        change = ctx.codec.decode(value, AccountChange)
    except DecodeError as error:
        return [dead_letter(Stage.APPLY, ASSESSED.name, key, value, str(error))]
    try:
        applied: AppliedChange | StaleAccountError = ctx.revenues.apply_account_change(change, ctx.clock())
    except StaleAccountError as stale:
        applied = stale
    return [output(ctx, STATUS, change.notification_id, apply_outcome(ctx, change, applied, ctx.clock()))]


def apply_outcome(
    ctx: StageContext, change: AccountChange, result: AppliedChange | StaleAccountError, committed_at: datetime
) -> NotificationStatus:
    """The final status of an applied (or stale) account change; both pipelines use it."""
    common: dict[str, Any] = {
        "notification_id": change.notification_id, "reference": change.reference,
        "council_code": change.council_code, "kind": change.kind, "stage": Stage.APPLY,
    }
    if isinstance(result, StaleAccountError):
        reason = Reason(code="account_changed", message=str(result))
        return status_event(ctx, **common, status=Status.REVIEW, reasons=[reason], timings=change.timings)
    # Completed when the transaction committed, or when an earlier delivery applied it.
    completed_at = committed_at if result.newly_applied else result.applied_at
    return status_event(ctx, **common, status=Status.APPLIED, account_refs=result.account_refs,
                        timings=change.timings.model_copy(update={"completed_at": completed_at}))
