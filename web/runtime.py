"""What the web app holds while it runs: configuration, the store, the Kafka clients."""

from __future__ import annotations

from dataclasses import dataclass

from schemas.codec import Codec
from web.notification_publisher import NotificationPublisher
from web.progress_store import ProgressStore
from web.status_follower import StatusFollower


@dataclass
class WebRuntime:
    council_code: str
    codec: Codec
    store: ProgressStore
    publisher: NotificationPublisher
    follower: StatusFollower
