"""Publishing a landlord upload's pending rows through the intake, each under its own idempotency key.

The key is the upload and the row number, so a row sent again (after a crash between Kafka's
acknowledgement and marking the row, or by a second sender) gets the first answer back instead of a
second notification. Rows Kafka cannot take now stay pending: :func:`keep_sending` retries them while the
app runs, starting with whatever an earlier run left, and at once when an upload wakes it
(:func:`wake_sender`): an upload answers as soon as its rows are stored, and its page follows them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from starlette.applications import Starlette

from schemas.notification import Channel, NotificationRequest
from web.in_thread import in_thread
from web.intake.acceptance import (
    IdempotencyKeyReusedError,
    IntakeUnavailableError,
    StillProcessingError,
    accept_notification,
)
from web.intake.runtime import WebRuntime
from web.stores.landlord_uploads import LandlordUploadStore, UploadRow

log = logging.getLogger(__name__)
RETRY_SECONDS = 10.0


def row_key(row: UploadRow) -> str:
    return f"landlord-upload:{row.upload_id}:{row.number}"


async def send_pending(runtime: WebRuntime, uploads: LandlordUploadStore, upload_id: str | None = None) -> int:
    """Send the pending rows (of one upload, or all); return how many are still pending afterwards."""
    rows = await in_thread(uploads.pending, upload_id)
    left = 0
    for number, row in enumerate(rows):
        if row.request is None:
            continue
        request = NotificationRequest.model_validate(row.request)
        try:
            receipt = await accept_notification(runtime, request, Channel.LANDLORD_BULK,
                                                council_code=runtime.council_code, idempotency_key=row_key(row))
        except IntakeUnavailableError:
            return len(rows) - number  # Kafka is not taking writes: keep the rest for later
        except StillProcessingError:
            left += 1  # another sender has this row in hand
            continue
        except IdempotencyKeyReusedError:
            log.error("landlord row key reused with other content", extra={"upload_id": row.upload_id})
            left += 1
            continue
        await in_thread(uploads.mark_sent, row.upload_id, row.number, receipt.notification_id,
                        receipt.reference)
        log.info("landlord row sent", extra={"upload_id": row.upload_id, "notification_id": receipt.notification_id})
    return left


def wake_sender(app: Starlette) -> None:
    """Ask the app's sender (:func:`keep_sending`) to send pending rows now rather than at its next round."""
    wake: asyncio.Event | None = getattr(app.state, "landlord_rows_waiting", None)
    if wake is not None:
        wake.set()


async def keep_sending(runtime: WebRuntime, uploads: LandlordUploadStore, wake: asyncio.Event | None = None) -> None:
    """Send whatever rows are pending, every few seconds and whenever ``wake`` is set, while the app runs (run
    as a task; cancel to stop)."""
    wake = wake or asyncio.Event()
    while True:
        wake.clear()
        try:
            await send_pending(runtime, uploads)
        except Exception:  # a database hiccup must not end the retries for the rest of the run
            log.exception("sending pending landlord rows failed; trying again shortly")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), RETRY_SECONDS)
