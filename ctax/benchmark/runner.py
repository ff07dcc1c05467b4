"""Runs every phase of `ctax bench` against one real broker and fresh copies of one seeded database."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from ctax.benchmark.bench_database import BenchDatabase, seed_template
from ctax.benchmark.intake_row import IntakeRow, IntakeTarget, intake_bodies, intake_ratios, measure_intake
from ctax.benchmark.machine import describe_machine
from ctax.benchmark.measurements import (
    Processes,
    await_arrivals,
    child_env,
    drain_figures,
    faust_reference_command,
    latency_figures,
    metric_identity,
    produce_at_rate,
    produce_backlog,
    relay_command,
    relayed_identity,
    worker_command,
)
from ctax.benchmark.process_probe import SupportCpu
from ctax.benchmark.scenario import Workload, seed_workload
from ctax.benchmark.soap_row import SoapRow, drain_over_soap
from ctax.benchmark.stage_profile import StageProfile, split_by_stage
from ctax.kafka_admin.topic_setup import ensure_topics
from ctax.local_kafka import LocalKafka
from ctax.running.components import council_rules
from ctax.settings import Settings
from schemas.codec import shared_codec
from schemas.topics import METRICS, SUBMITTED

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BenchConfig:
    backlog: int = 100_000
    naive_backlog: int = 5_000
    latency_rate: float = 200.0
    latency_seconds: float = 20.0
    postgres_url: str | None = None
    partitions: int = 4
    batch_size: int = Settings.model_fields["batch_size"].default  # the worker's own default (CTAX_BATCH_SIZE)
    scale_workers: int = 2
    intake_seconds: float = 10.0
    intake_concurrency: int = 32
    intake_rounds: int = 1  # alternations of the bare-HTTP and intake loads (ctax/benchmark/intake_row.py)
    soap_latency_ms: float = 100.0  # the SOAP row's per-call latency (0: no SOAP row)
    soap_backlog: int = 3_000
    timeout_seconds: float = 1800.0
    output_dir: Path = field(default_factory=lambda: Path("var/bench"))
    profile: bool = False  # sample the one-worker drain with py-spy for the per-stage CPU split


# Kafka's own default: the group coordinator waits 3 s for the members of a new group before it assigns
# partitions. The tests' broker sets 0 to start faster; here that made the second of two workers started
# together join after the first had its partitions, and the rebalance that followed stopped both a few
# seconds into the two-worker drain.
BENCH_BROKER = {"group.initial.rebalance.delay.ms": "3000"}

CEILING = "transport ceiling (aiokafka relay)"
FAUST_FORWARD = "bare Faust agent, forwarding bytes"
FAUST_DVE = "bare Faust agent, decode-validate-encode"
NAIVE = "naive (staged, one event at a time)"
OURS = "ours (fused, batched), 1 worker"


class Bench:
    def __init__(self, config: BenchConfig, progress: Progress) -> None:
        self.config = config
        self.progress = progress
        self.started = datetime.now(UTC)
        self.workdir = config.output_dir / f"run-{self.started:%Y%m%dT%H%M%S}"
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.broker = LocalKafka(self.workdir / "kafka", heap="1g", extra_properties=BENCH_BROKER)
        self.database = BenchDatabase(self.workdir.resolve(), config.postgres_url)
        self.rules = council_rules(Settings(_env_file=None))
        self.workload: Workload | None = None
        self.phase = 0

    def run(self) -> dict[str, Any]:
        config = self.config
        self.progress("starting Kafka")
        self.broker.start()
        try:
            size = max(config.backlog, config.naive_backlog, int(config.latency_rate * config.latency_seconds) + 50)
            self.progress(f"seeding a register for {size:,} notifications ({self.database.kind})")
            seed_template(self.database.template_url(), self._seed(size))
            rows: list[dict[str, Any]] = []
            rows.append({"name": CEILING, "drain": self._drain_relay(config.backlog).as_dict(),
                         "latency": self._latency_relay().as_dict()})
            rows.append({"name": FAUST_FORWARD, "drain": self._drain_faust("forward", config.backlog).as_dict()})
            rows.append({"name": FAUST_DVE,
                         "drain": self._drain_faust("decode-validate-encode", config.backlog).as_dict()})
            rows.append({"name": NAIVE, "drain": self._drain_pipeline("staged", config.naive_backlog, 1).as_dict(),
                         "latency": self._latency_pipeline("staged").as_dict()})
            rows.append({"name": OURS, "drain": self._drain_pipeline("fused", config.backlog, 1).as_dict(),
                         "latency": self._latency_pipeline("fused").as_dict()})
            split = self._profile_split(config.backlog) if config.profile else None
            if config.scale_workers > 1:
                rows.append({"name": f"ours, {config.scale_workers} workers",
                             "drain": self._drain_pipeline("fused", config.backlog, config.scale_workers).as_dict()})
            if config.soap_latency_ms > 0:
                rows.append(drain_over_soap(SoapRow(config.soap_backlog, config.soap_latency_ms), self.broker.bootstrap,
                                            self.workdir, "soap.", self.progress))
            intake = self._intake()
            return {
                "started_at": self.started.isoformat(timespec="seconds"),
                "machine": describe_machine(self.database.server_version()),
                "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(config).items()
                           if k != "postgres_url"},
                "rows": rows, "intake": intake, "ratios": _ratios(rows, intake),
                **({"worker_cpu_by_stage": split} if split is not None else {}),
                "notes": [
                    "drain n/s: notifications finished (metrics event published after the account change "
                    "committed) per second, from the first to the last to finish; worker start-up excluded",
                    "latency: submitted timestamp to account change committed, applied notifications only",
                    f"the naive baseline drains a smaller backlog ({config.naive_backlog:,}) to keep the run short; "
                    "its rate is steady, so the figure is comparable",
                ],
            }
        finally:
            self.broker.stop()
            left = self.database.drop_all()
            if left:
                self.progress(f"could not drop the benchmark's databases {', '.join(left)}; drop them by hand")

    # -- phases --------------------------------------------------------------------------------------------

    def _seed(self, size: int) -> Callable[[Any], None]:
        def seed(revenues: Any) -> None:
            self.workload = seed_workload(revenues, self.rules, size)
        return seed

    def _prefix(self) -> str:
        self.phase += 1
        prefix = f"b{self.phase}."
        asyncio.run(ensure_topics(self.broker.bootstrap, self.config.partitions, prefix=prefix))
        return prefix

    def _pipeline_env(self, prefix: str, pipeline: str, database_url: str) -> dict[str, str]:
        return child_env(CTAX_KAFKA_BOOTSTRAP=self.broker.bootstrap, CTAX_REVENUES_DATABASE_URL=database_url,
                         CTAX_TOPIC_PREFIX=prefix, CTAX_PIPELINE=pipeline, CTAX_PARTITIONS=str(self.config.partitions),
                         CTAX_BATCH_SIZE=str(self.config.batch_size))

    def _drain_pipeline(self, pipeline: str, count: int, workers: int) -> Any:
        assert self.workload is not None
        prefix = self._prefix()
        database_url = self.database.fresh(f"p{self.phase}")
        label = f"{pipeline} x{workers}"
        asyncio.run(produce_backlog(self.broker.bootstrap, f"{prefix}{SUBMITTED.name}",
                                    self.workload.notifications[:count], self._tagged(label)))
        procs = Processes([worker_command()] * workers, self._pipeline_env(prefix, pipeline, database_url),
                          self.workdir, f"worker-{self.phase}")
        return self._drain(prefix, METRICS.name, count, procs, label, metric_identity, database_url)

    def _profile_split(self, count: int) -> dict[str, float]:
        """Drain the backlog again with one worker under py-spy: the share of its busy CPU in each stage."""
        assert self.workload is not None
        prefix = self._prefix()
        database_url = self.database.fresh(f"p{self.phase}")
        asyncio.run(produce_backlog(self.broker.bootstrap, f"{prefix}{SUBMITTED.name}",
                                    self.workload.notifications[:count], self._tagged("profile")))
        procs = Processes([worker_command()], self._pipeline_env(prefix, "fused", database_url), self.workdir,
                          f"worker-{self.phase}")
        profiles: list[StageProfile] = []

        def start_profile() -> None:  # at the first finished notification: start-up is not the steady state
            profiles.append(StageProfile(procs.pids()[0], self.workdir / f"profile-{self.phase}.txt"))

        try:
            self._await(prefix, METRICS.name, count, procs, "fused x1, profiled", metric_identity, start_profile)
        finally:
            split = profiles[0].stop() if profiles else split_by_stage([])  # drained before it could start
            procs.stop()
        return split

    def _drain_faust(self, mode: str, count: int) -> Any:
        """A bare Faust agent (the worker's Faust settings) copying the backlog to another topic."""
        assert self.workload is not None
        prefix = self._prefix()
        source, target = f"{prefix}{SUBMITTED.name}", f"{prefix}relayed"
        asyncio.run(produce_backlog(self.broker.bootstrap, source, self.workload.notifications[:count],
                                    self._tagged(f"faust {mode}")))
        command = faust_reference_command(mode, self.broker.bootstrap, source, target, f"{prefix}reference",
                                          self.config.partitions)
        procs = Processes([command], child_env(), self.workdir, f"faust-{self.phase}")
        return self._drain("", target, count, procs, f"faust {mode}", relayed_identity)

    def _drain_relay(self, count: int) -> Any:
        assert self.workload is not None
        prefix = self._prefix()
        source, target = f"{prefix}{SUBMITTED.name}", f"{prefix}relayed"
        asyncio.run(produce_backlog(self.broker.bootstrap, source, self.workload.notifications[:count],
                                    self._tagged("relay")))
        procs = Processes([relay_command(self.broker.bootstrap, source, target, f"{prefix}relay")],
                          child_env(), self.workdir, f"relay-{self.phase}")
        return self._drain("", target, count, procs, "relay", relayed_identity)

    def _await(self, prefix: str, topic: str, count: int, procs: Processes, label: str,
               identify: Callable[[Any], tuple[str, float | None]],
               on_first: Callable[[], None] | None = None) -> tuple[dict[str, Any], float]:
        cpu_at_first: list[float] = []

        def progress(message: str) -> None:
            if not cpu_at_first and not message.startswith("0/"):
                cpu_at_first.append(procs.snapshot()[0])
                if on_first is not None:
                    on_first()
            self.progress(f"[{label}] {message}")

        arrivals = asyncio.run(await_arrivals(self.broker.bootstrap, f"{prefix}{topic}", count,
                                              self.config.timeout_seconds, progress, identify, procs.alive))
        if len(arrivals) < count:
            raise RuntimeError(f"[{label}] only {len(arrivals):,}/{count:,} finished; logs in {self.workdir}")
        return arrivals, (cpu_at_first or [0.0])[0]

    def _drain(self, prefix: str, topic: str, count: int, procs: Processes, label: str,
               identify: Callable[[Any], tuple[str, float | None]], database_url: str | None = None) -> Any:
        """Wait for the drain, then its figures, with the broker's and the database's CPU over the same stretch."""
        support = SupportCpu(self.broker.pid, _database_name(database_url))
        first: list[dict[str, dict[int, float]]] = []
        try:
            arrivals, cpu_first = self._await(prefix, topic, count, procs, label, identify,
                                              lambda: first.append(support.sample()))
            cpu_end, rss = procs.snapshot()
            spent = SupportCpu.spent(first[0] if first else {}, support.sample())
        finally:
            procs.stop()
        return drain_figures(arrivals, cpu_first, cpu_end, rss, len(procs.pids()), spent)

    def _latency_pipeline(self, pipeline: str) -> Any:
        assert self.workload is not None
        prefix = self._prefix()
        database_url = self.database.fresh(f"p{self.phase}")
        procs = Processes([worker_command()], self._pipeline_env(prefix, pipeline, database_url), self.workdir,
                          f"worker-{self.phase}")
        codec = shared_codec()
        topic = f"{prefix}{SUBMITTED.name}"
        notifications = self.workload.notifications
        measured = int(self.config.latency_rate * self.config.latency_seconds)
        try:
            self._warm_up(topic, prefix, notifications[:20], procs, pipeline)
            cpu_before = procs.snapshot()[0]
            chosen = notifications[20:20 + measured]
            values = [(n.notification_id.encode(), _stamp(codec, n)) for n in chosen]
            self.progress(f"[{pipeline}] offering {self.config.latency_rate:g}/s for {self.config.latency_seconds:g} s")
            asyncio.run(produce_at_rate(self.broker.bootstrap, topic, values, self.config.latency_rate))
            arrivals = asyncio.run(await_arrivals(self.broker.bootstrap, f"{prefix}{METRICS.name}", measured + 20,
                                                  120, lambda m: self.progress(f"[{pipeline} latency] {m}"),
                                                  metric_identity, procs.alive))
            cpu_after, rss = procs.snapshot()
        finally:
            procs.stop()
        wanted = {n.notification_id for n in chosen}
        latencies = [lat for nid, (_, lat) in arrivals.items() if nid in wanted and lat is not None]
        finished = sum(1 for nid in arrivals if nid in wanted)
        return latency_figures(latencies, self.config.latency_rate, cpu_after - cpu_before, measured, rss, finished)

    def _latency_relay(self) -> Any:
        assert self.workload is not None
        prefix = self._prefix()
        source, target = f"{prefix}{SUBMITTED.name}", f"{prefix}relayed"
        procs = Processes([relay_command(self.broker.bootstrap, source, target, f"{prefix}relay")],
                          child_env(), self.workdir, f"relay-{self.phase}")
        codec = shared_codec()
        measured = int(self.config.latency_rate * self.config.latency_seconds)
        try:
            time.sleep(3)  # let the relay join its group
            cpu_before = procs.snapshot()[0]
            chosen = self.workload.notifications[20:20 + measured]
            values = [(n.notification_id.encode(), _stamp(codec, n)) for n in chosen]
            arrivals = asyncio.run(_produce_while_reading(
                produce_at_rate(self.broker.bootstrap, source, values, self.config.latency_rate),
                await_arrivals(self.broker.bootstrap, target, measured, 60,
                               lambda m: self.progress(f"[relay latency] {m}"), relayed_identity, procs.alive)))
            cpu_after, rss = procs.snapshot()
        finally:
            procs.stop()
        latencies = [lat for _, lat in arrivals.values() if lat is not None]
        return latency_figures(latencies, self.config.latency_rate, cpu_after - cpu_before, measured, rss,
                               len(arrivals))

    def _warm_up(self, topic: str, prefix: str, notifications: list[Any], procs: Processes, label: str) -> None:
        codec = shared_codec()
        values = [(n.notification_id.encode(), _stamp(codec, n)) for n in notifications]
        asyncio.run(produce_at_rate(self.broker.bootstrap, topic, values, 50))
        asyncio.run(await_arrivals(self.broker.bootstrap, f"{prefix}{METRICS.name}", len(values), 120,
                                   lambda m: self.progress(f"[{label} warm-up] {m}"), metric_identity, procs.alive))

    def _intake(self) -> dict[str, Any]:
        assert self.workload is not None
        prefix = self._prefix()
        row = IntakeRow(self.config.intake_seconds, self.config.intake_concurrency, self.config.partitions,
                        self.config.intake_rounds)
        target = IntakeTarget(self.broker.bootstrap, prefix, self.database.fresh(f"p{self.phase}"), self.workdir)
        return measure_intake(row, target, intake_bodies(self.workload.notifications), self.progress)

    def _tagged(self, label: str) -> Progress:
        return lambda message: self.progress(f"[{label}] {message}")


async def _produce_while_reading(producing: Coroutine[Any, Any, None],
                                 reading: Coroutine[Any, Any, dict[str, Any]]) -> dict[str, Any]:
    # The relay's latency is measured when a record is read, so reading must run alongside producing.
    results = await asyncio.gather(producing, reading)
    arrivals: dict[str, Any] = results[1]
    return arrivals


def _database_name(url: str | None) -> str | None:
    """The PostgreSQL database a phase uses (None for SQLite, which runs inside the worker)."""
    return make_url(url).database if url and url.startswith("postgresql") else None


def _stamp(codec: Any, notification: Any) -> Callable[[], bytes]:
    return lambda: codec.encode(notification.model_copy(update={"submitted_at": datetime.now(UTC)}))


def _ratios(rows: list[dict[str, Any]], intake: dict[str, Any] | None = None) -> dict[str, str]:
    """Ours against each reference measured in the same run (ratios travel between machines; rates do not)."""
    drains = {row["name"]: row.get("drain") for row in rows}
    ours = drains.get(OURS)
    ratios: dict[str, str] = {}
    if not ours:
        return ratios
    for name, label in ((NAIVE, "naive"), (FAUST_FORWARD, "bare Faust forwarding"),
                        (FAUST_DVE, "bare Faust decode-validate-encode")):
        other = drains.get(name)
        if other:
            ratios[f"ours / {label}"] = f"{ours['per_second'] / other['per_second']:.2f}x"
    forward = drains.get(FAUST_FORWARD)
    if forward and forward["cpu_seconds_per_1000"] > 0:
        ratios["ours CPU per notification / bare Faust forwarding CPU per event"] = (
            f"{ours['cpu_seconds_per_1000'] / forward['cpu_seconds_per_1000']:.2f}x")
    ceiling = drains.get(CEILING)
    if ceiling:
        ratios["ours / transport ceiling"] = f"{ours['per_second'] / ceiling['per_second'] * 100:.0f}%"
    latencies = {row["name"]: row.get("latency") or {} for row in rows}
    ours_p99, ceiling_p99 = latencies.get(OURS, {}).get("p99_ms"), latencies.get(CEILING, {}).get("p99_ms")
    if ours_p99 and ceiling_p99:
        ratios["ours p99 / transport ceiling p99"] = f"{ours_p99 / ceiling_p99:.1f}x"
    scaled = [row for row in rows if row["name"].startswith("ours, ")]
    if scaled:
        ratios["scale-out speed-up"] = f"{scaled[0]['drain']['per_second'] / ours['per_second']:.2f}x"
    ratios.update(intake_ratios(intake))
    return ratios


def run_bench(config: BenchConfig, progress: Progress) -> dict[str, Any]:
    return Bench(config, progress).run()
