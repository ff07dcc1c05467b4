"""The refund approval queue: refunds above the council's threshold, waiting for an officer's decision (approve:
released to the bank account; reject: the credit stays on the account). The officer who corrected a case may not
approve its refund. Read from the SQL revenues database or an import-file back office's reporting database (a
SOAP back office keeps its own list). Role: staff."""

from __future__ import annotations

import logging
from typing import Protocol, runtime_checkable

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from adapters.audit_notes import money
from adapters.revenues_port import HeldRefund
from schemas.financial_year import FinancialYear
from web.in_thread import in_thread
from web.intake.acceptance import IdempotencyKeyReusedError, IntakeUnavailableError, StillProcessingError
from web.intake.runtime import WebRuntime
from web.staff.refunds.decision import decision_request, send_decision
from web.staff.refunds.separation import may_approve
from web.staff_accounts.accounts import StaffUser
from web.staff_shell.guard import StaffPageUser, staff_shell
from web.staff_shell.pages import render_staff_page

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)
MAX_REASON = 300
PAGE = "/staff/refunds"
CORRECTED_IT = "You corrected this case, so another officer must approve its refund"


@runtime_checkable
class HeldRefunds(Protocol):
    def held_refunds(self) -> list[HeldRefund]:
        """Refunds waiting for an officer's approval, oldest first."""


async def _held(request: Request) -> list[HeldRefund] | None:
    reader = staff_shell(request).revenues
    return await in_thread(reader.held_refunds) if isinstance(reader, HeldRefunds) else None


def _days_waiting(request: Request, refund: HeldRefund) -> int:
    return (staff_shell(request).clock().date() - refund.instructed_on).days


@router.get(PAGE)
async def refunds_queue(request: Request, user: StaffPageUser) -> Response:
    held = await _held(request)
    return render_staff_page(request, "staff/refunds.html", user, PAGE, {
        "held": held, "money": money, "label": lambda year: FinancialYear(year).label,
        "waiting": lambda refund: _days_waiting(request, refund), "sent": request.query_params.get("sent"),
    })


async def _find(request: Request, account: str, year: str) -> HeldRefund | None:
    return next((r for r in await _held(request) or [] if r.account_ref == account and str(r.financial_year) == year),
                None)


async def _decision_page(request: Request, user: StaffUser, refund: HeldRefund, *, errors: dict[str, str] | None = None,
                         values: dict[str, str] | None = None, status_code: int = 200) -> Response:
    corrector = not await in_thread(may_approve, staff_shell(request).reviews, refund.notification_id, user.username)
    return render_staff_page(request, "staff/refund_decision.html", user, PAGE, {
        "refund": refund, "money": money, "year_label": FinancialYear(refund.financial_year).label,
        "waiting": _days_waiting(request, refund), "corrector": corrector, "errors": errors or {},
        "values": values or {},
    }, status_code=status_code)


def _gone(request: Request, user: StaffUser) -> Response:
    return render_staff_page(request, "staff/not_found.html", user, PAGE,
                              {"what": "No refund of that account and year is waiting for approval."}, 404)


@router.get(PAGE + "/decide")
async def decision_page(request: Request, user: StaffPageUser, account: str = "", year: str = "") -> Response:
    refund = await _find(request, account, year)
    return _gone(request, user) if refund is None else await _decision_page(request, user, refund)


@router.post(PAGE + "/decide")
async def decide(request: Request, user: StaffPageUser) -> Response:
    office = staff_shell(request)
    form = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
    refund = await _find(request, form.get("account", ""), form.get("year", ""))
    if refund is None:
        return _gone(request, user)
    decision, reason = form.get("decision", ""), form.get("reason", "").strip()
    errors: dict[str, str] = {}
    if decision not in ("approve", "reject"):
        errors["decision"] = "Choose whether to approve or reject the refund"
    elif decision == "approve" and not await in_thread(may_approve, office.reviews, refund.notification_id,
                                                        user.username):
        errors["decision"] = CORRECTED_IT
    if not reason:
        errors["reason"] = "Say why, for the account's audit note"
    elif len(reason) > MAX_REASON:
        errors["reason"] = f"Keep the reason to {MAX_REASON} characters or fewer"
    if errors:
        return await _decision_page(request, user, refund, errors=errors, values=form,
                                    status_code=403 if errors.get("decision") == CORRECTED_IT else 400)
    runtime: WebRuntime = request.app.state.runtime
    try:
        sent = decision_request(refund, approved=decision == "approve", reason=reason,
                                decided_on=office.clock().date(), officer=user)
        receipt = await send_decision(runtime, refund, sent)
    except ValidationError:
        return await _decision_page(request, user, refund, values=form, status_code=400,
                                    errors={"reason": "Use letters, numbers and ordinary punctuation in the reason"})
    except IdempotencyKeyReusedError:
        return await _decision_page(request, user, refund, values=form, status_code=409,
                                    errors={"decision": "Another officer has already decided this refund"})
    except (IntakeUnavailableError, StillProcessingError):
        return render_staff_page(request, "errors/service_unavailable.html", user, PAGE, {
            "what_happened": "The decision could not be sent just now.",
            "what_to_do": "Nothing was changed and the refund is still waiting. Try again shortly.",
            "retry_href": PAGE, "retry_text": "Back to refunds",
        }, status_code=503)
    log.info("refund decision sent", extra={"notification_id": receipt.notification_id, "decision": decision})
    return RedirectResponse(f"{PAGE}?sent={receipt.reference}", status_code=303)
