"""The interactive API docs at ``/docs`` (Swagger UI served from our own origin, so the page works offline),
and the AsyncAPI document of the Kafka topics at ``/asyncapi.json``.

FastAPI's default page loads Swagger UI from a CDN, which leaves ``/docs`` blank where the council's
network (or a demo laptop) has no internet. The files come from the ``swagger-ui-dist`` npm package that
``scripts/setup`` installs beside GOV.UK Frontend; ``CTAX_WEB_SWAGGER_UI_DIR`` may point at another copy.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from schemas.asyncapi import DOCUMENT as ASYNCAPI_DOCUMENT
from web.http.frontend_assets import FrontendMissingError

DOCS_PATH = "/docs"
ASYNCAPI_PATH = "/asyncapi.json"  # the topics' AsyncAPI 3 document (schemas/asyncapi.py)
OAUTH2_REDIRECT_PATH = "/docs/oauth2-redirect"
SWAGGER_UI_ASSET_PATH = "/docs/assets"
SWAGGER_UI_DIR_ENV = "CTAX_WEB_SWAGGER_UI_DIR"
# What the docs page loads; the rest of swagger-ui-dist (ES bundles, source maps, its own index) is not served.
SWAGGER_UI_FILES = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css",
                    "favicon-32x32.png": "image/png"}
_REPO_ROOT = Path(__file__).resolve().parents[2]


def swagger_ui_dir() -> Path:
    """Return the installed ``swagger-ui-dist`` folder, or raise FrontendMissingError."""
    configured = os.environ.get(SWAGGER_UI_DIR_ENV)
    folder = Path(configured) if configured else _REPO_ROOT / "node_modules" / "swagger-ui-dist"
    missing = [name for name in SWAGGER_UI_FILES if not (folder / name).is_file()]
    if missing:
        raise FrontendMissingError(
            f"Swagger UI is not installed at {folder} (no {', '.join(missing)}): run scripts/setup (it runs "
            f"npm ci), or set {SWAGGER_UI_DIR_ENV} to the folder of the swagger-ui-dist package"
        )
    return folder


def install_api_docs(app: FastAPI) -> None:
    """Serve ``/docs`` with local Swagger UI files (create the app with ``docs_url=None``)."""
    folder = swagger_ui_dir()
    title = f"{app.title} – API docs"
    openapi_url = app.openapi_url or "/openapi.json"

    async def docs(_request: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url, title=title, oauth2_redirect_url=OAUTH2_REDIRECT_PATH,
            swagger_js_url=f"{SWAGGER_UI_ASSET_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER_UI_ASSET_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{SWAGGER_UI_ASSET_PATH}/favicon-32x32.png",
        )

    async def oauth2_redirect(_request: Request) -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    async def asyncapi(_request: Request) -> Response:
        return FileResponse(ASYNCAPI_DOCUMENT, media_type="application/json")

    app.add_route(DOCS_PATH, docs, include_in_schema=False)
    app.add_route(ASYNCAPI_PATH, asyncapi, include_in_schema=False)
    app.add_route(OAUTH2_REDIRECT_PATH, oauth2_redirect, include_in_schema=False)
    for name, media_type in SWAGGER_UI_FILES.items():
        app.add_route(f"{SWAGGER_UI_ASSET_PATH}/{name}", _file(folder / name, media_type), include_in_schema=False)


def _file(path: Path, media_type: str) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(_request: Request) -> Response:
        return FileResponse(path, media_type=media_type)

    return endpoint
