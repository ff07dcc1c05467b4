"""Sending an officer's decision on a held refund: a ``refund_decision`` notification (officers only) through the
intake, so the worker applies it through the revenues port with the usual exactly-once machinery.

The idempotency key ``refund-decision:<refund id>`` means at most one decision on a refund is ever published; a
second officer deciding the same refund the same way gets the first one's reference, and a different decision is
refused (409). The back office releases a refund once by its id, and refuses a decision on a refund it does not
hold for approval, which then goes to the review queue.
"""

from __future__ import annotations

from datetime import date

from adapters.revenues_port import HeldRefund
from schemas.notification import Channel, NotificationRequest
from web.intake.acceptance import Receipt, accept_notification
from web.intake.runtime import WebRuntime
from web.staff_accounts.accounts import StaffUser

# Staff have no contact address here: the officer's name, at a reserved domain that can never be written to.
OFFICER_MAILBOX_DOMAIN = "staff.invalid"


def decision_request(refund: HeldRefund, *, approved: bool, reason: str, decided_on: date,
                     officer: StaffUser) -> NotificationRequest:
    return NotificationRequest.model_validate({
        "contact": {"full_name": officer.display_name, "email": f"{officer.username}@{OFFICER_MAILBOX_DOMAIN}"},
        "change": {"kind": "refund_decision", "uprn": refund.uprn,
                   "address": {"line_1": refund.address_line_1, "town": refund.town, "postcode": refund.postcode},
                   "account_reference": refund.account_ref, "financial_year": refund.financial_year,
                   "approved": approved, "decided_on": decided_on, "reason": reason},
    })


async def send_decision(runtime: WebRuntime, refund: HeldRefund, request: NotificationRequest) -> Receipt:
    """Publish the decision durably; raises the intake's errors (IntakeUnavailableError, IdempotencyKeyReusedError,
    StillProcessingError)."""
    return await accept_notification(runtime, request, Channel.OFFICER_CORRECTION,
                                     council_code=runtime.council_code,
                                     idempotency_key=f"refund-decision:{refund.refund_id}")
