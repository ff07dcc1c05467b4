"""The fused shape: a whole batch of submitted notifications through every step at once.

Register facts and earlier applies are read with one query per kind for the whole batch, the account
changes are written in one call to the port, and the status and metrics events are returned directly.

Notifications in a batch that touch the same property (or repeat a notification or a change) are put in
successive rounds, so each round sees the register as the earlier ones left it, exactly as one-at-a-time
processing would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from processors.pipeline.apply import apply_changes, is_stale
from processors.pipeline.assess import assess_all
from processors.pipeline.context import Output, SourceRecord, StageContext, output
from processors.pipeline.decode import decode_submitted
from processors.pipeline.report import report
from processors.pipeline.validate import validate
from schemas.events import NotificationStatus
from schemas.notification import ChangeNotification
from schemas.topics import ASSESSED

STALE_RECHECKS = 3  # times a notification whose accounts changed under it is validated and assessed again


@dataclass(frozen=True)
class BatchOptions:
    publish_assessed: bool  # also keep the assessed topic as a record of every decision (CTAX_PUBLISH_ASSESSED)


def process_batch(
    ctx: StageContext, batch: Sequence[SourceRecord], options: BatchOptions
) -> list[Output]:
    """Everything the pipeline publishes for a batch of submitted notifications, in order."""
    decoded = decode_submitted(ctx, batch)
    outputs: list[Output] = list(decoded.dead)
    statuses: list[NotificationStatus] = list(decoded.settled)
    pending = decoded.notifications
    for attempt in range(STALE_RECHECKS + 1):
        stale: set[str] = set()
        for round_ in rounds(pending):
            validation = validate(ctx, round_)
            reviews, assessed = assess_all(ctx, validation.passed)
            changes = validation.resumed + assessed
            statuses.extend(validation.settled)
            statuses.extend(reviews)
            for status in apply_changes(ctx, changes):
                if is_stale(status) and attempt < STALE_RECHECKS:
                    stale.add(status.notification_id)
                else:
                    statuses.append(status)
            if options.publish_assessed:
                outputs.extend(output(ctx, ASSESSED, change.notification_id, change) for change in changes
                               if change.notification_id not in stale)
        # Another worker changed these accounts between our validation and our write (a chain whose other
        # half is on another partition): check them again against the register as it is now.
        pending = [n for n in pending if n.notification_id in stale]
        if not pending:
            break
    return outputs + report(ctx, statuses)


def rounds(notifications: list[ChangeNotification]) -> list[list[ChangeNotification]]:
    """Split a batch so that no two notifications in a round share a property, an id or a change."""
    last_round: dict[str, int] = {}
    split: list[list[ChangeNotification]] = []
    for notification in notifications:
        keys = [f"uprn:{u}" for u in notification.change.uprns if u] + [
            f"id:{notification.notification_id}", f"change:{notification.change_fingerprint}"]
        index = max((last_round[k] + 1 for k in keys if k in last_round), default=0)
        if index == len(split):
            split.append([])
        split[index].append(notification)
        for key in keys:
            last_round[key] = index
    return split
