"""Protection against cross-site request forgery for every form POST: a signed double-submit token.

How it works: the ``ctax_csrf`` cookie (``__Host-ctax_csrf`` when cookies are Secure) holds a random
value; every form carries a hidden ``csrf_token`` field holding an HMAC of that value under the app's
secret key. :class:`CsrfProtection` refuses any POST, PUT, PATCH or DELETE whose token does not match
the cookie (403, before any route runs), so a page on another site cannot submit our forms: it can make
the browser send the cookie but cannot read it to compute the token. No JavaScript is needed. JSON API
paths (``/api/`` by default) are exempt: they do not use cookies.

Use it in a template rendered by :mod:`web.http.page_templates` (``csrf_input`` is a global there)::

    <form method="post" novalidate>
      {{ csrf_input(request) }}
      ...
    </form>

A client without a form (a script, a test) can send the token in an ``X-CSRF-Token`` header instead;
``csrf_token(request)`` returns it. The cookie is set on the first response that asked for a token.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

FIELD_NAME = "csrf_token"
HEADER_NAME = "x-csrf-token"
MAX_FORM_BYTES = 1024 * 1024
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_COOKIE_VALUE = re.compile(r"^[A-Za-z0-9_-]{43}\Z")
# What a form of ours can hold: one file at most, a few dozen fields. More is not a form of ours.
MAX_FORM_FILES = 2
MAX_FORM_FIELDS = 100

FailurePage = Callable[[Request], Awaitable[Response]]


def cookie_name(secure: bool) -> str:
    # The __Host- prefix makes the browser refuse the cookie unless it is Secure, host-only and on path /,
    # so a sibling subdomain cannot plant its own value.
    return "__Host-ctax_csrf" if secure else "ctax_csrf"


@dataclass
class CsrfState:
    """The request's token source; templates ask it for the form token, which marks the cookie to be set."""

    secret: bytes
    existing: str | None  # the request's own cookie value, if it sent a valid one
    issued: bool = False
    _new_value: str | None = None

    @property
    def cookie_is_new(self) -> bool:
        return self.existing is None

    @property
    def cookie_value(self) -> str:
        """The cookie's value: the request's own, or a new random one made on first use (most requests, such as
        the JSON API's and health checks, never need one)."""
        if self.existing is not None:
            return self.existing
        if self._new_value is None:
            self._new_value = secrets.token_urlsafe(32)
        return self._new_value

    def form_token(self) -> str:
        self.issued = True
        return _sign(self.secret, self.cookie_value)


def _sign(secret: bytes, value: str) -> str:
    return hmac.new(secret, b"csrf:" + value.encode("ascii"), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """Return the token a form on this page must send back (sets the cookie on the response if needed)."""
    state: CsrfState = request.state.csrf
    return state.form_token()


def csrf_input(request: Request) -> Markup:
    """Return the hidden form field carrying the token, for templates."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD_NAME, csrf_token(request))


async def _refused(_request: Request) -> Response:
    return PlainTextResponse("This form has expired. Go back, refresh the page and try again.", status_code=403)


async def _unreadable(_request: Request) -> Response:
    return PlainTextResponse("What was sent is not a form we can read. Go back and try again.", status_code=400)


class UnreadableFormError(Exception):
    """The body claims to be a form but cannot be parsed as one (bad multipart, a part header too long)."""


class CsrfProtection:
    """ASGI middleware: hands each request a token source and refuses unsafe requests without a valid token."""

    def __init__(self, app: ASGIApp, *, secret: bytes, secure_cookie: bool = True,
                 exempt_prefixes: tuple[str, ...] = ("/api/",), failure_page: FailurePage | None = None,
                 unreadable_page: FailurePage | None = None) -> None:
        self._app = app
        self._secret = secret
        self._secure = secure_cookie
        self._cookie = cookie_name(secure_cookie)
        self._exempt = exempt_prefixes
        self._failure_page = failure_page or _refused
        self._unreadable_page = unreadable_page or _unreadable

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        existing = _cookie_from(scope, self._cookie)
        state = CsrfState(self._secret, existing)
        scope.setdefault("state", {})["csrf"] = state
        send = self._setting_cookie(send, state)
        if scope["method"] in _SAFE_METHODS or str(scope["path"]).startswith(self._exempt):
            await self._app(scope, receive, send)
            return
        body = await _read_body(receive)
        if body is None:
            await PlainTextResponse("Request body too large", status_code=413)(scope, receive, send)
            return
        try:
            submitted = await _submitted_token(scope, _replaying(body))
        except UnreadableFormError:
            response = await self._unreadable_page(Request(scope, _replaying(b"")))
            await response(scope, _replaying(b""), send)
            return
        expected = _sign(self._secret, state.cookie_value)
        if existing is None or submitted is None or not hmac.compare_digest(submitted, expected):
            response = await self._failure_page(Request(scope, _replaying(body)))
            await response(scope, _replaying(body), send)
            return
        await self._app(scope, _replaying(body), send)

    def _setting_cookie(self, send: Send, state: CsrfState) -> Send:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and state.cookie_is_new and state.issued:
                attributes = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if self._secure else "")
                header = f"{self._cookie}={state.cookie_value}{attributes}".encode("latin-1")
                message["headers"] = [*message.get("headers", []), (b"set-cookie", header)]
            await send(message)

        return sending


def _cookie_from(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed Cookie header just means no token
                return None
            morsel = jar.get(name)
            if morsel is not None and _COOKIE_VALUE.match(morsel.value):
                return morsel.value
    return None


async def _read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _submitted_token(scope: Scope, receive: Receive) -> str | None:
    headers: dict[str, str] = {
        key.decode("latin-1"): value.decode("latin-1") for key, value in scope.get("headers", [])}
    if HEADER_NAME in headers:
        return headers[HEADER_NAME]
    content_type = headers.get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        body: bytes = (await receive()).get("body", b"")
        try:
            values = parse_qs(body.decode("utf-8", errors="replace"), max_num_fields=1000)
        except ValueError:  # too many fields
            return None
        found = values.get(FIELD_NAME)
        return found[0] if found else None
    if content_type.startswith("multipart/form-data"):
        request = Request(scope, receive)
        try:
            form = await request.form(max_files=MAX_FORM_FILES, max_fields=MAX_FORM_FIELDS,
                                      max_part_size=MAX_FORM_BYTES)
            value = form.get(FIELD_NAME)
            return value if isinstance(value, str) else None
        except (HTTPException, MultiPartException, ValueError, KeyError, UnicodeError) as error:
            # Starlette answers a malformed multipart body (a part header over 4 KB, such as a 5,000-character
            # file name; no boundary; too many parts) with an HTTPException, which here, outside the routes'
            # error handlers, would become a 500.
            raise UnreadableFormError from error
        finally:
            await request.close()
    return None
