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

from pydantic import ValidationError

from processors.apply_stage import apply_outcome
from processors.dead_letters import dead_letter
from processors.metrics_stage import metric_for
from processors.rules.liability import NeedsReview, assess
from processors.stage_context import Output, StageContext, output
from processors.stage_runner import SourceRecord
from processors.status_events import status_event
from processors.validate_stage import decide, rejection_of_invalid
from schemas.codec import DecodeError
from schemas.events import AccountChange, NotificationStatus, Stage, Status
from schemas.notification import ChangeNotification
from schemas.topics import ASSESSED, METRICS, STATUS


@dataclass(frozen=True)
class BatchOptions:
    publish_assessed: bool = True  # keep the assessed topic as the record of every decision


def process_batch(
    ctx: StageContext, batch: Sequence[SourceRecord], options: BatchOptions = BatchOptions()
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
    for round_ in _rounds(readable):
        round_statuses, changes = _decide(ctx, round_)
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


def _dead(item: SourceRecord, reason: str) -> Output:
    return dead_letter(Stage.VALIDATE, item.topic, item.key, item.value, reason,
                       partition=item.partition, offset=item.offset)


def _rounds(notifications: list[ChangeNotification]) -> list[list[ChangeNotification]]:
    """Split a batch so that no two notifications in a round share a property, an id or a change."""
    last_round: dict[str, int] = {}
    rounds: list[list[ChangeNotification]] = []
    for notification in notifications:
        keys = [f"uprn:{u}" for u in notification.change.uprns if u] + [
            f"id:{notification.notification_id}", f"change:{notification.change_fingerprint}"]
        index = max((last_round[k] + 1 for k in keys if k in last_round), default=0)
        if index == len(rounds):
            rounds.append([])
        rounds[index].append(notification)
        for key in keys:
            last_round[key] = index
    return rounds


def _decide(
    ctx: StageContext, notifications: list[ChangeNotification]
) -> tuple[list[NotificationStatus], list[AccountChange]]:
    """Validate and assess a round: final statuses for those settled now, account changes for the rest."""
    revenues = ctx.revenues
    earlier = revenues.applied_many([n.notification_id for n in notifications])
    same_change = revenues.applied_with_fingerprints(
        [n.change_fingerprint for n in notifications if n.notification_id not in earlier])
    facts = revenues.property_facts_many([u for n in notifications for u in n.change.uprns if u])
    now = ctx.clock()
    statuses: list[NotificationStatus] = []
    changes: list[AccountChange] = []
    for notification in notifications:
        decided = decide(
            ctx, notification,
            earlier=earlier.get(notification.notification_id),
            same_change=same_change.get(notification.change_fingerprint),
            register={u: facts.get(u) for u in notification.change.uprns if u},
            now=now,
        )
        if isinstance(decided, NotificationStatus):
            statuses.append(decided)
            continue
        result = assess(decided, ctx.rules, ctx.clock())
        if isinstance(result, NeedsReview):
            statuses.append(status_event(
                ctx, notification_id=notification.notification_id, reference=notification.reference,
                council_code=notification.council_code, kind=notification.kind, stage=Stage.ASSESS,
                status=Status.REVIEW, reasons=result.reasons,
                timings=decided.timings.model_copy(update={"assessed_at": ctx.clock()})))
            continue
        changes.append(result)
    return statuses, changes


def _apply(ctx: StageContext, changes: list[AccountChange]) -> list[NotificationStatus]:
    if not changes:
        return []
    results = ctx.revenues.apply_account_changes(changes, ctx.clock())
    committed_at = ctx.clock()
    return [apply_outcome(ctx, change, result, committed_at) for change, result in zip(changes, results, strict=True)]
