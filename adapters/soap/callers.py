"""One SOAP client per thread: zeep and its HTTP session are not shared between calls in flight together."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol

from adapters.soap.client import SoapCaller


class Caller(Protocol):
    """What the adapter needs of a client: call an operation, and let go of its connections."""

    def call(self, operation: str, **arguments: Any) -> Any: ...

    def close(self) -> None: ...


class CallersPerThread:
    """Hands each thread its own caller, made on first use by ``make`` (by default a ``SoapCaller``)."""

    def __init__(self, address: str, *, timeout_seconds: float, make: Callable[[], Caller] | None = None) -> None:
        self._make = make or (lambda: SoapCaller(address, timeout_seconds=timeout_seconds))
        self._local = threading.local()
        self._made: list[Caller] = []
        self._lock = threading.Lock()

    def current(self) -> Caller:
        caller: Caller | None = getattr(self._local, "caller", None)
        if caller is None:
            caller = self._make()
            self._local.caller = caller
            with self._lock:
                self._made.append(caller)
        return caller

    def close(self) -> None:
        with self._lock:
            made, self._made = self._made, []
        for caller in made:
            caller.close()
