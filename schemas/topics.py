"""The topic catalogue: every Kafka topic the product uses, the event type on it, and its key."""

from __future__ import annotations

from dataclasses import dataclass

from schemas.events import AccountChange, NotificationMetric, NotificationStatus, ValidatedNotification
from schemas.notification import ChangeNotification, Model


@dataclass(frozen=True)
class TopicSpec:
    name: str
    model: type[Model]
    key: str
    purpose: str
    compacted: bool = False


SUBMITTED = TopicSpec(
    "ctax.notifications.submitted.v1", ChangeNotification, "notification_id",
    "Notifications accepted at intake, exactly as the resident sent them.",
)
VALIDATED = TopicSpec(
    "ctax.notifications.validated.v1", ValidatedNotification, "notification_id",
    "Notifications that passed validation, with the register facts needed to assess them.",
)
ASSESSED = TopicSpec(
    "ctax.notifications.assessed.v1", AccountChange, "notification_id",
    "The council-tax consequences of each notification, ready to apply to the revenues system.",
)
STATUS = TopicSpec(
    "ctax.notifications.status.v1", NotificationStatus, "notification_id",
    "Progress of each notification: received, validated, applied, rejected (with reasons) or review.",
)
METRICS = TopicSpec(
    "ctax.metrics.notifications.v1", NotificationMetric, "notification_id",
    "One time-and-cost event per notification for dashboards; no personal data.",
)

ALL_TOPICS = (SUBMITTED, VALIDATED, ASSESSED, STATUS, METRICS)

# The stream processor's Kafka consumer group (Faust's app id); the ops page reads its lag.
PROCESSOR_APP_ID = "ctax-processor"

# Internal topics carry other topics' records unchanged (raw bytes), with headers saying why they are there.
DEAD_LETTER_TOPIC = "ctax.notifications.deadletter.v1"  # records a stage could not process, for an operator
APPLY_RETRY_TOPIC = "ctax.notifications.apply-retry.v1"  # the staged pipeline parks account changes here
SUBMITTED_RETRY_TOPIC = "ctax.notifications.submitted-retry.v1"  # the fused pipeline parks whole notifications
INTERNAL_TOPICS = (DEAD_LETTER_TOPIC, APPLY_RETRY_TOPIC, SUBMITTED_RETRY_TOPIC)


def all_topic_names(prefix: str = "") -> list[str]:
    """Every topic the product creates, with a deployment's prefix."""
    return [f"{prefix}{spec.name}" for spec in ALL_TOPICS] + [f"{prefix}{name}" for name in INTERNAL_TOPICS]
