"""The review queue: cases that need a person, why, and the officer's decision (correct or reject). Role: staff."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from schemas.codec import DecodeError
from schemas.notification import ChangeNotification
from web.in_thread import in_thread
from web.intake.runtime import WebRuntime
from web.kind_wording import STAFF_LABELS
from web.staff.review.correction_form import (
    corrected_change,
    date_key,
    date_label,
    detail_rows,
    errors_from_validation,
    initial_values,
    property_fields,
    text_fields,
)
from web.staff.review.resubmission import CorrectionNotSentError, correction_request, reject_case, send_correction
from web.staff_accounts.accounts import StaffUser
from web.staff_shell.guard import StaffPageUser, staff_shell
from web.staff_shell.pages import render_staff_page
from web.stores.reviews import AlreadyDecidedError

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)
MAX_REASON = 500


@router.get("/staff/review")
async def review_queue(request: Request, user: StaffPageUser) -> Response:
    office = staff_shell(request)
    items = await in_thread(office.queries.review_queue)
    decisions = await in_thread(office.reviews.recent_decisions, 10)
    return render_staff_page(request, "staff/review_queue.html", user, "/staff/review", {
        "items": items, "decisions": decisions, "kind_labels": STAFF_LABELS,
    })


def _original(request: Request, notification_id: str) -> ChangeNotification | None:
    office = staff_shell(request)
    encoded = office.reviews.content(notification_id)
    if encoded is None:
        return None
    runtime: WebRuntime = request.app.state.runtime
    try:
        return runtime.codec.decode(encoded, ChangeNotification)
    except DecodeError:
        return None


async def _case_page(request: Request, user: StaffUser, notification_id: str, *,
                     values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                     reject_reason: str = "", status_code: int = 200) -> Response:
    office = staff_shell(request)
    item = await in_thread(office.queries.item, notification_id)
    if item is None:
        return render_staff_page(request, "staff/not_found.html", user, "/staff/review",
                                  {"what": "There is no notification with that id."}, 404)
    original = await in_thread(_original, request, notification_id) if item.status == "review" else None
    decisions = await in_thread(office.reviews.decisions_for, notification_id)
    follow_ups: list[Any] = []
    for decision in decisions:
        if decision.new_notification_id:
            found = await in_thread(office.queries.item, decision.new_notification_id)
            if found is not None:
                follow_ups.append(found)
    change = original.change.model_dump(mode="json") if original else None
    errors = errors or {}
    return render_staff_page(request, "staff/notification.html", user, "/staff/review", {
        "item": item, "original": original, "change": change, "decisions": decisions, "follow_ups": follow_ups,
        "kind_labels": STAFF_LABELS, "property_fields": property_fields(item.kind),
        "date_key": date_key(item.kind), "date_label": date_label(item.kind),
        "text_fields": text_fields(change) if change else [], "detail_rows": detail_rows(change) if change else [],
        "values": values or (initial_values(change) if change else {}),
        "errors": errors, "has_errors": bool(errors), "reject_reason": reject_reason,
        "note": (values or {}).get("note", ""), "sent": request.query_params.get("sent"),
    }, status_code=status_code)


@router.get("/staff/notifications/{notification_id}")
async def notification_case(request: Request, notification_id: str, user: StaffPageUser) -> Response:
    return await _case_page(request, user, notification_id)


@router.post("/staff/notifications/{notification_id}/correct")
async def correct(request: Request, notification_id: str, user: StaffPageUser) -> Response:
    office = staff_shell(request)
    form = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
    original = await in_thread(_original, request, notification_id)
    if original is None:
        return await _case_page(request, user, notification_id, status_code=409,
                                errors={"note": "This case is no longer waiting for review"})
    change, errors = corrected_change(original.change.model_dump(mode="json"), form)
    note = form.get("note", "").strip()
    if not note:
        errors["note"] = "Say what you corrected and why"
    elif len(note) > MAX_REASON:
        errors["note"] = f"Keep the note to {MAX_REASON} characters or fewer"
    corrected = None
    if not errors:
        try:
            corrected = correction_request(original, change)
        except ValidationError as error:
            errors = errors_from_validation(error, original.kind.value)
    if errors or corrected is None:
        return await _case_page(request, user, notification_id, values=form, errors=errors, status_code=400)
    runtime: WebRuntime = request.app.state.runtime
    try:
        new_reference = await send_correction(runtime, office.reviews, original, corrected, user, note)
    except AlreadyDecidedError:
        return await _case_page(request, user, notification_id, status_code=409,
                                errors={"note": "Another officer decided this case first"})
    except CorrectionNotSentError:
        return render_staff_page(request, "errors/service_unavailable.html", user, "/staff/review", {
            "what_happened": "The corrected notification could not be sent just now.",
            "what_to_do": "Nothing was changed and the case is still in the review queue. Try again shortly.",
            "retry_href": f"/staff/notifications/{notification_id}", "retry_text": "Back to the case",
        }, status_code=503)
    log.info("review case corrected", extra={"notification_id": notification_id, "new_reference": new_reference})
    return RedirectResponse(f"/staff/notifications/{notification_id}?sent=corrected", status_code=303)


@router.post("/staff/notifications/{notification_id}/reject")
async def reject(request: Request, notification_id: str, user: StaffPageUser) -> Response:
    office = staff_shell(request)
    form = await request.form()
    raw = form.get("reason")
    reason = raw.strip() if isinstance(raw, str) else ""
    error = ("Enter the reason the resident will see" if not reason else
             f"Keep the reason to {MAX_REASON} characters or fewer" if len(reason) > MAX_REASON else None)
    if error:
        return await _case_page(request, user, notification_id, errors={"reason": error}, reject_reason=reason,
                                status_code=400)
    try:
        await reject_case(office.reviews, notification_id, user, reason)
    except AlreadyDecidedError:
        return await _case_page(request, user, notification_id, status_code=409,
                                errors={"reason": "This case is no longer waiting for review"})
    log.info("review case rejected", extra={"notification_id": notification_id})
    return RedirectResponse(f"/staff/notifications/{notification_id}?sent=rejected", status_code=303)
