"""The bench's HTTP rows: the web app's bare ``/healthz`` and its intake, under the same load generator.

``ctax web`` (SQLite web store, rate limit off, the bench's broker) answers a separate load-generator process
(ctax/benchmark/http_load.py): first GET /healthz (the bare-HTTP reference), then POST /api/v1/notifications
with real bodies, each with its own Idempotency-Key. Run with the rest of ``ctax bench``, or on its own in about
half a minute (a broker and a small SQLite register of its own): ``ctax bench --only intake``.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from ctax.benchmark.bench_database import BenchDatabase, seed_template
from ctax.benchmark.machine import describe_machine
from ctax.benchmark.measurements import Processes, child_env, percentile
from ctax.benchmark.scenario import Workload, seed_workload
from ctax.kafka_admin.topic_setup import ensure_topics
from ctax.local_kafka import LocalKafka, free_port
from ctax.running.components import council_rules
from ctax.settings import Settings
from schemas.notification import ChangeNotification

Progress = Callable[[str], None]
BODIES = 2000  # distinct bodies the load generator cycles through


@dataclass(frozen=True)
class IntakeRow:
    seconds: float = 10.0  # of each load in all
    concurrency: int = 32
    partitions: int = 4
    # Alternations of the two loads (bare, intake, bare, intake, ...), each seconds/rounds long, so that load from
    # elsewhere on a shared machine falls on both rows alike; their figures are pooled.
    rounds: int = 1


@dataclass(frozen=True)
class IntakeTarget:
    """Where the web app under test gets its broker and databases."""

    bootstrap: str
    prefix: str
    revenues_database_url: str
    workdir: Path


def intake_bodies(notifications: Sequence[ChangeNotification]) -> list[dict[str, Any]]:
    """The API's request bodies for these notifications (what a caller sends: contact and change)."""
    return [{"contact": n.contact.model_dump(mode="json"), "change": n.change.model_dump(mode="json")}
            for n in notifications[:BODIES]]


def measure_intake(row: IntakeRow, target: IntakeTarget, bodies: list[dict[str, Any]],
                   progress: Progress) -> dict[str, Any]:
    """Start ``ctax web``, load /healthz then the intake from a separate process; the intake's figures with the
    bare-HTTP figures under ``bare_http``."""
    port = free_port()
    env = child_env(CTAX_KAFKA_BOOTSTRAP=target.bootstrap, CTAX_TOPIC_PREFIX=target.prefix,
                    CTAX_REVENUES_DATABASE_URL=target.revenues_database_url,
                    CTAX_WEB_DATABASE_URL=f"sqlite:///{target.workdir.resolve()}/web-{target.prefix.strip('.')}.db",
                    CTAX_PARTITIONS=str(row.partitions),
                    CTAX_INTAKE_RATE_PER_MINUTE="0")  # one load generator address: measure, do not limit
    web = Processes([[sys.executable, "-m", "ctax", "web", "--port", str(port)]], env, target.workdir, "web")
    bodies_file = target.workdir / "intake-bodies.json"
    bodies_file.write_text(json.dumps(bodies))
    try:
        _wait_until_answering(f"http://127.0.0.1:{port}/healthz", web, target.workdir)
        progress(f"[intake] {row.concurrency} connections for {row.seconds:g} s from a separate process: "
                 f"/healthz, then notifications{f' ({row.rounds} rounds)' if row.rounds > 1 else ''}")
        bare: list[tuple[dict[str, Any], float]] = []
        intake: list[tuple[dict[str, Any], float]] = []
        for _ in range(row.rounds):
            bare.append(_http_load(row, f"http://127.0.0.1:{port}/healthz", "-", web))
            intake.append(_http_load(row, f"http://127.0.0.1:{port}/api/v1/notifications", str(bodies_file), web))
        _, rss = web.snapshot()
    finally:
        web.stop()
    return {**http_figures(*_pooled(intake), concurrency=row.concurrency),
            "bare_http": http_figures(*_pooled(bare), concurrency=row.concurrency), "web_peak_rss_mb": round(rss, 1)}


