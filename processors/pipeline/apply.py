"""Apply step: write account changes to the legacy revenues system, at most once per notification."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from adapters.revenues_port import ApplyResult, RefusedChangeError, StaleAccountError
from processors.pipeline.context import StageContext
from processors.pipeline.status_events import status_event
from processors.preview.own_bills import preview_matched
from schemas.events import AccountChange, NotificationStatus, Reason, Stage, Status, YearBill


def apply_changes(ctx: StageContext, changes: Sequence[AccountChange]) -> list[NotificationStatus]:
    """Apply a batch in one call to the port; RevenuesUnavailableError propagates so the runner can retry."""
    if not changes:
        return []
    results = ctx.revenues.apply_account_changes(changes, ctx.clock())
    committed_at = ctx.clock()
    return [apply_outcome(ctx, change, result, committed_at) for change, result in zip(changes, results, strict=True)]


STALE_REASON = "account_changed"


def is_stale(status: NotificationStatus) -> bool:
    """Whether the change was refused because its accounts changed after it was assessed."""
    return status.status is Status.REVIEW and any(r.code == STALE_REASON for r in status.reasons)


def apply_outcome(
    ctx: StageContext, change: AccountChange, result: ApplyResult, committed_at: datetime
) -> NotificationStatus:
    """The final status of an applied, stale or refused account change."""
    common: dict[str, Any] = {
        "notification_id": change.notification_id, "reference": change.reference,
        "council_code": change.council_code, "kind": change.kind, "stage": Stage.APPLY,
    }
    if isinstance(result, StaleAccountError):
        reason = Reason(code=STALE_REASON, message=str(result))
        return status_event(ctx, **common, status=Status.REVIEW, reasons=[reason], timings=change.timings)
    if isinstance(result, RefusedChangeError):
        reason = Reason(code="back_office_refused", message=str(result))
        return status_event(ctx, **common, status=Status.REVIEW, reasons=[reason], timings=change.timings)
    # Completed when the transaction committed, or when an earlier delivery applied it.
    completed_at = committed_at if result.newly_applied else result.applied_at
    return status_event(ctx, **common, status=Status.APPLIED, account_refs=result.account_refs,
                        timings=change.timings.model_copy(update={"completed_at": completed_at}),
                        year_bills=year_bills_of(change), preview_matched=preview_matched(change))


def year_bills_of(change: AccountChange) -> tuple[YearBill, ...]:
    """The revised demands and credits the change made on the accounts it ended or amended, year by year."""
    return (*(bill for ending in change.endings for bill in ending.year_bills),
            *(bill for amendment in change.amendments for bill in amendment.year_bills))
