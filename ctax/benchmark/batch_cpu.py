"""The fused pipeline's own cost per notification, without Kafka: a quick, steady figure for tuning the worker.

``python -m ctax.benchmark.batch_cpu --count 10000 [--postgres-url URL] [--profile FILE]`` seeds a fresh
revenues database as ``ctax bench`` does, encodes the workload as the intake would, and runs
:func:`processors.pipeline.fused.process_batch` over it in batches of the worker's size, in this process. It
prints one JSON line: this process's CPU per 1,000 notifications (what the worker's Python spends on a batch:
decode, validate, assess, apply, report, but not Faust or the producer), the wall time per 1,000 (which adds
the database's round trips), and the database server's CPU per 1,000 when it is on this machine. With
``--profile`` it writes a cProfile of the run (``python -m pstats FILE``) for finding where the time goes.

It is a tool for tuning, not the benchmark: ``ctax bench`` measures the whole worker on a real broker.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from adapters.sql.revenues import SqlRevenuesSystem
from ctax.benchmark.bench_database import BenchDatabase, seed_template
from ctax.benchmark.process_probe import SupportCpu
from ctax.benchmark.scenario import Workload, seed_workload
from ctax.running.components import council_rules, stage_context
from ctax.running.garbage_collection import collect_between_batches, tune_for_batches
from ctax.settings import Settings
from processors.pipeline.context import SourceRecord, StageContext
from processors.pipeline.fused import BatchOptions, process_batch
from schemas.codec import shared_codec
from schemas.topics import SUBMITTED


def measure(count: int, postgres_url: str | None, batch_size: int, profile: Path | None) -> dict[str, Any]:
    settings = Settings()
    with tempfile.TemporaryDirectory() as workdir:
        database = BenchDatabase(Path(workdir), postgres_url)
        holder: list[Workload] = []
        seed_template(database.template_url(), lambda revenues: holder.append(
            seed_workload(revenues, council_rules(settings), count)))
        url = database.fresh("batch")
        revenues = SqlRevenuesSystem.from_url(url)
        support = SupportCpu(None, make_url(url).database if postgres_url else None)
        try:
            return _run(settings, revenues, holder[0], batch_size, profile, support, database.kind)
        finally:
            revenues.dispose()
            database.drop_all()


def _run(settings: Settings, revenues: SqlRevenuesSystem, workload: Workload, batch_size: int,
         profile: Path | None, support: SupportCpu, kind: str) -> dict[str, Any]:
    ctx = stage_context(settings, revenues)
    codec = shared_codec()
    now = datetime.now(UTC)
    records = [SourceRecord(SUBMITTED.name, n.notification_id.encode(),
                            codec.encode(n.model_copy(update={"submitted_at": now})), 0, offset)
               for offset, n in enumerate(workload.notifications)]
    options = BatchOptions(publish_assessed=settings.publish_assessed)
    process_batch(ctx, records[:batch_size], options)  # warm: caches, prepared statements, first connections
    thresholds = gc.get_threshold()
    tune_for_batches()  # the worker's own collector settings (ctax/running/garbage_collection.py)
    try:
        return _measured(ctx, records[batch_size:], batch_size, options, profile, support, kind)
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def _measured(ctx: StageContext, measured: list[SourceRecord], batch_size: int, options: BatchOptions,
              profile: Path | None, support: SupportCpu, kind: str) -> dict[str, Any]:
    profiler = cProfile.Profile() if profile else None
    cpu, wall = time.process_time(), time.perf_counter()
    before = support.sample()
    if profiler:
        profiler.enable()
    outputs = 0
    for start in range(0, len(measured), batch_size):
        outputs += len(process_batch(ctx, measured[start:start + batch_size], options))
        collect_between_batches()  # as the worker's agent does after each batch
    if profiler:
        profiler.disable()
        profiler.dump_stats(str(profile))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    database_cpu = SupportCpu.spent(before, support.sample())["database"]
    per_1k = 1000 / max(len(measured), 1)
    return {"database": kind, "notifications": len(measured), "batch_size": batch_size, "outputs": outputs,
            "cpu_s_per_1k": round(cpu * per_1k, 3), "wall_s_per_1k": round(wall * per_1k, 3),
            "database_cpu_s_per_1k": None if database_cpu is None else round(database_cpu * per_1k, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--postgres-url", default=None, help="PostgreSQL server (default: SQLite files)")
    parser.add_argument("--batch-size", type=int, default=Settings.model_fields["batch_size"].default)
    parser.add_argument("--profile", type=Path, default=None, help="write a cProfile of the measured run here")
    args = parser.parse_args()
    print(json.dumps(measure(args.count, args.postgres_url, args.batch_size, args.profile)))  # noqa: T201


if __name__ == "__main__":
    main()
