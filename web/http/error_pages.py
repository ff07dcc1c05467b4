"""How the app answers errors: JSON for the API (with the field errors of an invalid notification), GOV.UK
error pages for the HTML pages (page not found, form expired, a problem with the service)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from web.http.page_templates import render_page


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for item in exc.errors():
        location = [str(part) for part in item.get("loc", ()) if part not in {"body", "move_in", "move_out",
                                                                               "move_within"}]
        errors.append({
            "field": ".".join(location) or None,
            "code": item.get("type"),
            "message": str(item.get("msg", "")).removeprefix("Value error, "),
        })
    return errors


async def form_expired_page(request: Request) -> Response:
    return render_page(request, "errors/form_expired.html", status_code=403)


async def form_unreadable_page(request: Request) -> Response:
    return render_page(request, "errors/form_unreadable.html", status_code=400)


def install_error_pages(app: FastAPI) -> None:
    """Answer validation errors, HTTP errors and unexpected exceptions: JSON under /api/, pages elsewhere."""

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": "The notification is not valid", "errors": _field_errors(exc)},
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/") or exc.status_code != 404:
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return render_page(request, "errors/page_not_found.html", status_code=404)

    @app.exception_handler(Exception)
    async def _server_error(request: Request, _exc: Exception) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "Internal server error"}, status_code=500)
        return render_page(request, "errors/problem.html", status_code=500)
