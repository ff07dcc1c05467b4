"""Rate limiting of the public intake: each client address gets a token bucket for POSTs to the
notification API, the resident journey and the status lookup; over the limit it gets 429 with Retry-After.

:class:`TokenBuckets` holds the buckets in the process's memory (SQLite: one web process). With a
PostgreSQL web store ``create_app`` passes :class:`web.stores.rate_buckets.SharedTokenBuckets` instead, so
every web process, and one restarted, takes from the same bucket. Set the rate to 0 to turn it off.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from web.in_thread import in_thread

LIMITED_PREFIXES = ("/api/v1/notifications", "/moving", "/status")
_MAX_CLIENTS = 10_000  # remembered at once; the least recently seen are forgotten first


class Buckets(Protocol):
    blocking: bool  # True: take() does I/O and is called in a worker thread

    def take(self, client: str) -> float:
        """Take a token for the client: 0 if allowed, else the seconds until one is available."""


class TokenBuckets:
    blocking = False

    def __init__(self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = per_minute / 60.0
        self._burst = float(burst)
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, client: str) -> float:
        """Take a token for the client: 0 if allowed, else the seconds until one is available."""
        now = self._clock()
        tokens, last = self._buckets.pop(client, (self._burst, now))
        tokens = min(self._burst, tokens + (now - last) * self._rate)
        if tokens >= 1:
            self._buckets[client] = (tokens - 1, now)
            wait = 0.0
        else:
            self._buckets[client] = (tokens, now)
            wait = (1 - tokens) / self._rate
        while len(self._buckets) > _MAX_CLIENTS:
            self._buckets.popitem(last=False)
        return wait


class IntakeRateLimit:
    """ASGI middleware applying :class:`TokenBuckets` to POSTs on the public intake paths."""

    def __init__(self, app: ASGIApp, per_minute: float, burst: int, buckets: Buckets | None = None) -> None:
        self._app = app
        self._buckets = (buckets or TokenBuckets(per_minute, burst)) if per_minute > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (self._buckets is not None and scope["type"] == "http" and scope["method"] == "POST"
                and str(scope["path"]).startswith(LIMITED_PREFIXES)):
            client = scope.get("client")
            address = client[0] if client else "unknown"
            buckets = self._buckets
            wait = await in_thread(buckets.take, address) if buckets.blocking else buckets.take(address)
            if wait > 0:
                response = JSONResponse(
                    {"detail": "Too many requests from this address; try again shortly"}, status_code=429,
                    headers={"Retry-After": str(max(1, math.ceil(wait)))})
                await response(scope, receive, send)
                return
        await self._app(scope, receive, send)
