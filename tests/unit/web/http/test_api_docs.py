"""The API docs page loads Swagger UI from the app itself, so it works without the internet."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from schemas.kafka_connection import KafkaConnection
from web.app import WebConfig, create_app
from web.http.api_docs import SWAGGER_UI_DIR_ENV, swagger_ui_dir
from web.http.frontend_assets import FrontendMissingError


def _app(tmp_path: Path) -> FastAPI:
    return create_app(WebConfig(kafka=KafkaConnection("127.0.0.1:1"), council_code="E99999999",
                                council_name="Exampleshire District Council",
                                web_database_url=f"sqlite:///{tmp_path}/web.db", secret_key=b"k" * 32))


async def test_docs_load_swagger_ui_from_our_own_origin(tmp_path: Path) -> None:
    transport = httpx.ASGITransport(app=_app(tmp_path))
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        page = await client.get("/docs")
        assert page.status_code == 200
        urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text) + re.findall(r"url: '([^']+)'", page.text)
        assert "/openapi.json" in urls
        assert all(url.startswith("/") and not url.startswith("//") for url in urls), urls
        assert "cdn." not in page.text
        assert {u for u in urls if u.startswith("/docs/assets/")} == {
            "/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css", "/docs/assets/favicon-32x32.png"}
        for url in (u for u in urls if u.startswith("/docs/assets/")):
            asset = await client.get(url)
            assert asset.status_code == 200, url
            assert asset.content
        assert (await client.get("/docs/assets/swagger-ui-bundle.js")).headers["content-type"].startswith(
            "text/javascript")
        assert (await client.get("/docs/assets/index.html")).status_code == 404  # only what the page needs
        assert (await client.get("/docs/oauth2-redirect")).status_code == 200


def test_a_missing_swagger_ui_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SWAGGER_UI_DIR_ENV, str(tmp_path))
    with pytest.raises(FrontendMissingError, match="scripts/setup"):
        swagger_ui_dir()


async def test_the_asyncapi_document_of_the_topics_is_served(tmp_path: Path) -> None:
    transport = httpx.ASGITransport(app=_app(tmp_path))
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        response = await client.get("/asyncapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["asyncapi"].startswith("3.")
    assert "ctax.metrics.notifications.v1" in {channel["address"] for channel in document["channels"].values()}
