"""How long the broker keeps each topic's records (``retention.ms``), set when ``ensure_topics`` creates it.

Every topic but the metrics stream carries personal data (the notification, its validated and assessed
forms, statuses with reasons, parked and dead-lettered copies); their periods are short and are settings
(``CTAX_RETENTION_*_TOPIC_DAYS``, README "Retention"). The metrics stream holds no personal data.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.topics import (
    APPLY_RETRY_TOPIC,
    ASSESSED,
    DEAD_LETTER_TOPIC,
    METRICS,
    STATUS,
    SUBMITTED,
    SUBMITTED_RETRY_TOPIC,
    VALIDATED,
)

DAY_MS = 24 * 60 * 60 * 1000


@dataclass(frozen=True)
class TopicRetention:
    notification_days: int = 30  # submitted, validated, assessed and the two retry topics
    status_days: int = 30
    dead_letter_days: int = 30
    metrics_days: int = 365

    def retention_ms(self) -> dict[str, int]:
        """``retention.ms`` by topic name (without a deployment's prefix), for every topic the product creates."""
        notifications = self.notification_days * DAY_MS
        return {
            SUBMITTED.name: notifications, VALIDATED.name: notifications, ASSESSED.name: notifications,
            SUBMITTED_RETRY_TOPIC: notifications, APPLY_RETRY_TOPIC: notifications,
            STATUS.name: self.status_days * DAY_MS,
            DEAD_LETTER_TOPIC: self.dead_letter_days * DAY_MS,
            METRICS.name: self.metrics_days * DAY_MS,
        }
