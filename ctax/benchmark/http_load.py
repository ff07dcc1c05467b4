"""HTTP load generator for the intake API, run in its own process so it does not share the server's CPU time.

``python -m ctax.benchmark.http_load URL BODIES_JSON_FILE SECONDS CONCURRENCY`` posts the bodies round-robin
(each with its own Idempotency-Key) from CONCURRENCY connections for SECONDS and prints one JSON line:
the count of each status code and the latencies (ms) of accepted requests. With ``-`` for the bodies file it
sends GETs instead (the bare-HTTP reference: ``/healthz`` of the same app), and a 200 counts as accepted.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp


async def load(url: str, bodies: list[dict[str, Any]] | None, seconds: float, concurrency: int) -> dict[str, Any]:
    codes: Counter[int | str] = Counter()
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    next_body = 0

    async def client(session: aiohttp.ClientSession) -> None:
        nonlocal next_body
        while time.monotonic() < deadline:
            started = time.perf_counter()
            if bodies is None:
                request = session.get(url)
            else:
                request = session.post(url, json=bodies[next_body % len(bodies)],
                                       headers={"Idempotency-Key": str(uuid.uuid4())})
                next_body += 1
            try:
                async with request as response:
                    await response.read()
                    codes[response.status] += 1
                    if response.status == (200 if bodies is None else 202):
                        latencies.append((time.perf_counter() - started) * 1000)
            except aiohttp.ClientError as error:  # counted, not fatal: a dropped connection is a result too
                codes[type(error).__name__] += 1

    connector = aiohttp.TCPConnector(limit=concurrency)
    started = time.monotonic()
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(client(session) for _ in range(concurrency)))
    return {"codes": dict(codes), "latencies_ms": latencies, "seconds": time.monotonic() - started}


if __name__ == "__main__":
    url, bodies_file, seconds, concurrency = sys.argv[1:5]
    bodies = None if bodies_file == "-" else json.loads(Path(bodies_file).read_text())
    result = asyncio.run(load(url, bodies, float(seconds), int(concurrency)))
    print(json.dumps(result))  # noqa: T201 - the parent process reads this line
