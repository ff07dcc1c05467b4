"""Malformed and oversized multipart forms get a 400 or 413 on every form path, never a 500: the CSRF check
reads the form before any route, so it must answer them itself. Posted anonymously, as anyone could."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import Route

from tests.unit.web.staff_shell.fixtures import csrf_token_from, running, staff_shell_app

LONG_NAME = "x" * 5_000 + ".csv"
BOUNDARY = "ctaxboundary"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    return staff_shell_app(tmp_path_factory.mktemp("forms"))


@pytest.fixture(scope="module")
async def started(app: FastAPI) -> AsyncIterator[FastAPI]:
    async with running(app):
        yield app


_addresses = iter(range(1, 250))


@pytest.fixture
async def client(started: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client from an address of its own: the public form paths are rate-limited per address."""
    transport = httpx.ASGITransport(app=started, client=(f"192.0.2.{next(_addresses)}", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        yield client


def _routes(routes: list[Any]) -> Iterator[Route | APIRoute]:
    for route in routes:
        nested = getattr(route, "original_router", None)  # FastAPI keeps included routers nested
        if nested is not None:
            yield from _routes(nested.routes)
        elif isinstance(route, Route | APIRoute):
            yield route


def form_paths(app: FastAPI) -> list[str]:
    """Every POST path of the pages (not the JSON API), with a made-up value for each path parameter."""
    return sorted({re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", route.path)
                   for route in _routes(app.routes)
                   if "POST" in (route.methods or ()) and not route.path.startswith("/api/")})


def _raw_multipart(part_headers: str, body: bytes = b"data") -> bytes:
    return (f"--{BOUNDARY}\r\n{part_headers}\r\n\r\n".encode() + body + f"\r\n--{BOUNDARY}--\r\n".encode())


MALFORMED: dict[str, tuple[bytes, str]] = {
    "a 5,000-character file name": (
        _raw_multipart(f'Content-Disposition: form-data; name="file"; filename="{LONG_NAME}"'),
        f"multipart/form-data; boundary={BOUNDARY}"),
    "a part header over 4 KB": (
        _raw_multipart('Content-Disposition: form-data; name="a"\r\nX-Padding: ' + "p" * 5_000),
        f"multipart/form-data; boundary={BOUNDARY}"),
    "no boundary": (_raw_multipart('Content-Disposition: form-data; name="a"'), "multipart/form-data"),
    "a part without a name": (_raw_multipart("Content-Disposition: form-data"),
                              f"multipart/form-data; boundary={BOUNDARY}"),
    "too many files": (b"".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="f{i}"; filename="f{i}.csv"\r\n\r\nx\r\n'.encode()
        for i in range(5)) + f"--{BOUNDARY}--\r\n".encode(), f"multipart/form-data; boundary={BOUNDARY}"),
}


async def test_the_app_has_form_paths_to_try(app: FastAPI) -> None:
    paths = form_paths(app)
    assert {"/sign-in", "/landlords/upload"} <= set(paths)


@pytest.mark.parametrize("what", MALFORMED)
async def test_a_malformed_multipart_form_is_a_400_on_every_form_path_even_anonymously(
        app: FastAPI, client: httpx.AsyncClient, what: str) -> None:
    body, content_type = MALFORMED[what]
    for path in form_paths(app):  # fewer than the rate limit's burst of 100
        answered = await client.post(path, content=body, headers={"content-type": content_type,
                                                                  "accept": "text/html"})
        assert answered.status_code == 400, (path, answered.status_code, answered.text[:300])
        assert "could not read what was sent" in answered.text


async def test_the_same_with_a_valid_token_and_cookie(client: httpx.AsyncClient) -> None:
    token = await csrf_token_from(client, "/sign-in")
    answered = await client.post("/sign-in", data={"csrf_token": token},
                                 files={"file": (LONG_NAME, b"change,date\r\n")}, headers={"accept": "text/html"})
    assert answered.status_code == 400
    assert "rename the file with a short name" in answered.text


async def test_an_oversized_form_is_a_413(app: FastAPI, client: httpx.AsyncClient) -> None:
    for path in form_paths(app):
        answered = await client.post(path, files={"file": ("big.csv", b"a" * (2 * 1024 * 1024))})
        assert answered.status_code == 413, path
