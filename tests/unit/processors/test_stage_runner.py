"""The stage runner: retries, parking, the circuit breaker and dead letters, with fake handlers."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from prometheus_client import REGISTRY

from adapters.memory_revenues import InMemoryRevenuesSystem
from adapters.revenues_port import RevenuesUnavailableError
from processors.circuit_breaker import CircuitBreaker
from processors.cost_model_file import load_cost_model
from processors.pipeline.context import Output, SourceRecord, StageContext
from processors.stage_runner import RetryPolicy, StageRunner, first_parked_ms, parked_attempt
from schemas.events import Stage
from schemas.topics import APPLY_RETRY_TOPIC, DEAD_LETTER_TOPIC
from tests.builders import RULES

CTX = StageContext(revenues=InMemoryRevenuesSystem(), rules=RULES, cost_model=load_cost_model(),
                   clock=lambda: datetime(2025, 10, 10, tzinfo=UTC))
FAST = RetryPolicy(inline_attempts=3, initial_delay=0.001, max_delay=0.002, park_initial_delay=0.01)
RECORD = SourceRecord("ctax.notifications.assessed.v1", b"k", b"value", partition=1, offset=42)
DONE = [Output("out", b"k", b"done")]


class Flaky:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    def __call__(self, ctx: StageContext, records: list[SourceRecord]) -> list[Output]:
        self.calls += 1
        if self.calls <= self.failures:
            raise RevenuesUnavailableError("connection refused")
        return DONE


async def test_a_transient_failure_is_retried_until_it_goes_through() -> None:
    handler = Flaky(failures=5)
    runner = StageRunner(CTX, CircuitBreaker(failure_threshold=100), FAST)
    assert await runner.run_batch(Stage.VALIDATE, handler, [RECORD], park_topic=None) == DONE
    assert handler.calls == 6


async def test_a_stage_that_may_park_parks_after_its_inline_attempts() -> None:
    handler = Flaky(failures=10)
    runner = StageRunner(CTX, CircuitBreaker(failure_threshold=100), FAST)
    (parked,) = await runner.run_batch(Stage.APPLY, handler, [RECORD], park_topic=APPLY_RETRY_TOPIC)
    assert handler.calls == 3
    assert (parked.topic, parked.key, parked.value) == (APPLY_RETRY_TOPIC, b"k", b"value")
    attempt, wait = parked_attempt(dict(parked.headers))
    assert attempt == 1
    assert 0 <= wait <= 0.01


async def test_parking_again_counts_the_attempts() -> None:
    runner = StageRunner(CTX, CircuitBreaker(failure_threshold=100), FAST)
    again = SourceRecord(RECORD.topic, RECORD.key, RECORD.value, attempt=4)
    (parked,) = await runner.run_batch(Stage.APPLY, Flaky(failures=10), [again], park_topic=APPLY_RETRY_TOPIC)
    assert parked_attempt(dict(parked.headers))[0] == 5


async def test_while_the_breaker_is_open_nothing_is_called_and_the_record_is_parked() -> None:
    breaker = CircuitBreaker(failure_threshold=1, open_seconds=60)
    breaker.record_failure()
    handler = Flaky(failures=0)
    runner = StageRunner(CTX, breaker, FAST)
    (parked,) = await runner.run_batch(Stage.APPLY, handler, [RECORD], park_topic=APPLY_RETRY_TOPIC)
    assert parked.topic == APPLY_RETRY_TOPIC
    assert handler.calls == 0


async def test_an_event_that_crashes_the_handler_is_dead_lettered_not_raised() -> None:
    def crash(ctx: StageContext, records: list[SourceRecord]) -> list[Output]:
        raise ZeroDivisionError("Mrs Jane Smith of 4 Acacia Avenue")

    (dead,) = await StageRunner(CTX, CircuitBreaker(), FAST).run_batch(Stage.ASSESS, crash, [RECORD], park_topic=None)
    headers = dict(dead.headers)
    assert (dead.topic, dead.value) == (DEAD_LETTER_TOPIC, b"value")
    assert headers["ctax-reason"] == b"assess crashed: ZeroDivisionError"
    assert (headers["ctax-source-partition"], headers["ctax-source-offset"]) == (b"1", b"42")
    assert b"Smith" not in b"".join(headers.values())


@pytest.mark.parametrize("bad", [b"", b"garbage", b"\x00\x00"])
def test_unreadable_park_headers_mean_try_now(bad: bytes) -> None:
    assert parked_attempt({"ctax-attempt": bad}) == (0, 0.0)


async def test_parking_keeps_the_first_parked_time() -> None:
    runner = StageRunner(CTX, CircuitBreaker(failure_threshold=100), FAST)
    before = int(time.time() * 1000)
    (first,) = await runner.run_batch(Stage.APPLY, Flaky(failures=10), [RECORD], park_topic=APPLY_RETRY_TOPIC)
    stamped = first_parked_ms(dict(first.headers))
    assert stamped is not None
    assert before <= stamped <= int(time.time() * 1000)
    again = SourceRecord(RECORD.topic, RECORD.key, RECORD.value, attempt=1, first_parked_ms=stamped - 60_000)
    (second,) = await runner.run_batch(Stage.APPLY, Flaky(failures=10), [again], park_topic=APPLY_RETRY_TOPIC)
    assert first_parked_ms(dict(second.headers)) == stamped - 60_000  # the clock runs from the first parking


async def test_a_notification_parked_too_long_is_dead_lettered_with_an_alert() -> None:
    policy = RetryPolicy(inline_attempts=1, initial_delay=0.001, park_initial_delay=0.01, give_up_after_seconds=3600)
    runner = StageRunner(CTX, CircuitBreaker(failure_threshold=100), policy)
    given_up = REGISTRY.get_sample_value("ctax_worker_parked_given_up_total", {"stage": "apply"}) or 0.0
    young = SourceRecord(RECORD.topic, RECORD.key, RECORD.value, attempt=7,
                         first_parked_ms=int((time.time() - 3500) * 1000))
    (parked,) = await runner.run_batch(Stage.APPLY, Flaky(failures=10), [young], park_topic=APPLY_RETRY_TOPIC)
    assert parked.topic == APPLY_RETRY_TOPIC  # 58 minutes: still retried
    old = SourceRecord(RECORD.topic, RECORD.key, RECORD.value, partition=1, offset=42, attempt=9,
                       first_parked_ms=int((time.time() - 3700) * 1000))
    (letter,) = await runner.run_batch(Stage.APPLY, Flaky(failures=10), [old], park_topic=APPLY_RETRY_TOPIC)
    assert (letter.topic, letter.key, letter.value) == (DEAD_LETTER_TOPIC, b"k", b"value")  # the bytes, unchanged
    reason = dict(letter.headers)["ctax-reason"].decode()
    assert reason.startswith("gave up after 1.0 hours parked (9 attempts): connection refused")
    assert REGISTRY.get_sample_value("ctax_worker_parked_given_up_total", {"stage": "apply"}) == given_up + 1
    oldest = REGISTRY.get_sample_value("ctax_worker_oldest_parked_seconds", {"stage": "apply"})
    assert oldest is not None
    assert oldest >= 3700


def test_a_missing_or_bad_first_parked_header_reads_as_never_parked() -> None:
    assert first_parked_ms({}) is None
    assert first_parked_ms({"ctax-first-parked-ms": b"soon"}) is None
    assert first_parked_ms({"ctax-first-parked-ms": b"1700000000000"}) == 1_700_000_000_000
