"""What every staff and ops page shares: the staff navigation, the signed-in bar, error summaries."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from web.http.page_templates import render_page
from web.staff_accounts.accounts import Role, StaffUser

STAFF_SERVICE_NAME = "Council Tax staff workspace"


def navigation(user: StaffUser | None, current: str) -> list[dict[str, Any]]:
    items: list[tuple[str, str]] = []
    if user is not None and user.may(Role.STAFF):
        items += [("/staff", "Today's updates"), ("/staff/review", "Review queue"), ("/staff/refunds", "Refunds"),
                  ("/staff/search", "Search")]
    if user is not None and user.may(Role.OPS):
        items.append(("/ops", "Ops dashboard"))
    if user is not None and user.may(Role.LANDLORD):
        items.append(("/landlords", "Tenancy changes"))
    return [{"href": href, "text": text, "active": href == current} for href, text in items]


def error_list(errors: dict[str, str]) -> list[dict[str, str]]:
    """GOV.UK error summary items, each linking to its field."""
    return [{"text": message, "href": f"#{field}"} for field, message in errors.items()]


def render_staff_page(request: Request, template: str, user: StaffUser | None, current: str,
                       context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    return render_page(request, template, {
        "service_name": STAFF_SERVICE_NAME, "service_url": current if user is None else "/staff"
        if user.may(Role.STAFF) else "/ops" if user.may(Role.OPS) else "/landlords",
        "navigation": navigation(user, current), "user": user, "error_list": error_list, **(context or {}),
    }, status_code=status_code)
