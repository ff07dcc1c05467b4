"""Create the product's topics before anything produces to them (idempotent)."""

from __future__ import annotations

import asyncio
import contextlib

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from schemas.topics import all_topic_names


def topic_names(prefix: str = "") -> list[str]:
    return all_topic_names(prefix)


async def ensure_topics(bootstrap: str, partitions: int, *, prefix: str = "", attempts: int = 30) -> None:
    """Create any missing topic with ``partitions`` partitions; wait for the broker if it is starting."""
    for attempt in range(attempts):
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            missing = [NewTopic(name, partitions, 1) for name in topic_names(prefix) if name not in existing]
            if missing:
                with contextlib.suppress(TopicAlreadyExistsError):
                    await admin.create_topics(missing)
            return
        except Exception:
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(1)
        finally:
            await admin.close()