def http_figures(load: dict[str, Any], web_cpu_seconds: float | None = None, *,
                 concurrency: int) -> dict[str, Any]:
    """The figures of one load-generator run (its JSON line): rate, latency percentiles, status codes, and the
    web process's CPU per 1,000 answered when known."""
    latencies = load["latencies_ms"]
    figures = {"concurrency": concurrency, "seconds": load["seconds"], "codes": load["codes"],
               "accepted_per_second": round(len(latencies) / load["seconds"], 1),
               "p50_ms": round(percentile(latencies, 50), 1), "p95_ms": round(percentile(latencies, 95), 1),
               "p99_ms": round(percentile(latencies, 99), 1), "max_ms": round(max(latencies, default=0.0), 1)}
    if web_cpu_seconds is not None and latencies:
        figures["web_cpu_seconds_per_1000"] = round(web_cpu_seconds / len(latencies) * 1000, 3)
    return figures


def intake_ratios(intake: dict[str, Any] | None) -> dict[str, str]:
    """The intake as a share of the bare-HTTP row measured in the same run."""
    bare = (intake or {}).get("bare_http")
    ratios: dict[str, str] = {}
    if intake and bare and bare["accepted_per_second"] > 0:
        ratios["intake / bare HTTP rate"] = f"{intake['accepted_per_second'] / bare['accepted_per_second']:.2f}x"
        if bare["p99_ms"] > 0:
            ratios["intake p99 / bare HTTP p99"] = f"{intake['p99_ms'] / bare['p99_ms']:.1f}x"
    return ratios


def run_intake_only(row: IntakeRow, output_dir: Path, progress: Progress) -> dict[str, Any]:
    """The HTTP rows alone, on a broker and a small SQLite register of their own: a result ``render_table`` prints."""
    started = datetime.now(UTC)
    workdir = output_dir / f"run-{started:%Y%m%dT%H%M%S}-intake"
    workdir.mkdir(parents=True, exist_ok=True)
    broker = LocalKafka(workdir / "kafka", heap="1g")
    database = BenchDatabase(workdir.resolve(), None)
    progress("starting Kafka")
    broker.start()
    try:
        progress(f"seeding a register for {BODIES:,} notifications (sqlite)")
        rules = council_rules(Settings(_env_file=None))
        workloads: list[Workload] = []
        seed_template(database.template_url(), lambda revenues: workloads.append(seed_workload(revenues, rules,
                                                                                                   BODIES)))
        prefix = "i1."
        asyncio.run(ensure_topics(broker.bootstrap, row.partitions, prefix=prefix))
        target = IntakeTarget(broker.bootstrap, prefix, database.fresh("intake"), workdir)
        intake = measure_intake(row, target, intake_bodies(workloads[0].notifications), progress)
    finally:
        broker.stop()
    return {"started_at": started.isoformat(timespec="seconds"), "machine": describe_machine(database.server_version()),
            "config": {"only": "intake", **asdict(row)}, "rows": [], "intake": intake,
            "ratios": intake_ratios(intake)}


def _http_load(row: IntakeRow, url: str, bodies: str, web: Processes) -> tuple[dict[str, Any], float]:
    """One load-generator run (its JSON line) and the web process's CPU seconds over it."""
    seconds = row.seconds / row.rounds
    cpu_before = web.snapshot()[0]
    out = subprocess.run(
        [sys.executable, "-m", "ctax.benchmark.http_load", url, bodies, str(seconds), str(row.concurrency)],
        capture_output=True, text=True, check=True, timeout=seconds + 120)
    cpu_after = web.snapshot()[0]
    return json.loads(out.stdout.strip().splitlines()[-1]), cpu_after - cpu_before


def _pooled(runs: list[tuple[dict[str, Any], float]]) -> tuple[dict[str, Any], float]:
    """Several load-generator runs as one: their latencies, status codes, seconds and web CPU added up."""
    codes: Counter[str] = Counter()
    for load, _ in runs:
        codes.update(load["codes"])
    return ({"codes": dict(codes), "latencies_ms": [ms for load, _ in runs for ms in load["latencies_ms"]],
             "seconds": sum(load["seconds"] for load, _ in runs)}, sum(cpu for _, cpu in runs))


def _wait_until_answering(url: str, web: Processes, logs: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and web.alive():
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError(f"the web app did not answer {url}; its log is in {logs}")
