"""``POST /api/v1/notifications/preview``: what a notification would mean for the bill, before sending it.

The same body as ``POST /api/v1/notifications``; nothing is sent, stored or published. Rate limited with the rest
of the intake (``web/http/rate_limit.py``: every POST under ``/api/v1/notifications``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Request
from fastapi.responses import JSONResponse

from schemas.bill_preview import BillPreview
from schemas.notification import Channel, NotificationRequest
from web.intake.api_examples import preview_answer_examples, preview_examples
from web.intake.bill_preview import PreviewUnavailableError, bill_preview
from web.intake.runtime import WebRuntime

router = APIRouter(prefix="/api/v1", tags=["notifications"])
RETRY_AFTER_SECONDS = "5"

DESCRIPTION = """\
Works out what the change would mean for the notifier's own Council Tax bill, by the same rules that will apply it:
the year's charge, the discount, the instalment dates and amounts, or the final bill's balance (a negative balance is
a credit). **It is an estimate**: the bill the council sends is worked out again when the notification is processed.
Nothing is sent or kept.

`status` says what the answer holds:

- `estimate`: `bills` holds the figures, and `digest` identifies them. Send the digest as `preview_digest` with the
  notification (`POST /api/v1/notifications`) and the council's metrics record whether the bill applied matched.
- `needs_review`: a member of staff would decide this change, so there are no figures.
- `rejected`: the notification would be refused; `reasons` say why, field by field.
- `account_not_confirmed`: the change bills an existing account (a move out, or a change to an account), and no
  figures are shown unless `account_reference` is that account's number at the property chosen, and the address's
  postcode matches. The answer is the same whether the number was left out, is wrong, or the property has no
  account, so a preview never shows another household's bill.

A move in, or the new address of a move within the area, shows the new account's bill (no account number needed);
the previous occupier's final bill, and the final bill at the address a mover within the area leaves, are not shown.
"""


@router.post(
    "/notifications/preview",
    response_model=BillPreview,
    responses={
        200: {"content": {"application/json": {"examples": preview_answer_examples()}}},
        422: {"description": "The notification is not valid; each error names the field"},
        503: {"description": "The register could not be read just now; try again after Retry-After"},
    },
    summary="See what a change would mean for the bill, before sending it (an estimate)",
    description=DESCRIPTION,
)
async def preview_notification(
    request: Request,
    body: Annotated[NotificationRequest, Body(openapi_examples=preview_examples())],
) -> Any:
    runtime: WebRuntime = request.app.state.runtime
    if (body.council_code or runtime.council_code) != runtime.council_code:
        raise HTTPException(422, detail=[{"loc": ["body", "council_code"], "type": "wrong_council",
                                          "msg": f"This service handles council {runtime.council_code}"}])
    try:
        preview = await bill_preview(request, body, Channel.API)
    except PreviewUnavailableError:
        return JSONResponse({"detail": "The bill preview is not available just now. Try again shortly."},
                            status_code=503, headers={"Retry-After": RETRY_AFTER_SECONDS})
    return preview
