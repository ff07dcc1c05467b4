"""The cyclic garbage collector tuned for long-running services that allocate many short-lived objects.

The worker builds and drops tens of thousands of small objects per batch (decoded records, models, rows) and
holds a large, long-lived heap (Faust, aiokafka, SQLAlchemy, pydantic, our schemas). With CPython's default
thresholds (a young collection every 700 allocations, and older generations every 10 of those) the collector
keeps walking that heap: measured on the fused pipeline with PostgreSQL, it was about a third of the CPU the
pipeline spent per notification. Freezing what start-up built moves it out of the collector's sight for good,
and a larger first threshold lets most batches' garbage die by reference counting before any collection.
Reference counting frees almost everything anyway; cycles are still collected, only less often.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 50_000  # allocations between young collections (CPython's default: 700)
MIDDLE_THRESHOLD = 20  # young collections between middle-generation ones (default: 10)
OLD_THRESHOLD = 100  # middle collections between full ones (default: 10)


def tune_for_service() -> None:
    """Freeze the start-up heap and raise the collection thresholds; call once, after start-up."""
    gc.collect()  # what start-up left as garbage goes now, not frozen with the rest
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, OLD_THRESHOLD)


# The batch worker: collections between batches, and this many allocations before one comes in the middle of one.
BATCH_SAFETY_THRESHOLD = 250_000
BETWEEN_BATCHES_MINIMUM = 10_000  # objects left since the last collection (net of those freed) worth one


def tune_for_batches() -> None:
    """:func:`tune_for_service` for a process that calls :func:`collect_between_batches` after each batch.

    A young collection that comes in the middle of a batch finds the batch's objects alive (decoded records,
    models, rows: tens of thousands), walks them all and moves them to an older generation, only for reference
    counting to free them when the batch ends. Measured on the fused pipeline (500 a batch): each such collection
    took about 20 ms, one every two batches, about 5% of the pipeline's CPU. Collected between batches, the
    young generation holds only what outlived the batch, and a collection takes about half a millisecond.
    The automatic collector stays on, at a threshold no batch of the usual size reaches: for idle time, and for
    a batch far larger than usual.
    """
    tune_for_service()
    gc.set_threshold(BATCH_SAFETY_THRESHOLD, MIDDLE_THRESHOLD, OLD_THRESHOLD)


def collect_between_batches() -> int | None:
    """Collect now, between batches, once enough has outlived the batches since the last collection: the young
    generation, or an older one when its turn has come as CPython would give it (every ``MIDDLE_THRESHOLD`` young
    collections the middle one, every ``OLD_THRESHOLD`` of those the whole heap).

    Small batches (a quiet hour: a notification or two each) leave little behind and are not followed by a
    collection each. Returns the generation collected, or None.
    """
    young, young_collections, middle_collections = gc.get_count()
    if young < BETWEEN_BATCHES_MINIMUM:
        return None
    generation = 0
    if young_collections >= MIDDLE_THRESHOLD:
        generation = 2 if middle_collections >= OLD_THRESHOLD else 1
    gc.collect(generation)
    return generation
