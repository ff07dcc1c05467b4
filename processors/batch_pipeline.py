"""The fused pipeline: validate, assess, apply and measure a batch of submitted notifications at once.

Same rules and the same outcomes as the staged pipeline (one agent per stage), with fewer hops and fewer
round trips: register facts and earlier applies are read with one query per kind for the whole batch, the
account changes are written in one transaction, and the status and metrics events are produced directly.

Notifications in a batch that touch the same property (or repeat a notification or a change) are put in
successive rounds, so each round sees the register as the earlier ones left it, exactly as one-at-a-time
processing would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from adapters.revenues_port import StaleAccountError
from processors.dead_letters import dead_letter
from processors.metrics_stage import metric_for
from processors.rules.liability import NeedsReview, assess
from processors.stage_context import Output, StageContext, output
from processors.status_events import status_event
from processors.validate_stage import rejection_of_invalid
from processors.validation import check_against_register
from schemas.codec import DecodeError
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
from schemas.topics import ASSESSED, METRICS, STATUS, SUBMITTED

UK = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Submitted:
    key: bytes | None
    value: bytes
    partition: int | None = None
    offset: int | None = None


@dataclass(frozen=True)
class BatchOptions:
    publish_assessed: bool = True  # keep the assessed topic as the record of every decision


def process_batch(
    ctx: StageContext, batch: Sequence[Submitted], options: BatchOptions = BatchOptions()
) -> list[Output]:
    """Everything the pipeline publishes for a batch of submitted notifications, in order."""
    outputs: list[Output] = []
    statuses: list[NotificationStatus] = []
    readable: list[ChangeNotification] = []
    for item in batch:
        try:
            record = ctx.codec.read_record(item.value, "ChangeNotification")
        except DecodeError as error:
            outputs.append(_dead(item, str(error)))
            continue
        try:
            readable.append(ChangeNotification.model_validate(record))
        except ValidationError as error:
            rejection = rejection_of_invalid(ctx, record, error)
            if isinstance(rejection, str):
                outputs.append(_dead(item, rejection))
            else:
                statuses.append(rejection)
    fingerprints = {n.notification_id: n.change_fingerprint() for n in readable}
    for round_ in _rounds(readable, fingerprints):
        round_statuses, changes = _decide(ctx, round_, fingerprints)
        statuses.extend(round_statuses)
        statuses.extend(_apply(ctx, changes))
        if options.publish_assessed:
            outputs.extend(output(ctx, ASSESSED, change.notification_id, change) for change in changes)
    for status in statuses:
        outputs.append(output(ctx, STATUS, status.notification_id, status))
        metric = metric_for(ctx, status)
        if metric is not None:
            outputs.append(output(ctx, METRICS, status.notification_id, metric))
    return outputs


def _dead(item: Submitted, reason: str) -> Output:
    return dead_letter(Stage.VALIDATE, SUBMITTED.name, item.key, item.value, reason,
                       partition=item.partition, offset=item.offset)


def _rounds(
    notifications: list[ChangeNotification], fingerprints: dict[str, str]
) -> list[list[ChangeNotification]]:
    """Split a batch so that no two notifications in a round share a property, an id or a change."""
    last_round: dict[str, int] = {}
    rounds: list[list[ChangeNotification]] = []
    for notification in notifications:
        keys = [f"uprn:{u}" for u in notification.change.uprns if u] + [
            f"id:{notification.notification_id}", f"change:{fingerprints[notification.notification_id]}"]
        index = max((last_round[k] + 1 for k in keys if k in last_round), default=0)
        if index == len(rounds):
            rounds.append([])
        rounds[index].append(notification)
        for key in keys:
            last_round[key] = index
    return rounds


def _common(notification: ChangeNotification, stage: Stage) -> dict[str, Any]:
    return {"notification_id": notification.notification_id, "reference": notification.reference,
            "council_code": notification.council_code, "kind": notification.kind, "stage": stage}


def _decide(
    ctx: StageContext, notifications: list[ChangeNotification], fingerprints: dict[str, str]
) -> tuple[list[NotificationStatus], list[AccountChange]]:
    """Validate and assess a round: final statuses for those settled now, account changes for the rest."""
    revenues = ctx.revenues
    earlier = revenues.applied_many([n.notification_id for n in notifications])
    same_change = revenues.applied_with_fingerprints(
        [fingerprints[n.notification_id] for n in notifications if n.notification_id not in earlier])
    facts = revenues.property_facts_many([u for n in notifications for u in n.change.uprns if u])
    now = ctx.clock()
    today = now.astimezone(UK).date()
    statuses: list[NotificationStatus] = []
    changes: list[AccountChange] = []
    for notification in notifications:
        timings = StageTimings(submitted_at=notification.submitted_at)
        done_before = earlier.get(notification.notification_id)
        if done_before is not None:
            # A redelivery after the change was applied: say so again rather than assessing it afresh.
            statuses.append(status_event(
                ctx, **_common(notification, Stage.VALIDATE), status=Status.APPLIED,
                account_refs=done_before.account_refs,
                timings=timings.model_copy(update={"completed_at": done_before.applied_at})))
            continue
        duplicate_of = same_change.get(fingerprints[notification.notification_id])
        if duplicate_of is not None:
            reason = Reason(code="duplicate",
                            message=f"This change was already made by notification {duplicate_of.reference}")
            statuses.append(status_event(ctx, **_common(notification, Stage.VALIDATE), status=Status.DUPLICATE,
                                         reasons=[reason], timings=timings))
            continue
        register: dict[str, PropertyFacts | None] = {u: facts.get(u) for u in notification.change.uprns if u}
        verdict = check_against_register(notification, register, ctx.rules, today)
        timings = timings.model_copy(update={"validated_at": now})
        if verdict.rejections or verdict.review:
            statuses.append(status_event(
                ctx, **_common(notification, Stage.VALIDATE),
                status=Status.REJECTED if verdict.rejections else Status.REVIEW,
                reasons=verdict.rejections or verdict.review, timings=timings))
            continue
        validated = ValidatedNotification(
            notification=notification, properties=tuple(f for f in register.values() if f is not None),
            timings=timings)
        result = assess(validated, ctx.rules, ctx.clock())
        if isinstance(result, NeedsReview):
            statuses.append(status_event(
                ctx, **_common(notification, Stage.ASSESS), status=Status.REVIEW, reasons=result.reasons,
                timings=validated.timings.model_copy(update={"assessed_at": ctx.clock()})))
            continue
        changes.append(result)
    return statuses, changes


def _apply(ctx: StageContext, changes: list[AccountChange]) -> list[NotificationStatus]:
    if not changes:
        return []
    results = ctx.revenues.apply_account_changes(changes, ctx.clock())
    committed_at = ctx.clock()
    statuses = []
    for change, result in zip(changes, results, strict=True):
        common: dict[str, Any] = {"notification_id": change.notification_id, "reference": change.reference,
                  "council_code": change.council_code, "kind": change.kind, "stage": Stage.APPLY}
        if isinstance(result, StaleAccountError):
            statuses.append(status_event(ctx, **common, status=Status.REVIEW,
                                         reasons=[Reason(code="account_changed", message=str(result))],
                                         timings=change.timings))
            continue
        completed_at = committed_at if result.newly_applied else result.applied_at
        statuses.append(status_event(ctx, **common, status=Status.APPLIED, account_refs=result.account_refs,
                                     timings=change.timings.model_copy(update={"completed_at": completed_at})))
    return statuses
