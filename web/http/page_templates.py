"""The Jinja environment for every HTML page: our templates plus the GOV.UK Frontend Jinja macros.

Build one :class:`PageTemplates` per app (``create_app`` does, as ``app.state.pages``) and render with
:func:`render_page`. Templates extend ``layout.html`` (header, phase banner, skip link, footer) and import
GOV.UK components by their package path, for example::

    {% extends "layout.html" %}
    {% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}
    {% block content %}...{% endblock %}

Globals every template can use: ``service_name``, ``council_name``, ``asset_path``, ``csrf_input(request)``
(see :mod:`web.http.csrf`). A page sets ``page_title`` (and ``has_errors`` on a form with errors, which adds the
"Error:" prefix the GOV.UK pattern asks for) and may set ``service_name``/``service_url``/
``navigation`` (items for the service navigation) to brand a part of the site, such as the staff pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from web.http.csrf import csrf_input
from web.http.frontend_assets import ASSET_PATH
from web.http.govuk_dates import long_date, long_date_time

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
DEFAULT_SERVICE_NAME = "Council Tax: tell us about a change"


def build_environment(*, council_name: str, service_name: str = DEFAULT_SERVICE_NAME) -> Environment:
    """Return the environment: autoescaping, our templates first, then ``govuk_frontend_jinja/...`` macros."""
    environment = Environment(
        loader=ChoiceLoader([
            FileSystemLoader(TEMPLATES_DIR),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(
        service_name=service_name, council_name=council_name, asset_path=ASSET_PATH, csrf_input=csrf_input,
    )
    environment.filters.update(govuk_date=long_date, govuk_date_time=long_date_time)
    return environment


class PageTemplates:
    """Renders pages to HTML responses with the request in the context (for CSRF fields and the URL)."""

    def __init__(self, *, council_name: str, service_name: str = DEFAULT_SERVICE_NAME) -> None:
        self.environment = build_environment(council_name=council_name, service_name=service_name)
        self._templates = Jinja2Templates(env=self.environment)

    def render(self, request: Request, name: str, context: dict[str, Any] | None = None,
               status_code: int = 200) -> HTMLResponse:
        response = self._templates.TemplateResponse(request, name, context or {}, status_code=status_code)
        assert isinstance(response, HTMLResponse)
        return response


def render_page(request: Request, name: str, context: dict[str, Any] | None = None,
                status_code: int = 200) -> HTMLResponse:
    """Render a template with the app's :class:`PageTemplates`."""
    pages: PageTemplates = request.app.state.pages
    return pages.render(request, name, context, status_code)
