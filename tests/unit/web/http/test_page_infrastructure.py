"""The shared page infrastructure: GOV.UK assets, the layout, security headers and CSRF protection."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI, Form, Request
from starlette.responses import HTMLResponse, PlainTextResponse

from schemas.kafka_connection import KafkaConnection
from web.app import WebConfig, create_app
from web.http.csrf import CsrfProtection, CsrfState, cookie_name, csrf_input


def _app(tmp_path: Path) -> FastAPI:
    app = create_app(WebConfig(kafka=KafkaConnection("127.0.0.1:1"), council_code="E99999999",
                               council_name="Exampleshire District Council",
                               web_database_url=f"sqlite:///{tmp_path}/web.db", secret_key=b"k" * 32))

    @app.get("/test-form", include_in_schema=False)
    async def form_page(request: Request) -> HTMLResponse:
        return HTMLResponse(f"<form method=post>{csrf_input(request)}</form>")

    @app.post("/test-form", include_in_schema=False)
    async def form_post(name: str = Form("")) -> PlainTextResponse:
        return PlainTextResponse(f"got {name}")

    return app


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app(tmp_path))
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        yield client


async def test_govuk_frontend_assets_are_served(client: httpx.AsyncClient) -> None:
    css = await client.get("/assets/govuk-frontend.min.css")
    assert css.status_code == 200
    assert "govuk-" in css.text
    for font in re.findall(r"url\((/assets/fonts/[^)]+)\)", css.text):
        assert (await client.get(font)).status_code == 200
    assert (await client.get("/assets/govuk-frontend.min.js")).status_code == 200
    assert (await client.get("/static/favicon.svg")).status_code == 200
    assert (await client.get("/static/frontend-init.js")).status_code == 200


async def test_pages_use_the_layout_and_carry_security_headers(client: httpx.AsyncClient) -> None:
    page = await client.get("/no-such-page")
    assert page.status_code == 404
    assert "<title>Page not found – " in page.text
    assert 'href="#main-content"' in page.text
    assert "govuk-phase-banner" in page.text
    header = page.text[page.text.index("<header"):page.text.index("</header>")]
    assert "Exampleshire District Council" in header  # the council's own name, from settings
    assert "<svg" not in header  # no crown logo
    assert 'rel="icon" sizes="any" href="/static/favicon.svg"' in page.text
    assert "/assets/images/" not in page.text  # GOV.UK's crown favicons and crest are central government's
    assert "<script>" not in page.text  # no inline scripts: the policy forbids them
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"


async def test_api_errors_stay_json(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/notifications", json={})
    assert response.status_code == 422
    assert response.json()["errors"]


async def test_a_form_post_needs_the_token_from_the_page(client: httpx.AsyncClient) -> None:
    page = await client.get("/test-form")
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
    assert token is not None
    assert cookie_name(secure=True) in page.headers["set-cookie"]
    assert "HttpOnly" in page.headers["set-cookie"]
    assert "SameSite=Lax" in page.headers["set-cookie"]

    accepted = await client.post("/test-form", data={"csrf_token": token.group(1), "name": "Sam"})
    assert (accepted.status_code, accepted.text) == (200, "got Sam")

    forged = await client.post("/test-form", data={"csrf_token": "0" * 64, "name": "Sam"})
    assert forged.status_code == 403
    assert "Sorry, this form has expired" in forged.text

    missing = await client.post("/test-form", data={"name": "Sam"})
    assert missing.status_code == 403


async def test_the_cookie_is_made_once_per_request_and_only_for_a_page_that_asks(
        client: httpx.AsyncClient) -> None:
    assert "set-cookie" not in (await client.get("/healthz")).headers  # nothing asked for a token
    state = CsrfState(b"k" * 32, existing=None)
    assert state.cookie_is_new
    assert state.cookie_value == state.cookie_value  # made on first use, then kept for the response's cookie
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", state.cookie_value)
    page = await client.get("/test-form")
    value = page.headers["set-cookie"].split(";")[0].split("=", 1)[1]
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
    assert token is not None
    assert token.group(1) == CsrfState(b"k" * 32, existing=value).form_token()


async def test_a_token_is_useless_without_its_cookie(client: httpx.AsyncClient, tmp_path: Path) -> None:
    page = await client.get("/test-form")
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
    assert token is not None
    transport = httpx.ASGITransport(app=_app(tmp_path))
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as stranger:
        response = await stranger.post("/test-form", data={"csrf_token": token.group(1)})
    assert response.status_code == 403


async def test_the_token_can_come_in_a_header_and_multipart_forms_are_checked() -> None:
    app = FastAPI()

    @app.post("/upload")
    async def upload(name: str = Form("")) -> PlainTextResponse:
        return PlainTextResponse(name)

    @app.get("/token")
    async def token(request: Request) -> PlainTextResponse:
        return PlainTextResponse(request.state.csrf.form_token())

    app.add_middleware(CsrfProtection, secret=b"s" * 32, secure_cookie=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        value = (await client.get("/token")).text
        assert (await client.post("/upload", files={"name": (None, "Ann")})).status_code == 403
        multipart = await client.post("/upload", files={"name": (None, "Ann"), "csrf_token": (None, value)})
        assert (multipart.status_code, multipart.text) == (200, "Ann")
        header = await client.post("/upload", data={"name": "Bo"}, headers={"X-CSRF-Token": value})
        assert (header.status_code, header.text) == (200, "Bo")


async def test_an_unexpected_error_shows_a_page_and_the_api_answers_json(tmp_path: Path) -> None:
    app = _app(tmp_path)

    @app.get("/boom", include_in_schema=False)
    async def boom() -> None:
        raise RuntimeError("boom")

    @app.get("/api/boom", include_in_schema=False)
    async def api_boom() -> None:
        raise RuntimeError("boom")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        page = await client.get("/boom")
        assert (page.status_code, "Sorry, there is a problem with the service" in page.text) == (500, True)
        api = await client.get("/api/boom")
        assert (api.status_code, api.json()) == (500, {"detail": "Internal server error"})
