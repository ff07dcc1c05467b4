"""Request bodies over the limit get 413, whether the length is declared or the body is sent in chunks."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI, Request

from web.http.body_size_limit import MAX_BODY_BYTES, BodySizeLimit


def app() -> tuple[FastAPI, list[int]]:
    read: list[int] = []
    application = FastAPI()
    application.add_middleware(BodySizeLimit)

    @application.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        body = await request.body()
        read.append(len(body))
        return {"bytes": len(body)}

    return application, read


async def post(application: FastAPI, content: bytes | AsyncIterator[bytes],
               headers: dict[str, str] | None = None) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://test") as client:
        return await client.post("/echo", content=content, headers=headers)


async def test_a_body_within_the_limit_reaches_the_route() -> None:
    application, read = app()
    answer = await post(application, b"x" * MAX_BODY_BYTES)
    assert answer.status_code == 200
    assert read == [MAX_BODY_BYTES]


async def test_a_declared_length_over_the_limit_is_refused_before_the_route_runs() -> None:
    application, read = app()
    answer = await post(application, b"x" * (MAX_BODY_BYTES + 1))
    assert answer.status_code == 413
    assert answer.json() == {"detail": f"Request body must be {MAX_BODY_BYTES} bytes or fewer"}
    assert read == []


async def test_a_chunked_body_is_cut_off_once_it_grows_past_the_limit() -> None:
    application, read = app()

    async def chunks() -> AsyncIterator[bytes]:  # a generator body goes out chunked, with no Content-Length
        for _ in range(10):
            yield b"x" * (16 * 1024)

    answer = await post(application, chunks())
    assert answer.status_code == 413
    assert read == []  # the route never saw the body


async def test_a_length_that_is_not_a_number_is_refused() -> None:
    application, read = app()
    answer = await post(application, b"{}", headers={"content-length": "12abc"})
    assert answer.status_code == 413
    assert read == []
