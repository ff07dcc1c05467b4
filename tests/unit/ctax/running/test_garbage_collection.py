"""The services' collector settings: the start-up heap frozen, thresholds raised (no timing asserted)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from ctax.running.garbage_collection import YOUNG_THRESHOLD, tune_for_service


@pytest.fixture
def restored_collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


@pytest.mark.usefixtures("restored_collector")
def test_tuning_freezes_the_start_up_heap_and_raises_the_young_threshold() -> None:
    kept = [object() for _ in range(10)]
    tune_for_service()
    assert gc.get_freeze_count() >= len(kept)
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD


@pytest.mark.usefixtures("restored_collector")
def test_cycles_made_after_tuning_are_still_collected() -> None:
    tune_for_service()
    cycle: list[object] = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1
