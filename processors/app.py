"""The Faust application, in one of two shapes with the same rules and outcomes:

- ``staged``: one agent per stage, each a thin loop around a handler (processors/pipeline/staged.py) that
  calls the same step functions as the fused shape, one event at a time.
  submitted -> validate -> validated -> assess -> assessed -> apply -> status -> metrics. Notifications
  whose apply cannot reach the revenues system are parked on the apply-retry topic.
- ``fused`` (the default): one agent takes batches from the submitted topic and validates, assesses,
  applies (one transaction per batch) and measures them (processors/pipeline/fused.py), publishing the
  status and metrics events directly. Batches that cannot reach the revenues system are parked, one
  record at a time, on the submitted-retry topic.

Both shapes apply with optimistic checks: a change whose accounts another worker changed after it was
assessed is refused by the adapter (StaleAccountError). The fused shape then validates and assesses that
notification again against the register as it is now (a house sale whose two halves sit on different
partitions goes straight through); the staged shape, whose apply stage no longer holds the notification,
sends it to review.

Delivery is at-least-once: Faust commits an offset only after the event was processed and the producer
flushed. Effects are idempotent by notification id, so a redelivery never applies a change twice. Agent
concurrency stays at 1 (a higher value can commit offsets past an in-flight event in faust-streaming 0.15).
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import faust

from processors.circuit_breaker import CircuitBreaker
from processors.pipeline.context import Output, SourceRecord, StageContext
from processors.pipeline.fused import BatchOptions, process_batch
from processors.pipeline.staged import apply_assessed, assess_validated, measure_status, validate_submitted
from processors.prefetched_batches import prefetched_batches
from processors.stage_runner import BatchHandler, RetryPolicy, StageRunner, first_parked_ms, parked_attempt
from schemas.events import Stage
from schemas.topics import (
    ALL_TOPICS,
    APPLY_RETRY_TOPIC,
    ASSESSED,
    INTERNAL_TOPICS,
    PROCESSOR_APP_ID,
    STATUS,
    SUBMITTED,
    SUBMITTED_RETRY_TOPIC,
    VALIDATED,
    TopicSpec,
)

log = logging.getLogger(__name__)

PARKED_BATCH_WAIT_SECONDS = 0.25


@dataclass(frozen=True)
class ProcessorConfig:
    bootstrap: str
    app_id: str = PROCESSOR_APP_ID
    partitions: int = 4
    commit_interval_seconds: float = 1.0
    topic_prefix: str = ""  # lets several councils (or test runs) share one Kafka cluster
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    pipeline: str = "fused"  # or "staged"
    batch_wait_seconds: float = 0.005
    broker_credentials: Any = None  # faust.SASLCredentials / SSLCredentials, from settings
    # No defaults here: the settings hold them (CTAX_BATCH_SIZE, CTAX_PUBLISH_ASSESSED).
    batch_size: int = field(kw_only=True)
    publish_assessed: bool = field(kw_only=True)


def faust_app(config: ProcessorConfig) -> faust.App:
    """The Faust app with the worker's broker, consumer and producer settings, and no agents yet."""
    return faust.App(
        f"{config.topic_prefix}{config.app_id}",
        broker=f"kafka://{config.bootstrap}",
        broker_credentials=config.broker_credentials,
        store="memory://",
        datadir=f"{tempfile.gettempdir()}/{{conf.name}}-data",  # Faust makes it even for memory tables: not in cwd
        key_serializer="raw",
        value_serializer="raw",
        web_enabled=False,
        topic_partitions=config.partitions,
        topic_replication_factor=1,
        producer_acks=-1,
        consumer_auto_offset_reset="earliest",
        broker_commit_interval=config.commit_interval_seconds,
        # A worker that dies is noticed within 10 s (Faust's default waits a minute before rebalancing).
        broker_session_timeout=10.0,
        broker_heartbeat_interval=3.0,
        autodiscover=False,
        # No leader election: nothing here runs on the leader only, and Faust's leader topic
        # ("<app id>-__assignor-__leader") would be one more topic outside the product's ACLs
        # (ctax/kafka_admin/acls.py).
        topic_disable_leader=True,
    )


