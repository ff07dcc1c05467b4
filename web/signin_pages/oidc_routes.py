"""Signing in through the council's identity provider: ``/sign-in/oidc`` and the provider's callback.

The start route makes a fresh state, nonce and PKCE verifier, keeps them server-side
(:mod:`web.stores.pending_sign_ins`), binds the state to this browser with a short-lived cookie and sends
the browser to the provider. The callback accepts the answer only for that browser's state, once, and
only after the code exchange and every ID token check; a person whose claims map to no role is refused
with a page saying so. The session that follows is the same as after a password sign-in.
"""

from __future__ import annotations

import hmac
import logging
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from web.in_thread import in_thread
from web.signin.oidc_client import OidcSignIn, OidcSignInError
from web.signin_pages.routes import home_for, safe_next, start_session
from web.staff_shell.guard import staff_shell
from web.staff_shell.pages import render_staff_page
from web.stores.pending_sign_ins import PendingSignIn

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)
STATE_COOKIE_SECONDS = 600


def state_cookie_name(secure: bool) -> str:
    return "__Host-ctax_oidc_state" if secure else "ctax_oidc_state"


def _provider(request: Request) -> OidcSignIn | None:
    return staff_shell(request).oidc


def _problem(request: Request, heading: str, message: str, status_code: int) -> Response:
    response = render_staff_page(request, "staff/sign_in_problem.html", None, "/sign-in",
                                  {"heading": heading, "message": message}, status_code=status_code)
    secure = staff_shell(request).config.session_cookie_secure
    response.delete_cookie(state_cookie_name(secure), path="/", secure=secure, httponly=True, samesite="lax")
    return response


@router.get("/sign-in/oidc")
async def start_oidc_sign_in(request: Request, next: str | None = None) -> Response:
    provider = _provider(request)
    if provider is None:
        return _problem(request, "Page not found", "Sign-in with a council account is not set up here.", 404)
    state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(48)
    await in_thread(staff_shell(request).pending_sign_ins.begin, state,
                    PendingSignIn(nonce, verifier, safe_next(next)))
    try:
        destination = await provider.authorization_url(state=state, nonce=nonce, code_verifier=verifier)
    except OidcSignInError as error:
        log.error("identity provider unavailable", extra={"error": str(error)})
        return _problem(request, "Sign-in is unavailable",
                        f"We cannot reach {provider.display_name} at the moment. Try again in a few minutes.", 503)
    response = RedirectResponse(destination, status_code=303)
    secure = staff_shell(request).config.session_cookie_secure
    response.set_cookie(state_cookie_name(secure), state, max_age=STATE_COOKIE_SECONDS, httponly=True,
                        samesite="lax", secure=secure, path="/")
    return response


@router.get("/sign-in/oidc/callback")
async def finish_oidc_sign_in(request: Request, state: str = "", code: str = "", error: str = "") -> Response:
    provider = _provider(request)
    if provider is None:
        return _problem(request, "Page not found", "Sign-in with a council account is not set up here.", 404)
    office = staff_shell(request)
    expected = request.cookies.get(state_cookie_name(office.config.session_cookie_secure), "")
    pending = (await in_thread(office.pending_sign_ins.take, state)
               if state and hmac.compare_digest(expected.encode(), state.encode()) else None)
    if pending is None:
        log.warning("sign-in callback refused: unknown, reused or expired state")
        return _problem(request, "This sign-in has expired",
                        "This sign-in link has already been used or is too old. Start again from the sign-in page.",
                        400)
    if error or not code:
        log.info("identity provider did not sign the person in", extra={"provider_error": error[:60]})
        return _problem(request, "You are not signed in",
                        f"{provider.display_name} did not sign you in. Start again from the sign-in page.", 400)
    try:
        identity = await provider.complete(code=code, nonce=pending.nonce, code_verifier=pending.code_verifier)
    except OidcSignInError as failure:
        log.warning("sign-in through the identity provider refused", extra={"reason": str(failure)})
        return _problem(request, "We could not sign you in",
                        f"We could not confirm who you are with {provider.display_name}. Start again from the "
                        "sign-in page; if it happens again, tell the service desk.", 400)
    if identity.user is None:
        log.warning("identity provider user has no role in this service", extra={"user": identity.subject_digest})
        return _problem(request, "You do not have access to this service",
                        f"You signed in as {identity.display_name}, but your council account has no role in the "
                        "council tax back office. Ask your manager or the service desk to add you to the "
                        "council tax staff or operations group, then sign in again.", 403)
    user = identity.user
    await in_thread(office.users.remember_sso, user)
    log.info("signed in through the identity provider", extra={"role": user.role.value})
    response = await in_thread(start_session, request, user, pending.next_path or home_for(user))
    secure = office.config.session_cookie_secure
    response.delete_cookie(state_cookie_name(secure), path="/", secure=secure, httponly=True, samesite="lax")
    return response
