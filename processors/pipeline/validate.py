"""Validate step: earlier applies, duplicates, the property register and the council's date windows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from adapters.revenues_port import AppliedChange
from processors.pipeline.context import StageContext
from processors.pipeline.register_checks import check_against_register
from processors.pipeline.status_events import status_event
from schemas.events import (
    AccountChange,
    NotificationStatus,
    PropertyFacts,
    Reason,
    Stage,
    StageTimings,
    Status,
    ValidatedNotification,
)
from schemas.notification import ChangeNotification

UK = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Validation:
    """What validate made of a batch: statuses settled now, notifications passed on validated with their register
    facts, and changes whose apply began and did not finish, to be finished as they were assessed."""

    settled: list[NotificationStatus]
    passed: list[ValidatedNotification]
    resumed: list[AccountChange]


def validate(ctx: StageContext, notifications: Sequence[ChangeNotification]) -> Validation:
    """Settle what can be settled now and pass the rest on validated, or to be finished.

    The revenues system is asked once per kind of fact for the whole batch.
    """
    if not notifications:
        return Validation([], [], [])
    revenues = ctx.revenues
    earlier = revenues.applied_many([n.notification_id for n in notifications])
    begun = revenues.begun_many([n.notification_id for n in notifications if n.notification_id not in earlier])
    notifications = [n for n in notifications if n.notification_id not in begun]
    fresh = [n for n in notifications if n.notification_id not in earlier]
    same_change = revenues.applied_with_fingerprints(
        [n.change_fingerprint for n in fresh], uprns=sorted({u for n in fresh for u in n.change.uprns if u}))
    facts = revenues.property_facts_many([u for n in notifications for u in n.change.uprns if u])
    now = ctx.clock()
    settled: list[NotificationStatus] = []
    passed: list[ValidatedNotification] = []
    for notification in notifications:
        decided = decide(
            ctx, notification,
            earlier=earlier.get(notification.notification_id),
            same_change=same_change.get(notification.change_fingerprint),
            register={u: facts.get(u) for u in notification.change.uprns if u},
            now=now,
        )
        if isinstance(decided, NotificationStatus):
            settled.append(decided)
        else:
            passed.append(decided)
    return Validation(settled, passed, list(begun.values()))


def common_fields(notification: ChangeNotification, stage: Stage) -> dict[str, Any]:
    return {"notification_id": notification.notification_id, "reference": notification.reference,
            "council_code": notification.council_code, "kind": notification.kind, "stage": stage}


def decide(
    ctx: StageContext,
    notification: ChangeNotification,
    *,
    earlier: AppliedChange | None,
    same_change: AppliedChange | None,
    register: Mapping[str, PropertyFacts | None],
    now: datetime,
) -> NotificationStatus | ValidatedNotification:
    """Settle a notification from what the revenues system says about it, or pass it on validated."""
    common = common_fields(notification, Stage.VALIDATE)
    timings = StageTimings(submitted_at=notification.submitted_at)
    if earlier is not None:
        # A redelivery after the change was applied: say so again rather than assessing it afresh.
        return status_event(ctx, **common, status=Status.APPLIED, account_refs=earlier.account_refs,
                            timings=timings.model_copy(update={"completed_at": earlier.applied_at}))
    if same_change is not None:
        reason = Reason(code="duplicate",
                        message=f"This change was already made by notification {same_change.reference}")
        return status_event(ctx, **common, status=Status.DUPLICATE, reasons=[reason], timings=timings)
    verdict = check_against_register(notification, register, ctx.rules, now.astimezone(UK).date())
    timings = timings.model_copy(update={"validated_at": now})
    if verdict.rejections or verdict.review:
        return status_event(ctx, **common, status=Status.REJECTED if verdict.rejections else Status.REVIEW,
                            reasons=verdict.rejections or verdict.review, timings=timings)
    return ValidatedNotification(
        notification=notification,
        properties=tuple(facts for facts in register.values() if facts is not None),
        timings=timings,
    )
