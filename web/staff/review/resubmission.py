"""Carrying out an officer's decision on a review case: correct and resubmit, or reject with a reason.

A correction is a new ChangeNotification (channel ``officer_correction``, ``corrects_notification_id`` set)
sent through the intake (web/intake/acceptance.py: recorded, published durably to the submitted topic),
so it is validated, assessed and applied like any other. The case is claimed and audited first, so two
officers cannot both decide it; the idempotency key ``officer-correction:<id>`` means at most one
correction of a case is ever published. If Kafka does not take it, the decision is undone and the case
goes back to the queue.
"""

from __future__ import annotations

from typing import Any

from schemas.notification import ChangeNotification, Channel, NotificationRequest
from web.in_thread import in_thread
from web.intake.acceptance import IntakeUnavailableError, StillProcessingError, accept_notification
from web.intake.runtime import WebRuntime
from web.staff_accounts.accounts import StaffUser
from web.stores.reviews import ReviewStore

OFFICER_REJECTED = "officer_rejected"
OFFICER_CORRECTED = "officer_corrected"


class CorrectionNotSentError(Exception):
    """Kafka did not take the corrected notification; nothing changed and the case is still in the queue."""


def correction_request(original: ChangeNotification, change: dict[str, Any]) -> NotificationRequest:
    """The corrected notification as the intake takes it (raises pydantic's ValidationError if invalid)."""
    return NotificationRequest.model_validate({
        "council_code": original.council_code, "contact": original.contact.model_dump(), "change": change,
    })


def corrected_message(new_reference: str) -> str:
    return (f"An officer corrected the details and sent them on as {new_reference}. "
            f"Use that reference to follow the change.")


async def send_correction(runtime: WebRuntime, reviews: ReviewStore, original: ChangeNotification,
                          corrected: NotificationRequest, officer: StaffUser, note: str) -> str:
    """Settle the case as corrected (audited), publish the correction, and return its reference."""
    decision_id = await in_thread(
        reviews.decide, notification_id=original.notification_id, decision="corrected",
        officer_username=officer.username, officer_name=officer.display_name,
        reasons=[{"code": OFFICER_CORRECTED, "field": None, "message": corrected_message("a new notification")}],
        reason=note)
    try:
        receipt = await accept_notification(
            runtime, corrected, Channel.OFFICER_CORRECTION, council_code=original.council_code,
            idempotency_key=f"officer-correction:{original.notification_id}",
            corrects_notification_id=original.notification_id)
    except (IntakeUnavailableError, StillProcessingError) as error:
        await in_thread(reviews.undo, decision_id)
        raise CorrectionNotSentError(str(error)) from error
    await in_thread(
        reviews.record_correction, decision_id, receipt.notification_id, receipt.reference,
        [{"code": OFFICER_CORRECTED, "field": None, "message": corrected_message(receipt.reference)}])
    return receipt.reference


async def reject_case(reviews: ReviewStore, notification_id: str, officer: StaffUser, reason: str) -> None:
    """Settle the case as rejected; the reason is what the resident sees on their status page."""
    await in_thread(
        reviews.decide, notification_id=notification_id, decision="rejected",
        officer_username=officer.username, officer_name=officer.display_name,
        reasons=[{"code": OFFICER_REJECTED, "field": None, "message": reason}], reason=reason)
