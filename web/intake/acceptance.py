"""Accepting a notification: stamp it, record it, publish it durably to Kafka, and remember the answer.

Both ways in use this: the JSON API (channel ``api``) and the resident pages (channel ``online_form``).
A notification counts as received only once Kafka has stored it (acks from all in-sync replicas); if
Kafka does not confirm in time nothing is kept and :class:`IntakeUnavailableError` tells the caller to
say so. An idempotency key makes a retry (a refresh, a double click, a client timeout) return the first
answer instead of sending the notification again; after a write Kafka did not confirm (which may still
land), a retry with the key sends it again under the same notification id, which the worker applies once.
The answer is queued for the store before the caller gets it and written with the next group of store
writes; a retry meanwhile (another web process) hears 409 and tries again a second later.

At most a bounded number of accepts run at once (web/intake/admission.py): when the line is full or the
broker is slow, :class:`IntakeBusyError` says to come back shortly rather than keeping the caller waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy.exc import IntegrityError

from schemas.notification import ChangeNotification, Channel, NotificationRequest
from web.in_thread import in_thread
from web.intake.admission import NoPlaceFreeError
from web.intake.publisher import PublishUnavailableError
from web.intake.references import new_identity
from web.intake.refund_details import sealed_change
from web.intake.runtime import WebRuntime
from web.stores.progress import IdempotencyConflictError, KeyAnswer, KeyClaim, StoredKey

log = logging.getLogger(__name__)
STALE_CLAIM = timedelta(seconds=30)


@dataclass(frozen=True)
class Receipt:
    """What the caller tells the sender: the notification is on Kafka under this id and reference."""

    notification_id: str
    reference: str
    status: str = "received"

    @property
    def status_url(self) -> str:
        return f"/api/v1/notifications/{self.notification_id}"

    def as_record(self) -> dict[str, Any]:
        """The answer kept against an idempotency key (the API's 202 body)."""
        return {"notification_id": self.notification_id, "reference": self.reference, "status": self.status,
                "status_url": self.status_url}


class IntakeUnavailableError(Exception):
    """Kafka did not confirm the write: nothing was received; the sender should try again shortly."""


class IntakeBusyError(IntakeUnavailableError):
    """Too many notifications are being stored just now: nothing was received; try again in a second."""


class IdempotencyKeyReusedError(Exception):
    """The idempotency key was used before with a different notification."""


class StillProcessingError(Exception):
    """An earlier request with the same idempotency key is still being published."""


async def accept_notification(
    runtime: WebRuntime, request: NotificationRequest, channel: Channel, *, council_code: str,
    idempotency_key: str | None = None, corrects_notification_id: str | None = None,
) -> Receipt:
    """Publish the notification and return its receipt only once Kafka has stored it.

    An officer's correction of a review case (channel ``officer_correction``) names the notification it
    corrects. Raises IntakeUnavailableError (nothing kept; IntakeBusyError when there was no room),
    IdempotencyKeyReusedError, or StillProcessingError.
    """
    try:
        async with runtime.admission.admitted():
            return await _accept(runtime, request, channel, council_code, idempotency_key, corrects_notification_id)
    except NoPlaceFreeError as error:
        raise IntakeBusyError(str(error)) from None


async def _accept(
    runtime: WebRuntime, request: NotificationRequest, channel: Channel, council_code: str,
    idempotency_key: str | None, corrects_notification_id: str | None,
) -> Receipt:
    notification_id, reference = new_identity()
    submitted_at = datetime.now(UTC)
    recorded = False
    if idempotency_key is not None:
        request_hash = hashlib.sha256(request.model_dump_json().encode()).hexdigest()
        claim = KeyClaim(idempotency_key, request_hash, notification_id, reference, request.change.kind.value,
                         submitted_at)
        try:
            earlier = await runtime.store.writes.run_batched(runtime.store.keys, claim)
        except IdempotencyConflictError:
            raise IdempotencyKeyReusedError(idempotency_key) from None
        if earlier is not None:
            receipt = _earlier_receipt(earlier)
            if receipt is not None:
                return receipt
            notification_id, reference = earlier.notification_id, earlier.reference
        else:
            recorded = True  # claimed, and recorded as received, in one transaction
    request = sealed_change(runtime.refunds, request)  # after the hash: the sealed text differs every time
    notification = ChangeNotification(
        notification_id=notification_id, reference=reference, submitted_at=submitted_at,
        channel=channel, council_code=council_code, contact=request.contact, change=request.change,
        corrects_notification_id=corrects_notification_id, preview_digest=request.preview_digest,
    )
    if not recorded:
        with contextlib.suppress(IntegrityError):  # a stale claim being retried: the row is already there
            await in_thread(runtime.store.record_received, notification_id, reference,
                            notification.kind.value, notification.submitted_at)
    try:
        await runtime.publisher.publish(notification_id.encode(), runtime.codec.encode(notification))
    except PublishUnavailableError as error:
        await in_thread(runtime.store.forget, notification_id)
        if idempotency_key is not None:
            # The write may still land (a timed-out send stays in the producer's batch): a retry with this key
            # must send it under the same id, which the worker applies once, not as a second notification.
            await in_thread(runtime.store.backdate_key, idempotency_key, datetime.now(UTC) - STALE_CLAIM)
        raise IntakeUnavailableError(str(error)) from error
    receipt = Receipt(notification_id, reference)
    if idempotency_key is not None:
        # The notification is on Kafka: the caller need not wait for the answer to be kept against the key. It is
        # queued before the caller hears the answer, so a retry this process takes finds it (the writes of a key
        # run in order, answers first); if the process stops before it is written, the claim ages and a retry
        # sends the notification again under the same id, as after a write Kafka did not confirm.
        answered = runtime.store.writes.submit_batched(runtime.store.keys, KeyAnswer(idempotency_key,
                                                                                     receipt.as_record()))
        answered.add_done_callback(partial(_answer_kept, notification_id))
    return receipt


def _answer_kept(notification_id: str, answered: asyncio.Future[Any]) -> None:
    if not answered.cancelled() and answered.exception() is not None:
        log.warning("the answer to an idempotency key was not kept; a retry with the key will send the "
                    "notification again under the same id", extra={"notification_id": notification_id,
                                                                    "error": type(answered.exception()).__name__})


def _earlier_receipt(earlier: StoredKey) -> Receipt | None:
    if earlier.response is not None:
        return Receipt(earlier.response["notification_id"], earlier.response["reference"],
                       earlier.response.get("status", "received"))
    if datetime.now(UTC) - earlier.created_at < STALE_CLAIM:
        raise StillProcessingError
    return None  # the first attempt died part-way: publish again under the same notification id
