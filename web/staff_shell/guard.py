"""Who may see what: FastAPI dependencies that admit a signed-in person with the right role.

Pages answer a person who is not signed in with a redirect to the sign-in page (and come back after);
APIs answer 401. A signed-in person without the role gets 403 either way. Every staff and ops route
declares one of these dependencies; ``tests/unit/web/signin/test_route_protection.py`` enumerates the app's
routes so a new route that forgets fails the build.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request

from web.in_thread import in_thread
from web.staff_accounts.accounts import Role, StaffUser
from web.staff_shell.services import StaffShell


def session_cookie_name(secure: bool) -> str:
    # __Host- makes the browser keep the cookie only if it is Secure, host-only and on path /.
    return "__Host-ctax_session" if secure else "ctax_session"


class SignInRequiredError(Exception):
    """A page needs a signed-in person; the handler redirects to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class PageForbiddenError(Exception):
    """A signed-in person opened a page their role does not allow; the handler shows a 403 page."""

    def __init__(self, user: StaffUser, needed: Role) -> None:
        super().__init__(needed.value)
        self.user = user
        self.needed = needed


def staff_shell(request: Request) -> StaffShell:
    office: StaffShell = request.app.state.staff_shell
    return office


async def signed_in_user(request: Request) -> StaffUser | None:
    """Return the person whose session cookie came with the request, or None."""
    cached: StaffUser | None = getattr(request.state, "staff_user", None)
    if cached is not None:
        return cached
    office = staff_shell(request)
    token = request.cookies.get(session_cookie_name(office.config.session_cookie_secure))
    if not token:
        return None
    session = await in_thread(office.sessions.resume, token)
    if session is None:
        return None
    stored = await in_thread(office.users.find, session.username)
    if stored is None:
        return None
    request.state.staff_user = stored.user
    return stored.user


def sign_in_path(next_path: str) -> str:
    return f"/sign-in?next={quote(next_path, safe='/')}"


def _path_with_query(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def page_user(role: Role) -> Callable[[Request], Awaitable[StaffUser]]:
    """Dependency for HTML pages: the signed-in person, who must have ``role``."""

    async def dependency(request: Request) -> StaffUser:
        user = await signed_in_user(request)
        if user is None:
            raise SignInRequiredError(_path_with_query(request))
        if not user.may(role):
            raise PageForbiddenError(user, role)
        return user

    dependency.required_role = role  # type: ignore[attr-defined]  # read by the route-protection test
    return dependency


def api_user(role: Role) -> Callable[[Request], Awaitable[StaffUser]]:
    """Dependency for JSON endpoints and fragments fetched by scripts: 401 or 403, never a redirect."""

    async def dependency(request: Request) -> StaffUser:
        user = await signed_in_user(request)
        if user is None:
            raise HTTPException(401, detail="Sign in first", headers={"WWW-Authenticate": "Session"})
        if not user.may(role):
            raise HTTPException(403, detail="Your role does not allow this")
        return user

    dependency.required_role = role  # type: ignore[attr-defined]
    return dependency


StaffPageUser = Annotated[StaffUser, Depends(page_user(Role.STAFF))]
StaffApiUser = Annotated[StaffUser, Depends(api_user(Role.STAFF))]
OpsPageUser = Annotated[StaffUser, Depends(page_user(Role.OPS))]
OpsApiUser = Annotated[StaffUser, Depends(api_user(Role.OPS))]
