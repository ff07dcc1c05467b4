"""The sample workload (every kind of change, house sales in either order) ends as each scenario should.

This is the straight-through check on realistic traffic without Kafka: the same workload the benchmark and the
crash tests use, through both pipeline shapes and the real SQL adapter on SQLite, in shuffled batches.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.sql.revenues import SqlRevenuesSystem
from ctax.benchmark.scenario import seed_workload
from processors.cost_model_file import load_cost_model
from processors.pipeline.context import SourceRecord, StageContext
from processors.pipeline.fused import BatchOptions, process_batch
from processors.pipeline.staged import apply_assessed, assess_validated, validate_submitted
from processors.rules.council import CouncilRules
from schemas.codec import shared_codec
from schemas.events import NotificationStatus
from schemas.topics import ASSESSED, STATUS, SUBMITTED, VALIDATED

KEEP_ASSESSED = BatchOptions(publish_assessed=True)

YEAR = datetime.now(UTC).year
RULES = CouncilRules(council_code="E99999999",
                     band_d_pence={year: 200000 + 5000 * (year - 2020) for year in range(YEAR - 3, YEAR + 3)})


@pytest.fixture
def revenues(tmp_path: Path) -> Iterator[SqlRevenuesSystem]:
    system = SqlRevenuesSystem.from_url(f"sqlite:///{tmp_path}/revenues.db")
    system.create_schema()
    yield system
    system.dispose()


def _finals(outputs: list[tuple[str, bytes]]) -> dict[str, NotificationStatus]:
    statuses = [shared_codec().decode(value, NotificationStatus) for topic, value in outputs if topic == STATUS.name]
    return {s.notification_id: s for s in statuses if s.status.is_final}


def _staged(ctx: StageContext, values: list[bytes]) -> list[tuple[str, bytes]]:
    """One notification through every stage before the next (the staged shape's stages do not re-check a
    change whose accounts another notification changed after its validation: see processors/app.py)."""
    handlers = {SUBMITTED.name: validate_submitted, VALIDATED.name: assess_validated, ASSESSED.name: apply_assessed}
    published: list[tuple[str, bytes]] = []
    for submitted in values:
        queue = [(SUBMITTED.name, submitted)]
        while queue:
            topic, value = queue.pop(0)
            published.append((topic, value))
            handler = handlers.get(topic)
            if handler is not None:
                queue.extend((o.topic, o.value) for o in handler(ctx, [SourceRecord(topic, b"k", value)]))
    return published


@pytest.mark.parametrize("shape", ["fused", "staged"])
def test_every_scenario_ends_as_it_should(revenues: SqlRevenuesSystem, shape: str) -> None:
    workload = seed_workload(revenues, RULES, 600, seed=5)
    ctx = StageContext(revenues=revenues, rules=RULES, cost_model=load_cost_model())
    values = [shared_codec().encode(n) for n in workload.notifications]
    random.Random(3).shuffle(values)  # residents tell us in any order, chains included
    outputs: list[tuple[str, bytes]] = []
    if shape == "fused":
        for start in range(0, len(values), 50):
            batch = [SourceRecord(SUBMITTED.name, b"k", v) for v in values[start:start + 50]]
            outputs.extend((o.topic, o.value) for o in process_batch(ctx, batch, KEEP_ASSESSED))
    else:
        outputs = _staged(ctx, values)
    finals = _finals(outputs)
    assert set(finals) == set(workload.expected)
    wrong = Counter((workload.expected[nid], s.status.value, tuple(r.code for r in s.reasons))
                    for nid, s in finals.items() if s.status.value != workload.expected[nid])
    assert not wrong, wrong
    kinds = Counter(n.kind.value for n in workload.notifications)
    assert len(kinds) == 8, kinds  # every kind of change is in the workload
