"""The Faust application: one agent per stage, each a thin loop around a plain handler function.

Flow: submitted -> validate -> validated -> assess -> assessed -> apply -> status; every stage also
publishes status events, and the metrics agent turns final statuses into metrics events. Delivery is
at-least-once (offsets are committed after the producer is flushed); effects are idempotent by
notification id, so a redelivery never applies a change twice. Agent concurrency stays at 1.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import faust

from adapters.revenues_port import RevenuesUnavailableError
from processors.apply_stage import apply_assessed
from processors.assess_stage import assess_validated
from processors.dead_letters import DEAD_LETTER_TOPIC
from processors.metrics_stage import measure_status
from processors.stage_context import Output, StageContext
from processors.validate_stage import validate_submitted
from schemas.topics import ALL_TOPICS, ASSESSED, STATUS, SUBMITTED, VALIDATED, TopicSpec

log = logging.getLogger(__name__)

Handler = Callable[[StageContext, bytes | None, bytes], list[Output]]


@dataclass(frozen=True)
class ProcessorConfig:
    bootstrap: str
    app_id: str = "ctax-processor"
    partitions: int = 4
    retry_initial_seconds: float = 0.5
    retry_max_seconds: float = 30.0
    commit_interval_seconds: float = 1.0
    topic_prefix: str = ""  # lets several councils (or test runs) share one Kafka cluster


def build_app(config: ProcessorConfig, ctx: StageContext) -> faust.App:
    """Create the Faust app with its stage agents; nothing connects until the worker starts."""
    app = faust.App(
        f"{config.topic_prefix}{config.app_id}",
        broker=f"kafka://{config.bootstrap}",
        store="memory://",
        key_serializer="raw",
        value_serializer="raw",
        web_enabled=False,
        topic_partitions=config.partitions,
        topic_replication_factor=1,
        producer_acks=-1,
        consumer_auto_offset_reset="earliest",
        broker_commit_interval=config.commit_interval_seconds,
        autodiscover=False,
    )
    # Keyed by catalogue name (what handlers return); the Kafka topic carries the deployment's prefix.
    names = [spec.name for spec in ALL_TOPICS] + [DEAD_LETTER_TOPIC]
    topics = {name: _topic(app, f"{config.topic_prefix}{name}", config.partitions) for name in names}

    async def publish(outputs: list[Output]) -> None:
        for out in outputs:
            await topics[out.topic].send(key=out.key, value=out.value, headers=list(out.headers))

    def stage_agent(name: str, source: TopicSpec, handler: Handler) -> None:
        async def run(stream: Any) -> None:
            async for event in stream.events():
                outputs = await _with_retry(config, name, handler, ctx, event.key, event.value)
                await publish(outputs)

        app.agent(topics[source.name], name=name, concurrency=1)(run)

    stage_agent("validate", SUBMITTED, validate_submitted)
    stage_agent("assess", VALIDATED, assess_validated)
    stage_agent("apply", ASSESSED, apply_assessed)
    stage_agent("metrics", STATUS, measure_status)
    return app


def _topic(app: faust.App, name: str, partitions: int) -> Any:
    return app.topic(name, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw",
                     partitions=partitions)


async def _with_retry(
    config: ProcessorConfig, stage: str, handler: Handler, ctx: StageContext, key: bytes | None, value: bytes
) -> list[Output]:
    """Run a handler off the event loop; retry while the revenues system is unavailable (back-off, jitter)."""
    delay = config.retry_initial_seconds
    attempt = 1
    while True:
        try:
            return await asyncio.to_thread(handler, ctx, key, value)
        except RevenuesUnavailableError as error:
            log.warning("revenues system unavailable; retrying",
                        extra={"stage": stage, "attempt": attempt, "error": str(error), "retry_in_s": delay})
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))  # noqa: S311 - jitter, not security
            delay = min(delay * 2, config.retry_max_seconds)
            attempt += 1
