"""HTTP load generator for the intake API, run in its own process so it does not share the server's CPU time.

``python -m ctax.benchmark.http_load URL BODIES_JSON_FILE SECONDS CONCURRENCY`` posts the bodies round-robin
(each with its own Idempotency-Key) from CONCURRENCY connections for SECONDS and prints one JSON line:
the count of each status code and the latencies (ms) of accepted requests.
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


async def load(url: str, bodies: list[dict[str, Any]], seconds: float, concurrency: int) -> dict[str, Any]:
    codes: Counter[int] = Counter()
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    next_body = 0

    async def client(session: aiohttp.ClientSession) -> None:
        nonlocal next_body
        while time.monotonic() < deadline:
            body = bodies[next_body % len(bodies)]
            next_body += 1
            started = time.perf_counter()
            async with session.post(url, json=body, headers={"Idempotency-Key": str(uuid.uuid4())}) as response:
                await response.read()
                codes[response.status] += 1
                if response.status == 202:
                    latencies.append((time.perf_counter() - started) * 1000)

    connector = aiohttp.TCPConnector(limit=concurrency)
    started = time.monotonic()
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(client(session) for _ in range(concurrency)))
    return {"codes": dict(codes), "latencies_ms": latencies, "seconds": time.monotonic() - started}


if __name__ == "__main__":
    url, bodies_file, seconds, concurrency = sys.argv[1:5]
    result = asyncio.run(load(url, json.loads(Path(bodies_file).read_text()), float(seconds), int(concurrency)))
    print(json.dumps(result))  # noqa: T201 - the parent process reads this line
