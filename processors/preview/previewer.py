"""The bill preview as the web app calls it: read the register facts of the request's properties through the
read-only reader, as the validate stage reads them, and estimate (``estimate.py``). Writes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from processors.preview.estimate import estimate
from processors.rules.council import CouncilRules
from schemas.bill_preview import BillPreview
from schemas.events import PropertyFacts
from schemas.notification import ChangeNotification, Channel, NotificationRequest

# A preview is never sent: its notification gets an id of its own and a reference no real one has.
PREVIEW_REFERENCE = "CTX-PREV-IEW0"


class RegisterFacts(Protocol):
    def property_facts_many(self, uprns: Collection[str]) -> dict[str, PropertyFacts]:
        """The register entry and any open (and last ended) account of each UPRN; unknown UPRNs left out."""


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class BillPreviewer:
    """Estimates what a request would do to the notifier's bill if it were sent now (blocking: call in a thread)."""

    register: RegisterFacts
    rules: CouncilRules
    clock: Callable[[], datetime] = utc_now

    def __call__(self, request: NotificationRequest, channel: Channel) -> BillPreview:
        now = self.clock()
        notification = ChangeNotification(
            notification_id=str(uuid.uuid4()), reference=PREVIEW_REFERENCE, submitted_at=now, channel=channel,
            council_code=request.council_code or self.rules.council_code, contact=request.contact,
            change=request.change)
        uprns = [uprn for uprn in notification.change.uprns if uprn]
        found = self.register.property_facts_many(uprns) if uprns else {}
        return estimate(notification, {uprn: found.get(uprn) for uprn in uprns}, self.rules, now)
