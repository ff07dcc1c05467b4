"""POST /api/v1/notifications reads a well-formed submission once, from its bytes, and answers everything exactly as
FastAPI's own handling of the same endpoint does."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import fastapi.dependencies.utils
import httpx
import pytest
from fastapi import APIRouter, Request
from fastapi.routing import APIRoute

from tests.builders import address, move_in
from tests.unit.web.fake_kafka import FakeKafka, use_fake_kafka
from tests.unit.web.staff_shell.fixtures import running, staff_shell_app
from web.intake.api import router, submit_notification
from web.intake.submission_route import SubmissionRoute

FAST, PLAIN = "/api/v1/notifications", "/api/v1/notifications-by-fastapi"
CONTACT = {"full_name": "Robin Moss", "email": "robin@example.com"}


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, FakeKafka]]:
    app = staff_shell_app(tmp_path)
    plain = APIRouter()  # the same endpoint as FastAPI handles any route, to compare answers with
    plain.add_api_route(PLAIN, submit_notification, methods=["POST"], status_code=202)
    app.include_router(plain)
    async with running(app) as client:
        yield client, use_fake_kafka(app)


def _body(**change: Any) -> bytes:
    return json.dumps({"contact": CONTACT, "change": {**move_in(address=address()), **change}}, default=str).encode()


async def _both(client: httpx.AsyncClient, body: bytes, headers: dict[str, str]) -> tuple[httpx.Response, ...]:
    return tuple([await client.post(path, content=body, headers=headers) for path in (FAST, PLAIN)])


@pytest.mark.parametrize(("body", "headers"), [
    (b'{"contact": ', {"content-type": "application/json"}),  # not JSON
    (b"", {"content-type": "application/json"}),
    (json.dumps({"contact": CONTACT}).encode(), {"content-type": "application/json"}),  # no change
    (_body(move_in_date="31/02/2026"), {"content-type": "application/json"}),
    (_body(uprn="not a uprn"), {"content-type": "application/json; charset=utf-8"}),
    (_body(), {"content-type": "application/json", "idempotency-key": "k" * 201}),
    (json.dumps({"council_code": "E07000001", "contact": CONTACT, "change": move_in(address=address())},
                default=str).encode(), {"content-type": "application/json"}),  # another council's
    (_body(), {"content-type": "text/plain"}),
])
async def test_what_is_refused_is_refused_as_fastapi_refuses_it(
        app: tuple[httpx.AsyncClient, FakeKafka], body: bytes, headers: dict[str, str]) -> None:
    client, kafka = app
    fast, plain = await _both(client, body, headers)
    assert fast.status_code == plain.status_code == 422
    assert fast.json() == plain.json()
    assert kafka.records == []


@pytest.mark.parametrize("headers", [
    {"content-type": "application/json"},
    {"content-type": "application/json; charset=utf-8"},
    {"content-type": "application/json", "idempotency-key": "k" * 200},
])
async def test_what_is_accepted_is_accepted_as_fastapi_accepts_it(
        app: tuple[httpx.AsyncClient, FakeKafka], headers: dict[str, str]) -> None:
    client, kafka = app
    fast, plain = await _both(client, _body(), headers)
    assert fast.status_code == plain.status_code == 202
    assert fast.headers["content-type"] == plain.headers["content-type"]
    if "idempotency-key" in headers:  # the same key and body: the same answer by either way in
        assert fast.json() == plain.json()
        assert len(kafka.records) == 1
    else:
        assert fast.json().keys() == plain.json().keys()
        first, second = kafka.records
        assert first.model_dump(exclude={"notification_id", "reference", "submitted_at"}) == second.model_dump(
            exclude={"notification_id", "reference", "submitted_at"})


async def test_a_well_formed_submission_skips_fastapis_general_parameter_handling(
        app: tuple[httpx.AsyncClient, FakeKafka], monkeypatch: pytest.MonkeyPatch) -> None:
    client, kafka = app
    solved: list[str] = []
    general = fastapi.dependencies.utils.solve_dependencies  # what fastapi.routing calls

    async def counted(*args: Any, **kwargs: Any) -> Any:
        solved.append(kwargs["request"].url.path)
        return await general(*args, **kwargs)

    monkeypatch.setattr("fastapi.routing.solve_dependencies", counted)
    response = await client.post(FAST, content=_body(), headers={"content-type": "application/json",
                                                                 "idempotency-key": "k-1"})
    assert response.status_code == 202
    assert len(kafka.records) == 1
    assert solved == []
    await client.post(FAST, content=json.dumps({"contact": CONTACT}).encode(),
                      headers={"content-type": "application/json"})
    assert solved == [FAST]  # an invalid one is FastAPI's to answer


def test_an_endpoint_of_another_shape_is_refused_when_the_route_is_built() -> None:
    async def endpoint(request: Request, notification_id: str) -> None:
        return None

    with pytest.raises(TypeError, match="SubmissionRoute"):
        SubmissionRoute("/x/{notification_id}", endpoint, methods=["POST"]).get_route_handler()
    assert isinstance(APIRoute("/x/{notification_id}", endpoint, methods=["POST"]), APIRoute)


def test_the_submission_route_is_the_one_the_api_uses() -> None:
    posted = [r for r in router.routes if isinstance(r, APIRoute) and r.path == FAST and "POST" in (r.methods or ())]
    assert [type(r) for r in posted] == [SubmissionRoute]
