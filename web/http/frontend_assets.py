"""Serving GOV.UK Frontend's CSS, JavaScript, fonts and images from the installed npm package.

The package is fetched by ``scripts/setup`` (``npm ci`` against the committed ``package-lock.json``) into
``node_modules``; nothing of it is committed. ``CTAX_WEB_FRONTEND_DIR`` may point at another copy of its
``dist/govuk`` folder (e.g. in a container image built without the repository).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

ASSET_PATH = "/assets"
OWN_STATIC_PATH = "/static"
FRONTEND_DIR_ENV = "CTAX_WEB_FRONTEND_DIR"
_WEB_DIR = Path(__file__).resolve().parent.parent  # web/: its static/ and templates/ sit beside the packages
_REPO_ROOT = _WEB_DIR.parent
_OWN_STATIC_DIR = _WEB_DIR / "static"
# The compiled files the layout links to; the rest of dist/govuk (Sass, ES modules) is not served.
_COMPILED = ("govuk-frontend.min.css", "govuk-frontend.min.js")


class FrontendMissingError(RuntimeError):
    """GOV.UK Frontend is not installed where the web app looks for it."""


def frontend_dist_dir() -> Path:
    """Return the ``dist/govuk`` folder of the installed govuk-frontend package, or raise FrontendMissingError."""
    configured = os.environ.get(FRONTEND_DIR_ENV)
    folder = Path(configured) if configured else _REPO_ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"
    if not (folder / "govuk-frontend.min.css").is_file():
        raise FrontendMissingError(
            f"GOV.UK Frontend is not installed at {folder}: run scripts/setup (it runs npm ci), "
            f"or set {FRONTEND_DIR_ENV} to the dist/govuk folder of the govuk-frontend package"
        )
    return folder


def mount_frontend_assets(app: FastAPI) -> None:
    """Serve GOV.UK Frontend under /assets (where its CSS expects fonts and images) and our own files under /static."""
    dist = frontend_dist_dir()
    for name in _COMPILED:
        app.router.routes.append(Route(f"{ASSET_PATH}/{name}", _file_endpoint(dist / name), include_in_schema=False))
    app.router.routes.append(Mount(ASSET_PATH, StaticFiles(directory=dist / "assets"), name="assets"))
    app.router.routes.append(Mount(OWN_STATIC_PATH, StaticFiles(directory=_OWN_STATIC_DIR), name="static"))


def _file_endpoint(path: Path) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(_request: Request) -> Response:
        return FileResponse(path)

    return endpoint
