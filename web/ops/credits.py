"""Ops: credits left on closed accounts (neither transferred nor refunded), by age. Read from the revenues database
where it is ours (the SQL adapter); a SOAP or import-file back office keeps its own report. Role: ops."""

from __future__ import annotations

from datetime import date
from typing import Protocol, runtime_checkable

from fastapi import APIRouter, Request
from starlette.responses import Response

from adapters.audit_notes import money
from adapters.sql.unclaimed_credits import CreditsBand
from web.in_thread import in_thread
from web.staff_shell.guard import OpsPageUser, staff_shell
from web.staff_shell.pages import render_staff_page

router = APIRouter(include_in_schema=False)


@runtime_checkable
class CreditsReport(Protocol):
    def unclaimed_credits(self, today: date) -> list[CreditsBand]:
        """Credits left on closed accounts, by age band."""


@router.get("/ops/credits")
async def credits_page(request: Request, user: OpsPageUser) -> Response:
    office = staff_shell(request)
    reader = office.revenues
    bands: list[CreditsBand] | None = (await in_thread(reader.unclaimed_credits, office.clock().date())
                                       if isinstance(reader, CreditsReport) else None)
    shown = bands or []
    return render_staff_page(request, "ops/credits.html", user, "/ops", {
        "bands": bands, "money": money,
        "total_accounts": sum(band.accounts for band in shown),
        "total_pence": sum(band.credit_pence for band in shown),
    })
