"""The web application: the intake API now; resident pages, workspace and dashboard build on it."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schemas.codec import shared_codec
from schemas.topics import STATUS, SUBMITTED
from web.address_lookup import PropertyRegister
from web.back_office import BackOffice, BackOfficeConfig
from web.back_office_routes import install_back_office
from web.csrf import CsrfProtection
from web.frontend_assets import mount_frontend_assets
from web.intake_api import router as intake_router
from web.kafka_client import KafkaConnection
from web.notification_publisher import NotificationPublisher
from web.page_templates import PageTemplates, render_page
from web.progress_store import ProgressStore, create_store_engine
from web.rate_limit import IntakeRateLimit
from web.resident_routes import install_resident_pages
from web.runtime import WebRuntime
from web.security_headers import SecurityHeaders
from web.status_follower import StatusFollower

MAX_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class WebConfig:
    kafka: KafkaConnection
    council_code: str
    database_url: str
    publish_timeout_seconds: float = 10.0
    topic_prefix: str = ""
    council_name: str = "Exampleshire District Council"
    secret_key: bytes | None = None  # signs CSRF tokens; None = a random key per process
    secure_cookies: bool = True
    register: PropertyRegister | None = None  # the property register the resident pages search
    back_office: BackOfficeConfig = field(default_factory=BackOfficeConfig)  # staff and ops pages
    intake_rate_per_minute: float = 600.0  # per client address, public POSTs; 0 turns the limit off
    intake_burst: int = 100


class BodyTooLarge(StarletteHTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=413, detail=f"Request body must be {MAX_BODY_BYTES} bytes or fewer")


class BodySizeLimit:
    """Refuse bodies over the limit (413), whatever the route: at once when the declared length is too big,
    and as soon as a body sent without a length (chunked) grows past it while being read.

    Plain ASGI: Starlette's BaseHTTPMiddleware costs a task group and a stream per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = next((value for name, value in scope["headers"] if name == b"content-length"), None)
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            await _too_large(scope, receive, send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_BODY_BYTES:
                    raise BodyTooLarge  # an HTTPException: the app's handlers answer 413 as for any other
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if started:
                raise
            await _too_large(scope, receive, send)


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    error = BodyTooLarge()
    await JSONResponse({"detail": error.detail}, status_code=error.status_code)(scope, receive, send)


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


async def _form_expired_page(request: Request) -> Response:
    return render_page(request, "errors/form_expired.html", status_code=403)


def create_app(config: WebConfig) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = ProgressStore(create_store_engine(config.database_url))
        store.create_schema()
        codec = shared_codec()
        runtime = WebRuntime(
            council_code=config.council_code, codec=codec, store=store,
            publisher=NotificationPublisher(config.kafka, f"{config.topic_prefix}{SUBMITTED.name}",
                                            timeout_seconds=config.publish_timeout_seconds),
            follower=StatusFollower(config.kafka, store, codec, topic=f"{config.topic_prefix}{STATUS.name}",
                                    group_id=f"{config.topic_prefix}ctax-web-progress"),
        )
        app.state.runtime = runtime
        runtime.follower.start()
        office = BackOffice.open(replace(config.back_office, session_cookie_secure=config.secure_cookies),
                                 config.database_url)
        app.state.back_office = office
        office.start_following(config.kafka, codec, config.topic_prefix)
        try:
            yield
        finally:
            await office.stop()
            await runtime.follower.stop()
            await runtime.publisher.stop()

    app = FastAPI(
        title="Council tax change of circumstance",
        version="1.0.0",
        description="Tell the council you are moving in, out or within the area; follow the notification.",
        lifespan=lifespan,
    )
    app.state.pages = PageTemplates(council_name=config.council_name)
    app.add_middleware(CsrfProtection, secret=config.secret_key or secrets.token_bytes(32),
                       secure_cookie=config.secure_cookies, failure_page=_form_expired_page)
    app.add_middleware(BodySizeLimit)
    app.add_middleware(IntakeRateLimit, per_minute=config.intake_rate_per_minute, burst=config.intake_burst)
    app.add_middleware(SecurityHeaders)
    app.include_router(intake_router)
    install_resident_pages(app, database_url=config.database_url, register=config.register,
                           secure_cookies=config.secure_cookies)
    install_back_office(app)
    mount_frontend_assets(app)

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

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
