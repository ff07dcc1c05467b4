"""Puts the staff and ops pages into the app: their routers and how refusals are answered."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from web.landlords.routes import router as landlords_router
from web.ops.credits import router as ops_credits_router
from web.ops.dashboard import router as ops_router
from web.signin_pages.oidc_routes import router as oidc_router
from web.signin_pages.routes import router as auth_router
from web.staff.review.routes import router as review_router
from web.staff.workspace import router as workspace_router
from web.staff_shell.guard import PageForbiddenError, SignInRequiredError, sign_in_path
from web.staff_shell.pages import render_staff_page


def install_staff_pages(app: FastAPI) -> None:
    for router in (auth_router, oidc_router, workspace_router, review_router, ops_router, ops_credits_router,
                   landlords_router):
        app.include_router(router)

    @app.exception_handler(SignInRequiredError)
    async def _sign_in_first(_request: Request, exc: SignInRequiredError) -> Response:
        return RedirectResponse(sign_in_path(exc.next_path), status_code=303)

    @app.exception_handler(PageForbiddenError)
    async def _forbidden(request: Request, exc: PageForbiddenError) -> Response:
        return render_staff_page(request, "staff/forbidden.html", exc.user, request.url.path,
                                  {"needed": exc.needed.value}, status_code=403)
