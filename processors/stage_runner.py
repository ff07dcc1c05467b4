"""Runs a stage handler safely: off the event loop, retried while the revenues system is unavailable,
behind the circuit breaker, parked on the retry topic when it will not go through, and dead-lettered
(never crashing the agent) when the event itself is the problem, or when it has been parked for longer than
``RetryPolicy.give_up_after_seconds`` (counted by ``ctax_worker_parked_given_up_total``, for an ops alert).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from adapters.revenues_port import RevenuesUnavailableError
from processors import worker_metrics
from processors.circuit_breaker import BreakerState, CircuitBreaker
from processors.pipeline.context import Output, SourceRecord, StageContext
from processors.pipeline.dead_letters import dead_letter
from schemas.events import Stage
from schemas.topics import DEAD_LETTER_TOPIC

log = logging.getLogger(__name__)

ATTEMPT_HEADER = "ctax-attempt"
NOT_BEFORE_HEADER = "ctax-not-before-ms"
FIRST_PARKED_HEADER = "ctax-first-parked-ms"

BatchHandler = Callable[[StageContext, list[SourceRecord]], list[Output]]


@dataclass(frozen=True)
class RetryPolicy:
    inline_attempts: int = 3        # tries in place before a notification is parked (stages that may park)
    initial_delay: float = 0.2      # seconds; doubles each time, with jitter
    max_delay: float = 10.0
    park_initial_delay: float = 1.0
    park_max_delay: float = 30.0
    give_up_after_seconds: float = 48 * 3600  # parked this long: dead-letter it and alert (CTAX_PARKED_GIVE_UP_HOURS)


def _jittered(seconds: float) -> float:
    return seconds * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not security


class StageRunner:
    def __init__(self, ctx: StageContext, breaker: CircuitBreaker, policy: RetryPolicy) -> None:
        self._ctx = ctx
        self._breaker = breaker
        self._policy = policy

    @property
    def breaker(self) -> CircuitBreaker:
        return self._breaker

    async def run_batch(
        self, stage: Stage, handler: BatchHandler, records: list[SourceRecord], *, park_topic: str | None
    ) -> list[Output]:
        """Return what the handler produced, parked copies of the records, or dead letters; never raise.

        While the revenues system is unavailable the batch is retried in place with back-off; after
        ``inline_attempts`` (or at once while the circuit is open) every record is parked on ``park_topic``,
        or, with no park topic, the runner keeps waiting. A batch the handler crashes on is retried one
        record at a time, so only the poison record is dead-lettered.
        """
        delay = self._policy.initial_delay
        attempts = 0
        while True:
            if not self._breaker.allow():
                worker_metrics.BREAKER_OPEN.set(1)
                if park_topic is not None:
                    return [self._park(stage, r, "revenues system unavailable (circuit open)", park_topic)
                            for r in records]
                await asyncio.sleep(max(self._breaker.seconds_until_trial(), 0.05))
                continue
            attempts += 1
            started = time.perf_counter()
            try:
                outputs = await asyncio.to_thread(handler, self._ctx, records)
            except RevenuesUnavailableError as error:
                self._breaker.record_failure()
                worker_metrics.RETRIES.labels(stage.value).inc()
                worker_metrics.BREAKER_OPEN.set(1 if self._breaker.state is not BreakerState.CLOSED else 0)
                log.warning("revenues system unavailable", extra={
                    "stage": stage.value, "attempt": attempts, "error": str(error), "batch": len(records)})
                if park_topic is not None and attempts >= self._policy.inline_attempts:
                    return [self._park(stage, r, str(error), park_topic) for r in records]
                await asyncio.sleep(_jittered(delay))
                delay = min(delay * 2, self._policy.max_delay)
                continue
            except Exception as error:  # noqa: BLE001 - one bad event must never stop the agent
                self._breaker.record_success()  # the revenues system answered; the event is the problem
                if len(records) > 1:
                    log.error("batch failed; retrying its records one by one",
                              extra={"stage": stage.value, "error": type(error).__name__, "batch": len(records)})
                    isolated: list[Output] = []
                    for record in records:
                        isolated.extend(await self.run_batch(stage, handler, [record], park_topic=park_topic))
                    return isolated
                (record,) = records
                worker_metrics.DEAD_LETTERS.labels(stage.value).inc()
                # Only the exception's type: messages of validation errors can quote personal data.
                log.error("event dead-lettered", extra={"stage": stage.value, "error": type(error).__name__,
                                                        "partition": record.partition, "offset": record.offset})
                return [dead_letter(stage, record, f"{stage.value} crashed: {type(error).__name__}")]
            self._breaker.record_success()
            worker_metrics.BREAKER_OPEN.set(0)
            worker_metrics.HANDLER_SECONDS.labels(stage.value).observe(time.perf_counter() - started)
            worker_metrics.EVENTS.labels(stage.value, "ok").inc(len(records))
            worker_metrics.DEAD_LETTERS.labels(stage.value).inc(sum(1 for o in outputs if o.topic == DEAD_LETTER_TOPIC))
            return outputs

    def _park(self, stage: Stage, record: SourceRecord, reason: str, topic: str) -> Output:
        now_ms = int(time.time() * 1000)
        first_parked_ms = record.first_parked_ms or now_ms
        parked_seconds = (now_ms - first_parked_ms) / 1000
        worker_metrics.OLDEST_PARKED_SECONDS.labels(stage.value).set(parked_seconds)
        if parked_seconds >= self._policy.give_up_after_seconds:
            return self._give_up(stage, record, reason, parked_seconds)
        attempt = record.attempt + 1
        delay = _jittered(min(self._policy.park_initial_delay * 2 ** (attempt - 1), self._policy.park_max_delay))
        not_before_ms = int((time.time() + delay) * 1000)
        worker_metrics.PARKED.labels(stage.value).inc()
        log.warning("notification parked for retry", extra={"stage": stage.value, "attempt": attempt,
                                                              "retry_in_s": round(delay, 2)})
        return Output(topic, record.key or b"", record.value, (
            (ATTEMPT_HEADER, str(attempt).encode()),
            (NOT_BEFORE_HEADER, str(not_before_ms).encode()),
            (FIRST_PARKED_HEADER, str(first_parked_ms).encode()),
            ("ctax-stage", stage.value.encode()),
            ("ctax-reason", reason[:300].encode("utf-8", "replace")),
        ))


    def _give_up(self, stage: Stage, record: SourceRecord, reason: str, parked_seconds: float) -> Output:
        hours = parked_seconds / 3600
        worker_metrics.PARKED_GIVEN_UP.labels(stage.value).inc()
        worker_metrics.DEAD_LETTERS.labels(stage.value).inc()
        log.error("parked notification given up and dead-lettered", extra={
            "stage": stage.value, "attempt": record.attempt, "parked_hours": round(hours, 1),
            "partition": record.partition, "offset": record.offset})
        return dead_letter(stage, record, f"gave up after {hours:.1f} hours parked ({record.attempt} attempts): "
                                          f"{reason}")


def first_parked_ms(headers: dict[str, bytes]) -> int | None:
    """When a parked record was first parked (epoch milliseconds), or None if the header is missing or bad."""
    try:
        value = int(headers[FIRST_PARKED_HEADER])
    except (KeyError, ValueError):
        return None
    return value if value > 0 else None


def parked_attempt(headers: dict[str, bytes]) -> tuple[int, float]:
    """Return (attempt, seconds to wait) from a parked record's headers."""
    try:
        attempt = int(headers.get(ATTEMPT_HEADER, b"0"))
        not_before = int(headers.get(NOT_BEFORE_HEADER, b"0")) / 1000
    except ValueError:
        return 0, 0.0
    return attempt, max(0.0, not_before - time.time())
