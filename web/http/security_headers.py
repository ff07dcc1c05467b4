"""Security headers on every response: a strict Content-Security-Policy, no framing, no sniffing, no referrer.

The policy allows scripts, styles, fonts and images from our own origin only, so inline scripts and
styles are refused (GOV.UK Frontend is started from ``/static/frontend-init.js``). The interactive API
docs start with an inline script (``/docs``: Swagger UI from our own files; ``/redoc``: ReDoc from a CDN), so
they get the other headers but not the policy. HTML pages are marked ``no-store``: they can hold a resident's answers.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
_ALWAYS = (
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
)
DOCS_PATHS = ("/docs", "/redoc")


class SecurityHeaders:
    """ASGI middleware adding the headers to each HTTP response unless the route set them itself."""

    def __init__(self, app: ASGIApp, *, docs_paths: tuple[str, ...] = DOCS_PATHS) -> None:
        self._app = app
        self._docs_paths = docs_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        with_policy = not str(scope["path"]).startswith(self._docs_paths)

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = list(_ALWAYS)
                if with_policy:
                    extra.append((b"content-security-policy", CONTENT_SECURITY_POLICY.encode()))
                content_type = next((value for name, value in headers if name.lower() == b"content-type"), b"")
                if content_type.startswith(b"text/html"):
                    extra.append((b"cache-control", b"no-store"))
                headers += [(name, value) for name, value in extra if name not in present]
                message["headers"] = headers
            await send(message)

        await self._app(scope, receive, sending)
