"""Issue 4: every staff and ops route refuses people who are not signed in, or not allowed.

The test enumerates the app's routes, so a new route fails it until it is either protected (a
``page_user``/``api_user`` dependency from web/staff_shell/guard.py) or listed below as public on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from tests.unit.web.staff_shell.fixtures import csrf_token_from, running, sign_in, staff_shell_app
from web.staff_accounts.accounts import Role

# Public on purpose: the resident service, the intake API (its own rules), sign-in, health and API docs.
PUBLIC = re.compile(r"""^(
    /|/healthz|/accessibility|/cookies|/sign-in|/sign-in/oidc(/callback)?|/sign-out
    |/start[^/]*|/moving(/.*)?|/address/.*|/forwarding-address|/status(/.*)?|/check[^/]*(/.*)?
    |/api/v1/notifications(/\{notification_id\}|/preview)?
    |/openapi\.json|/docs|/docs/oauth2-redirect|/redoc
)$""", re.VERBOSE)
PROTECTED_PREFIXES = ("/staff", "/ops", "/landlords")


def all_routes(routes: list[Any]) -> Iterator[APIRoute]:
    """Every APIRoute, looking inside included routers (FastAPI keeps them nested)."""
    for route in routes:
        nested = getattr(route, "original_router", None)
        if nested is not None:
            yield from all_routes(nested.routes)
        elif isinstance(route, APIRoute):
            yield route


def required_role(dependant: Dependant) -> Role | None:
    for dependency in dependant.dependencies:
        role = getattr(dependency.call, "required_role", None)
        if role is not None:
            return Role(role)
        found = required_role(dependency)
        if found is not None:
            return found
    return None


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "00000000-0000-4000-8000-000000000000", path)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    return staff_shell_app(Path(tmp_path_factory.mktemp("protection")))


def protected_routes(app: FastAPI) -> list[tuple[APIRoute, Role]]:
    found = []
    for route in all_routes(app.routes):
        if PUBLIC.match(route.path):
            continue
        role = required_role(route.dependant)
        assert role is not None, (
            f"{route.path} has no role check: add a page_user/api_user dependency (web/staff_shell/guard.py), "
            f"or list it in PUBLIC in {Path(__file__).name} if residents or machines must reach it")
        found.append((route, role))
    return found


def test_the_enumeration_sees_the_staff_and_ops_routes(app: FastAPI) -> None:
    paths = {route.path for route, _ in protected_routes(app)}
    assert {"/staff", "/staff/review", "/staff/accounts/{account_ref}", "/ops", "/ops/panels"} <= paths
    assert all(path.startswith(PROTECTED_PREFIXES) for path in paths)


def test_every_staff_and_ops_path_is_protected(app: FastAPI) -> None:
    for route in all_routes(app.routes):
        if route.path.startswith(PROTECTED_PREFIXES):
            assert required_role(route.dependant) is not None, route.path


async def test_unauthenticated_and_wrong_role_requests_are_refused(app: FastAPI) -> None:
    routes = protected_routes(app)
    async with running(app) as client:
        csrf = await csrf_token_from(client, "/sign-in")
        for route, _role in routes:
            for method in sorted((route.methods or set()) - {"HEAD"}):
                answer = await client.request(method, concrete(route.path), data={"csrf_token": csrf})
                if "/api/" in route.path or route.path == "/ops/panels":
                    assert answer.status_code == 401, (method, route.path, answer.status_code)
                else:
                    assert answer.status_code == 303, (method, route.path, answer.status_code)
                    assert answer.headers["location"].startswith("/sign-in?next=")
        for username, refused_role in (("operator", Role.STAFF), ("officer", Role.OPS)):
            assert (await sign_in(client, username)).status_code == 303
            for route, role in routes:
                if role is not refused_role:
                    continue
                for method in sorted((route.methods or set()) - {"HEAD"}):
                    answer = await client.request(method, concrete(route.path), data={"csrf_token": csrf})
                    assert answer.status_code == 403, (username, method, route.path, answer.status_code)
            await client.post("/sign-out", data={"csrf_token": csrf})
