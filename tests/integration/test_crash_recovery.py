"""Kill the worker with SIGKILL (and stop it with SIGTERM) again and again while thousands of notifications
flow: every valid one must end up applied exactly once, every invalid one rejected, nothing lost."""

from __future__ import annotations

import random
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.load_harness import produce_in_background, seed_and_build, settle_and_check
from tests.integration.running_stack import RunningStack
from tests.postgres_fixtures import fresh_database

NOTIFICATIONS = 2000
KILLS = 10


@pytest.fixture
def stack(kafka_bootstrap: str, tmp_path: Path) -> Iterator[RunningStack]:
    for url in fresh_database():
        running = RunningStack(kafka_bootstrap, url, tmp_path)
        try:
            running.start()
            yield running
        finally:
            running.stop()


def test_a_worker_killed_at_random_moments_applies_everything_exactly_once(stack: RunningStack) -> None:
    assert stack.revenues is not None
    batch = seed_and_build(stack.revenues, NOTIFICATIONS)
    producing = produce_in_background(stack.bootstrap, stack.prefix, batch, per_second=150)
    rng = random.Random(20261129)
    kills = {"SIGKILL": 0, "SIGTERM": 0}
    for round_number in range(KILLS + 4):
        time.sleep(rng.uniform(1.0, 4.0))
        sig = signal.SIGTERM if round_number % 4 == 3 else signal.SIGKILL
        stack.stop_worker(sig)
        kills[sig.name] += 1
        stack.start_worker()
    producing.join()
    settle_and_check(stack.bootstrap, stack.prefix, stack.revenues, batch, f"crash test (kills {kills})",
                     lambda: stack.log_tail("worker"))
    assert kills["SIGKILL"] >= KILLS
