"""Running a blocking store call off the event loop, so that stopping the caller also waits for the call.

``asyncio.to_thread`` cannot stop a thread: a task cancelled while it awaits one ends at once, and the
thread runs on with its pooled connection checked out. A web app that then disposes of its engine leaves
that connection in a pool nobody holds, open until the garbage collector finds it. :func:`in_thread`
lets the cancellation through only once the thread has finished (and put its connection back).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


async def in_thread(func: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
    """``await asyncio.to_thread(func, ...)``, except that a cancellation waits for the thread to finish."""
    call = asyncio.ensure_future(asyncio.to_thread(func, *args, **kwargs))
    try:
        return await asyncio.shield(call)
    except asyncio.CancelledError:
        await asyncio.wait([call])
        if not call.cancelled():
            call.exception()  # seen, so asyncio does not log it as never retrieved: the caller is stopping
        raise
