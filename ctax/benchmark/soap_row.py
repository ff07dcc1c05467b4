"""The bench row for our pipeline over SOAP: one worker draining a backlog into the simulated back office,
whose service answers each call in a set time (``--latency-ms``, with its +-50% jitter).

Run with the rest of ``ctax bench`` (``--soap-latency-ms``, 0 leaves the row out), or on its own:
``python -m ctax.benchmark.soap_row --count 3000 --latency-ms 100``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from adapters.revenues_port import ExistingAccount, RegisterProperty
from ctax.benchmark.measurements import (
    Processes,
    await_arrivals,
    child_env,
    drain_figures,
    metric_identity,
    produce_backlog,
    worker_command,
)
from ctax.benchmark.scenario import seed_workload
from ctax.kafka_admin.topic_setup import ensure_topics
from ctax.local_kafka import LocalKafka
from ctax.running.components import council_rules
from ctax.seeding.back_office_register import seed_back_office
from ctax.settings import Settings
from legacy.database import create_schema
from schemas.topics import METRICS, SUBMITTED

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SoapRow:
    count: int = 3000
    latency_ms: float = 100.0
    calls_in_flight: int = Settings.model_fields["soap_calls_in_flight"].default  # the worker's own default
    partitions: int = 4
    batch_size: int = 500
    timeout_seconds: float = 900.0

    @property
    def name(self) -> str:
        return f"ours over SOAP, {self.latency_ms:g} ms a call, 1 worker"


@dataclass(frozen=True)
class _Seeder:
    database: Path

    def load_register(self, properties: list[RegisterProperty], accounts: list[ExistingAccount]) -> None:
        seed_back_office(self.database, properties, accounts)


@contextmanager
def soap_back_office(folder: Path, latency_ms: float) -> Iterator[tuple[Path, str]]:
    """``ctax legacy serve --style soap`` with its own database: (database, service address)."""
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "back-office.db"
    database.unlink(missing_ok=True)  # each run seeds a back office of its own: a rerun must not meet the last one's
    create_schema(database)
    with (folder / "back-office.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "ctax", "legacy", "serve", "--style", "soap", "--database", str(database),
             "--port", "0", "--latency-ms", str(latency_ms)], stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        assert process.stdout is not None
        announced = process.stdout.readline().split()
        if len(announced) < 2:
            raise RuntimeError(f"the simulated back office did not start (exit {process.poll()})")
        yield database, announced[1]
    finally:
        process.terminate()
        process.wait(timeout=30)


def drain_over_soap(row: SoapRow, bootstrap: str, workdir: Path, prefix: str, progress: Progress) -> dict[str, Any]:
    """Seed a back office, pre-load ``row.count`` notifications, and time one worker draining them over SOAP."""
    asyncio.run(ensure_topics(bootstrap, row.partitions, prefix=prefix))
    rules = council_rules(Settings(_env_file=None))
    with soap_back_office(workdir / "soap-back-office", row.latency_ms) as (database, address):
        progress(f"[soap] seeding the back office for {row.count:,} notifications")
        workload = seed_workload(cast(Any, _Seeder(database)), rules, row.count)
        asyncio.run(produce_backlog(bootstrap, f"{prefix}{SUBMITTED.name}", workload.notifications[:row.count],
                                    lambda m: progress(f"[soap] {m}")))
        env = child_env(CTAX_KAFKA_BOOTSTRAP=bootstrap, CTAX_TOPIC_PREFIX=prefix, CTAX_PIPELINE="fused",
                        CTAX_PARTITIONS=str(row.partitions), CTAX_BATCH_SIZE=str(row.batch_size),
                        CTAX_REVENUES_ADAPTER="soap", CTAX_SOAP_URL=address,
                        CTAX_SOAP_CALLS_IN_FLIGHT=str(row.calls_in_flight))
        procs = Processes([worker_command()], env, workdir, "worker-soap")
        cpu_first: list[float] = []

        def tell(message: str) -> None:
            if not cpu_first and not message.startswith("0/"):
                cpu_first.append(procs.snapshot()[0])
            progress(f"[soap] {message}")

        try:
            arrivals = asyncio.run(await_arrivals(bootstrap, f"{prefix}{METRICS.name}", row.count,
                                                  row.timeout_seconds, tell, metric_identity, procs.alive))
            cpu_end, rss = procs.snapshot()
        finally:
            procs.stop()
    if len(arrivals) < row.count:
        raise RuntimeError(f"[soap] only {len(arrivals):,}/{row.count:,} finished; logs in {workdir}")
    return {"name": row.name, "drain": drain_figures(arrivals, (cpu_first or [0.0])[0], cpu_end, rss, 1).as_dict()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=SoapRow.count)
    parser.add_argument("--latency-ms", type=float, default=SoapRow.latency_ms)
    parser.add_argument("--calls-in-flight", type=int, default=SoapRow.calls_in_flight)
    parser.add_argument("--output-dir", type=Path, default=Path("var/bench"))
    args = parser.parse_args(argv)
    row = SoapRow(count=args.count, latency_ms=args.latency_ms, calls_in_flight=args.calls_in_flight)
    workdir = args.output_dir / "soap-row"
    shutil.rmtree(workdir, ignore_errors=True)  # a fresh broker and back office each run, as in `ctax bench`
    workdir.mkdir(parents=True)
    broker = LocalKafka(workdir / "kafka", heap="1g")
    broker.start()
    try:
        result = drain_over_soap(row, broker.bootstrap, workdir, "soap.", lambda m: print(m, file=sys.stderr))  # noqa: T201
    finally:
        broker.stop()
    print(json.dumps(result))  # noqa: T201


if __name__ == "__main__":
    main()
