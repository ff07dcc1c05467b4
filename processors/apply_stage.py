"""Apply stage: write the account change to the legacy revenues system, at most once per notification."""

from __future__ import annotations

from typing import Any

from adapters.revenues_port import StaleAccountError
from processors.dead_letters import dead_letter
from processors.stage_context import Output, StageContext
from processors.status_events import status_output
from schemas.codec import DecodeError
from schemas.events import AccountChange, Reason, Stage, Status
from schemas.topics import ASSESSED


def apply_assessed(ctx: StageContext, key: bytes | None, value: bytes) -> list[Output]:
    """Apply one account change; RevenuesUnavailableError propagates so the caller can retry."""
    try:
        change = ctx.codec.decode(value, AccountChange)
    except DecodeError as error:
        return [dead_letter(Stage.APPLY, ASSESSED.name, key, value, str(error))]
    common: dict[str, Any] = {
        "notification_id": change.notification_id, "reference": change.reference,
        "council_code": change.council_code, "kind": change.kind, "stage": Stage.APPLY,
    }
    try:
        applied = ctx.revenues.apply_account_change(change, ctx.clock())
    except StaleAccountError as stale:
        reason = Reason(code="account_changed", message=str(stale))
        return [status_output(ctx, **common, status=Status.REVIEW, reasons=[reason], timings=change.timings)]
    # Completed when the transaction has committed (now), or when an earlier delivery applied it.
    completed_at = ctx.clock() if applied.newly_applied else applied.applied_at
    return [status_output(ctx, **common, status=Status.APPLIED, account_refs=applied.account_refs,
                          timings=change.timings.model_copy(update={"completed_at": completed_at}))]
