"""The services' collector settings: the start-up heap frozen, thresholds raised, the batch worker collecting between
its batches (no timing asserted)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from ctax.running.garbage_collection import (
    BATCH_SAFETY_THRESHOLD,
    BETWEEN_BATCHES_MINIMUM,
    MIDDLE_THRESHOLD,
    OLD_THRESHOLD,
    YOUNG_THRESHOLD,
    collect_between_batches,
    tune_for_batches,
    tune_for_service,
)


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


@pytest.fixture
def collections_seen() -> Iterator[list[int]]:
    """The generation of every collection the collector makes while the test runs."""
    seen: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(note)
    try:
        yield seen
    finally:
        gc.callbacks.remove(note)


@pytest.mark.usefixtures("restored_collector")
def test_a_batch_of_the_usual_size_is_not_interrupted_by_a_collection(collections_seen: list[int]) -> None:
    tune_for_batches()
    collections_seen.clear()
    batch = [[index] for index in range(BATCH_SAFETY_THRESHOLD // 2)]  # alive until the batch ends, as its records
    assert collections_seen == []
    del batch
    assert gc.get_count()[0] < BETWEEN_BATCHES_MINIMUM  # freed by reference counting: nothing worth collecting


@pytest.mark.usefixtures("restored_collector")
def test_what_outlives_the_batches_is_collected_between_them(collections_seen: list[int]) -> None:
    tune_for_batches()
    assert collect_between_batches() is None  # nothing left over yet: no collection
    leftovers = []
    for _ in range(BETWEEN_BATCHES_MINIMUM):
        cycle: list[object] = []
        cycle.append(cycle)
        leftovers.append(cycle)
    del leftovers, cycle  # cycles: reference counting cannot free them
    collections_seen.clear()
    assert collect_between_batches() == 0
    assert collections_seen == [0]
    assert gc.get_count()[0] < BETWEEN_BATCHES_MINIMUM


@pytest.mark.usefixtures("restored_collector")
def test_older_generations_get_their_turn_as_cpython_would_give_it(monkeypatch: pytest.MonkeyPatch) -> None:
    tune_for_batches()
    counts = [BETWEEN_BATCHES_MINIMUM, 0, 0]
    collected: list[int] = []
    monkeypatch.setattr(gc, "get_count", lambda: tuple(counts))

    def collect(generation: int = 2) -> int:
        collected.append(generation)
        return 0

    monkeypatch.setattr(gc, "collect", collect)
    assert collect_between_batches() == 0
    counts[1] = MIDDLE_THRESHOLD
    assert collect_between_batches() == 1
    counts[2] = OLD_THRESHOLD
    assert collect_between_batches() == 2
    assert collected == [0, 1, 2]