def build_app(config: ProcessorConfig, ctx: StageContext, breaker: CircuitBreaker | None = None,
              between_batches: Callable[[], object] | None = None) -> faust.App:
    """Create the Faust app with its stage agents; nothing connects until the worker starts.

    ``between_batches`` is called by the fused pipeline's agents after each batch is published (the worker
    collects garbage there: ``ctax/running/garbage_collection.py``).
    """
    app = faust_app(config)
    runner = StageRunner(ctx, breaker or CircuitBreaker(), config.retry)
    # Keyed by catalogue name (what handlers return); the Kafka topic carries the deployment's prefix.
    names = [spec.name for spec in ALL_TOPICS] + list(INTERNAL_TOPICS)
    topics = {name: raw_topic(app, f"{config.topic_prefix}{name}", config.partitions) for name in names}

    async def publish(outputs: list[Output]) -> None:
        # Straight to the producer (Faust's Topic.send adds a future and callbacks per message). Offsets are
        # still committed only after the producer is flushed (Faust's consumer flushes before it commits).
        producer = app.producer
        for out in outputs:
            await producer.send(f"{config.topic_prefix}{out.topic}", out.key, out.value, None, None,
                                list(out.headers))

    def stage_agent(stage: Stage, agent_name: str, source: TopicSpec | str, handler: BatchHandler, *,
                    may_park: bool = False, parked: bool = False) -> None:
        source_name = source if isinstance(source, str) else source.name

        async def run(stream: Any) -> None:
            async for event in stream.events():
                record = _source_record(source_name, event)
                if parked:
                    headers = _headers(event)
                    attempt, wait = parked_attempt(headers)
                    record = SourceRecord(record.topic, record.key, record.value, record.partition, record.offset,
                                          attempt, first_parked_ms(headers))
                    if wait:
                        await asyncio.sleep(min(wait, config.retry.park_max_delay))
                outputs = await runner.run_batch(stage, handler, [record],
                                                 park_topic=APPLY_RETRY_TOPIC if may_park else None)
                await publish(outputs)

        run.__qualname__ = f"stage.{agent_name}"  # how Faust names the agent in its logs
        app.agent(topics[source_name], name=agent_name, concurrency=1)(run)

    options = BatchOptions(publish_assessed=config.publish_assessed)

    def fused_batch(stage_ctx: StageContext, records: list[SourceRecord]) -> list[Output]:
        return process_batch(stage_ctx, records, options)

    def batch_agent(agent_name: str, source_name: str, *, parked: bool) -> None:
        async def run(stream: Any) -> None:
            # A batch waits up to `within` after its first record for more. Parked records wait a second or more
            # anyway, so the retry agent's batches wait a quarter of a second to gather more of them.
            within = PARKED_BATCH_WAIT_SECONDS if parked else config.batch_wait_seconds
            async for events in prefetched_batches(stream, config.batch_size, within):
                records = [_source_record(SUBMITTED.name, event) for event in events]
                if parked:
                    headers = [_headers(event) for event in events]
                    waits = [parked_attempt(h) for h in headers]
                    records = [SourceRecord(r.topic, r.key, r.value, r.partition, r.offset, attempt, first_parked_ms(h))
                               for r, (attempt, _), h in zip(records, waits, headers, strict=True)]
                    longest = max((wait for _, wait in waits), default=0.0)
                    if longest:
                        await asyncio.sleep(min(longest, config.retry.park_max_delay))
                outputs = await runner.run_batch(Stage.VALIDATE, fused_batch, records,
                                                 park_topic=SUBMITTED_RETRY_TOPIC)
                await publish(outputs)
                if between_batches is not None:
                    between_batches()

        run.__qualname__ = f"stage.{agent_name}"
        app.agent(topics[source_name], name=agent_name, concurrency=1)(run)

    if config.pipeline == "staged":
        stage_agent(Stage.VALIDATE, "validate", SUBMITTED, validate_submitted)
        stage_agent(Stage.ASSESS, "assess", VALIDATED, assess_validated)
        stage_agent(Stage.APPLY, "apply", ASSESSED, apply_assessed, may_park=True)
        stage_agent(Stage.APPLY, "apply-retry", APPLY_RETRY_TOPIC, apply_assessed, may_park=True, parked=True)
        stage_agent(Stage.APPLY, "metrics", STATUS, measure_status)
    elif config.pipeline == "fused":
        batch_agent("pipeline", SUBMITTED.name, parked=False)
        batch_agent("pipeline-retry", SUBMITTED_RETRY_TOPIC, parked=True)
    else:
        raise ValueError(f"unknown pipeline {config.pipeline!r}: use 'fused' or 'staged'")
    return app


def _headers(event: Any) -> dict[str, bytes]:
    raw: Any = getattr(event, "headers", None) or {}
    items = raw.items() if isinstance(raw, Mapping) else raw
    return {str(k): bytes(v) for k, v in items if v is not None}


def _source_record(topic: str, event: Any) -> SourceRecord:
    message = getattr(event, "message", None)
    return SourceRecord(
        topic=topic, key=event.key, value=event.value,
        partition=getattr(message, "partition", None), offset=getattr(message, "offset", None),
    )


def raw_topic(app: faust.App, name: str, partitions: int) -> Any:
    """A topic of raw bytes (keys and values), as every agent here reads and writes them."""
    return app.topic(name, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw",
                     partitions=partitions)
