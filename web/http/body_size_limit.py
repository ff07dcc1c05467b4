"""A limit on request bodies, whatever the route: 413 for a body over :data:`MAX_BODY_BYTES`."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 64 * 1024


class BodyTooLarge(StarletteHTTPException):
    def __init__(self, limit: int = MAX_BODY_BYTES) -> None:
        super().__init__(status_code=413, detail=f"Request body must be {limit} bytes or fewer")


class BodySizeLimit:
    """Refuse bodies over the limit (413), whatever the route: at once when the declared length is too big,
    and as soon as a body sent without a length (chunked) grows past it while being read.

    Plain ASGI: Starlette's BaseHTTPMiddleware costs a task group and a stream per request."""

    def __init__(self, app: ASGIApp, larger_paths: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.larger_paths = dict(larger_paths or {})  # a file upload's own limit, by exact path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger_paths.get(scope["path"], MAX_BODY_BYTES)
        length = next((value for name, value in scope["headers"] if name == b"content-length"), None)
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _too_large(scope, receive, send, limit)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)  # an HTTPException: the app's handlers answer 413 as for any other
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
            await _too_large(scope, receive, send, limit)


async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    error = BodyTooLarge(limit)
    accept = next((value for name, value in scope["headers"] if name == b"accept"), b"")
    if b"text/html" in accept and not str(scope["path"]).startswith("/api/"):
        # A person's browser (a form or a file upload): a page they can read, not JSON.
        await HTMLResponse(_TOO_LARGE_PAGE.format(kb=limit // 1024), status_code=413)(scope, receive, send)
        return
    await JSONResponse({"detail": error.detail}, status_code=error.status_code)(scope, receive, send)


_TOO_LARGE_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>What you sent is too large</title><link rel="icon" href="/static/favicon.svg" type="image/svg+xml"></head>
<body><main><h1>What you sent is too large</h1>
<p>A form or file must be smaller than {kb} KB. Go back and try again with a smaller file.</p></main></body></html>"""
