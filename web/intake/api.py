"""The intake API: accept a notification once it is durably on Kafka, and report its progress."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, HTTPException, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from schemas.notification import Channel, NotificationRequest
from web.in_thread import in_thread
from web.intake.acceptance import (
    IdempotencyKeyReusedError,
    IntakeBusyError,
    IntakeUnavailableError,
    StillProcessingError,
    accept_notification,
)
from web.intake.api_examples import openapi_examples
from web.intake.refund_details import BankDetailsRefusedError, check_request
from web.intake.runtime import WebRuntime
from web.intake.submission_route import SubmissionRoute

router = APIRouter(prefix="/api/v1", tags=["notifications"])
RETRY_AFTER_SECONDS = "5"
BUSY_RETRY_AFTER_SECONDS = "1"


class Accepted(BaseModel):
    notification_id: str
    reference: str
    status: str
    status_url: str


class ReasonOut(BaseModel):
    code: str
    field: str | None = None
    message: str


class HistoryItem(BaseModel):
    status: str
    at: datetime


class YearBillOut(BaseModel):
    """One financial year's bill after an applied change: a balance due, or a credit to refund or transfer."""

    financial_year: int = Field(description="The year the bill is for, by its first calendar year (2026: 2026/27)")
    year: str = Field(description="The year as bills write it, e.g. 2026/27")
    balance_due_pence: int = Field(ge=0, description="Left to pay for the year (0 when nothing is due)")
    credit_pence: int = Field(ge=0, description="Paid beyond the year's charge: to refund or transfer to the "
                                               "resident's other account (0 when there is none)")


def year_bill_out(bill: dict[str, int]) -> YearBillOut:
    year, balance = int(bill["financial_year"]), int(bill["balance_pence"])
    return YearBillOut(financial_year=year, year=f"{year}/{(year + 1) % 100:02d}",
                       balance_due_pence=max(balance, 0), credit_pence=max(-balance, 0))


class Progress(BaseModel):
    notification_id: str
    reference: str
    kind: str
    status: str
    submitted_at: datetime
    validated_at: datetime | None = None
    completed_at: datetime | None = None
    reasons: list[ReasonOut]
    account_refs: list[str]
    history: list[HistoryItem]
    year_bills: list[YearBillOut] = Field(default_factory=list,
                                          description="Once applied: each year's balance due or credit")


async def submit_notification(
    request: Request,
    body: Annotated[NotificationRequest, Body(openapi_examples=openapi_examples())],
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Any:
    """Accept a change-of-circumstance notification; 202 only once it is durably on Kafka."""
    runtime: WebRuntime = request.app.state.runtime
    council = body.council_code or runtime.council_code
    if council != runtime.council_code:
        raise HTTPException(422, detail=[{"loc": ["body", "council_code"], "type": "wrong_council",
                                          "msg": f"This service handles council {runtime.council_code}"}])
    try:
        check_request(runtime.refunds, body)
    except BankDetailsRefusedError as refused:
        raise HTTPException(422, detail=[{"loc": list(refused.loc), "type": refused.code, "msg": str(refused)}]
                            ) from None
    try:
        receipt = await accept_notification(runtime, body, Channel.API, council_code=council,
                                            idempotency_key=idempotency_key)
    except IdempotencyKeyReusedError:
        raise HTTPException(422, detail=[{"loc": ["header", "Idempotency-Key"], "type": "idempotency_reused",
                                          "msg": "This Idempotency-Key was used with a different request"}]
                            ) from None
    except StillProcessingError:
        return JSONResponse({"detail": "A request with this Idempotency-Key is still being processed"},
                            status_code=409, headers={"Retry-After": "1"})
    except IntakeBusyError:
        return JSONResponse(
            {"detail": "Too many notifications are being received just now; nothing was received. "
                       "Try again in a second."},
            status_code=503, headers={"Retry-After": BUSY_RETRY_AFTER_SECONDS},
        )
    except IntakeUnavailableError:
        return JSONResponse(
            {"detail": "The notification could not be stored just now; nothing was received. Try again shortly."},
            status_code=503, headers={"Retry-After": RETRY_AFTER_SECONDS},
        )
    return JSONResponse(receipt.as_record(), status_code=202)


router.add_api_route(
    "/notifications", submit_notification, methods=["POST"],
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    responses={
        409: {"description": "A request with this Idempotency-Key is still being processed"},
        422: {"description": "The notification is not valid; each error names the field"},
        503: {"description": "Kafka did not confirm the write in time, or the intake is full; nothing was "
                            "received; retry after Retry-After (with the same Idempotency-Key)"},
    },
    summary="Tell the council about a change of circumstance",
    route_class_override=SubmissionRoute,  # a well-formed submission's body is read once, from its bytes
)


@router.get(
    "/notifications/{notification_id}",
    response_model=Progress,
    responses={404: {"description": "No notification with that id"}},
    summary="Where a notification has got to",
)
async def notification_progress(notification_id: str, request: Request) -> Any:
    runtime: WebRuntime = request.app.state.runtime
    found = await in_thread(runtime.store.progress, notification_id)
    if found is None:
        raise HTTPException(404, detail="No notification with that id")
    return {**found, "year_bills": [year_bill_out(bill) for bill in found.get("year_bills", [])]}
