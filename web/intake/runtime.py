"""What the web app holds while it runs: configuration, the store, the Kafka clients."""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas.codec import Codec
from web.intake.admission import AdmissionGate
from web.intake.publisher import NotificationPublisher
from web.intake.refund_details import RefundDetails
from web.kafka.status_follower import StatusFollower
from web.stores.progress import ProgressStore


@dataclass
class WebRuntime:
    council_code: str
    codec: Codec
    store: ProgressStore
    publisher: NotificationPublisher
    follower: StatusFollower
    admission: AdmissionGate = field(default_factory=AdmissionGate)  # back-pressure on the accept path
    refunds: RefundDetails | None = None  # None: bank details for refunds are not taken
