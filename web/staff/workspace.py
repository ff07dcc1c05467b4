"""The revenues workspace: today's account updates as they happen, an account as the legacy system holds it,
and search by reference, UPRN or postcode. Role: staff."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from starlette.responses import Response

from adapters.audit_notes import money
from adapters.revenues_port import AccountView, RegisterProperty, RevenuesReader
from schemas.formats import normalise_postcode, normalise_uprn
from web.in_thread import in_thread
from web.kind_wording import STAFF_LABELS
from web.staff.year_money import YearInstalments, YearMoney, instalments_by_year, money_by_year
from web.staff_shell.guard import StaffApiUser, StaffPageUser, staff_shell
from web.staff_shell.pages import render_staff_page
from web.stores.workspace_queries import AccountUpdate

router = APIRouter(include_in_schema=False)

_NOTIFICATION_REF = re.compile(r"^CTX-[0-9A-Z]{4}-[0-9A-Z]{4}$")
_UPRN = re.compile(r"^\d{1,12}$")


def _reader(request: Request) -> RevenuesReader:
    reader = staff_shell(request).revenues
    if reader is None:
        raise HTTPException(503, detail="The revenues database is not configured (CTAX_REVENUES_DATABASE_URL)")
    return reader


def update_json(update: AccountUpdate) -> dict[str, Any]:
    return {"reference": update.reference, "kind": STAFF_LABELS.get(update.kind, update.kind),
            "completed_at": update.completed_at.isoformat(), "time": update.completed_at.strftime("%H:%M:%S"),
            "accounts": [{"ref": ref, "href": f"/staff/accounts/{ref}"} for ref in update.account_refs]}


@router.get("/staff")
async def todays_updates(request: Request, user: StaffPageUser) -> Response:
    office = staff_shell(request)
    now = office.clock()
    updates = await in_thread(office.queries.updates_today, now)
    counts = await in_thread(office.queries.counts_today, now)
    return render_staff_page(request, "staff/updates.html", user, "/staff", {
        "updates": [update_json(u) for u in updates], "counts": counts, "as_of": now,
        "newest": updates[0].completed_at.isoformat() if updates else now.isoformat(),
    })


@router.get("/staff/api/updates")
async def updates_feed(request: Request, _user: StaffApiUser,
                       since: datetime | None = Query(None)) -> dict[str, Any]:  # noqa: B008
    """Account updates completed at or after ``since`` (today's if absent), newest first, for the live page."""
    office = staff_shell(request)
    now = office.clock()
    found = await in_thread(office.queries.updates_since, since, 200) if since else \
        await in_thread(office.queries.updates_today, now)
    counts = await in_thread(office.queries.counts_today, now)
    return {"as_of": now.isoformat(), "updates": [update_json(u) for u in found], "counts": counts}


@dataclass(frozen=True)
class AccountPage:
    account: AccountView
    property: RegisterProperty | None
    others: list[AccountView]
    years: list[YearMoney]
    instalments: list[YearInstalments]


@router.get("/staff/accounts/{account_ref}")
async def account_page(request: Request, account_ref: str, user: StaffPageUser) -> Response:
    reader = _reader(request)
    account = await in_thread(reader.account, account_ref)
    if account is None:
        return render_staff_page(request, "staff/not_found.html", user, "/staff",
                                  {"what": f"There is no account {account_ref} in the revenues system."}, 404)
    prop = await in_thread(reader.property, account.uprn)
    others = [a for a in await in_thread(reader.accounts_at, account.uprn) if a.account_ref != account_ref]
    notifications = await in_thread(staff_shell(request).queries.touching_account, account_ref)
    page = AccountPage(account, prop, others, money_by_year(account), instalments_by_year(account))
    return render_staff_page(request, "staff/account.html", user, "/staff", {
        "page": page, "money": money,
        "notifications": notifications, "kind_labels": STAFF_LABELS,
    })


@router.get("/staff/search")
async def search(request: Request, user: StaffPageUser, q: str = Query("", max_length=100)) -> Response:
    query = q.strip()
    context: dict[str, Any] = {"q": query, "searched": bool(query), "properties": [], "error": None}
    if query:
        office = staff_shell(request)
        reader = _reader(request)
        upper = query.upper()
        if _NOTIFICATION_REF.match(upper):
            item = await in_thread(office.queries.by_reference, upper)
            if item is not None:
                return Response(status_code=303, headers={"Location": f"/staff/notifications/{item.notification_id}"})
        elif await in_thread(reader.account, query) is not None:
            return Response(status_code=303, headers={"Location": f"/staff/accounts/{query}"})
        elif _UPRN.match(query):
            prop = await in_thread(reader.property, normalise_uprn(query)) if int(query) else None
            context["properties"] = [await _with_accounts(reader, prop)] if prop else []
        else:
            try:
                postcode = normalise_postcode(query)
            except ValueError:
                context["error"] = "Enter a notification reference, an account reference, a UPRN or a postcode"
            else:
                props = await in_thread(reader.properties_by_postcode, postcode)
                context["properties"] = [await _with_accounts(reader, p) for p in props[:50]]
    return render_staff_page(request, "staff/search.html", user, "/staff/search", context,
                              400 if context["error"] else 200)


async def _with_accounts(reader: RevenuesReader, prop: RegisterProperty) -> dict[str, Any]:
    accounts = await in_thread(reader.accounts_at, prop.uprn)
    return {"property": prop, "accounts": accounts}
