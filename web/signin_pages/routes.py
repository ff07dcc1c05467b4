"""Signing in and out of the staff and ops pages (username and password; the identity provider: oidc_routes)."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from web.in_thread import in_thread
from web.signin.identity import PasswordSignIn
from web.signin.throttle import throttle_call
from web.staff_accounts.accounts import Role, StaffUser
from web.staff_shell.guard import session_cookie_name, signed_in_user, staff_shell
from web.staff_shell.pages import render_staff_page

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)


def home_for(user: StaffUser) -> str:
    return {Role.OPS: "/ops", Role.LANDLORD: "/landlords"}.get(user.role, "/staff")


def safe_next(value: str | None) -> str | None:
    """Only paths on this site: '/staff/...', never '//evil.example' or 'https://...'."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    return value


def start_session(request: Request, user: StaffUser, destination: str) -> Response:
    """Start a session for a person whose identity is proven, and send them on (used by every sign-in method)."""
    office = staff_shell(request)
    office.sessions.purge_expired()  # sign-ins are rare enough to tidy ended sessions here
    token = office.sessions.start(user.username)
    response = RedirectResponse(destination, status_code=303)
    secure = office.config.session_cookie_secure
    # No Max-Age: the cookie lasts for the browser session; the server ends idle and old sessions itself.
    response.set_cookie(session_cookie_name(secure), token, httponly=True, samesite="lax", secure=secure, path="/")
    return response


def _sign_in_form(request: Request, context: dict[str, Any], status_code: int = 200) -> Response:
    office = staff_shell(request)
    methods = {"password_sign_in": office.config.password_sign_in,
               "oidc_name": office.oidc.display_name if office.oidc is not None else None}
    return render_staff_page(request, "staff/sign_in.html", None, "/sign-in", {**methods, **context}, status_code)


@router.get("/sign-in")
async def sign_in_page(request: Request, next: str | None = None) -> Response:
    user = await signed_in_user(request)
    if user is not None and safe_next(next) is None:
        return RedirectResponse(home_for(user), status_code=303)
    return _sign_in_form(request, {"next": safe_next(next), "errors": {},
                                   "signed_out": request.query_params.get("signed-out")})


@router.post("/sign-in")
async def sign_in(
    request: Request,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str | None, Form(max_length=2000)] = None,
) -> Response:
    office = staff_shell(request)
    if not office.config.password_sign_in:  # CTAX_STAFF_SIGN_IN=oidc: the council's provider only
        return _sign_in_form(request, {"next": safe_next(next), "errors": {}}, status_code=403)
    username = username.strip().lower()
    address = request.client.host if request.client else "unknown"
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = "Enter your username"
    if not password:
        errors["password"] = "Enter your password"  # noqa: S105 - an error message, not a password
    if errors:
        return _sign_in_form(request, {"next": safe_next(next), "errors": errors, "username": username},
                             status_code=400)
    wait = await throttle_call(office.throttle, office.throttle.retry_after, username, address)
    if wait is not None:
        log.warning("sign-in throttled")
        minutes = max(1, round(wait / 60))
        return _sign_in_form(request, {
            "next": safe_next(next), "username": username,
            "errors": {"username": f"Too many failed attempts. Wait {minutes} minute{'s' if minutes != 1 else ''} "
                                   "and try again"},
        }, status_code=429)
    user = await in_thread(PasswordSignIn(office.users).verify, username, password)
    if user is None:
        await throttle_call(office.throttle, office.throttle.failed, username, address)
        log.info("sign-in failed")
        return _sign_in_form(request, {
            "next": safe_next(next), "username": username,
            "errors": {"username": "Enter a correct username and password"},
        }, status_code=400)
    await throttle_call(office.throttle, office.throttle.succeeded, username)
    log.info("signed in", extra={"role": user.role.value})
    return await in_thread(start_session, request, user, safe_next(next) or home_for(user))


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    office = staff_shell(request)
    name = session_cookie_name(office.config.session_cookie_secure)
    token = request.cookies.get(name)
    if token:
        await in_thread(office.sessions.end, token)
    response = RedirectResponse("/sign-in?signed-out=1", status_code=303)
    response.delete_cookie(name, path="/", secure=office.config.session_cookie_secure, httponly=True,
                           samesite="lax")
    return response
