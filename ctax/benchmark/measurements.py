"""The measurements themselves: draining a pre-loaded backlog, and latency at a fixed offered load, for a
worker process (the pipeline) or the relay process (the transport ceiling)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from ctax.benchmark.process_probe import ProcessUsage, usage
from schemas.codec import shared_codec
from schemas.events import NotificationMetric
from schemas.notification import ChangeNotification

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Drain:
    notifications: int
    seconds: float
    per_second: float
    cpu_seconds_per_1000: float
    peak_rss_mb: float
    processes: int
    broker_cpu_seconds_per_1000: float | None = None  # the Kafka broker's CPU over the same stretch
    database_cpu_seconds_per_1000: float | None = None  # the PostgreSQL backends serving the phase's database

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Latency:
    offered_per_second: float
    measured: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    cpu_seconds_per_1000: float
    peak_rss_mb: float
    offered: int   # notifications offered in the measured window
    finished: int  # of those, how many finished (any outcome) before the wait ended

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def percentile(values: Sequence[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


class Processes:
    """Child processes under test, with their CPU and memory sampled while they run."""

    def __init__(self, commands: list[list[str]], env: dict[str, str], log_dir: Path, name: str) -> None:
        self._procs: list[subprocess.Popen[bytes]] = []
        for index, command in enumerate(commands):
            with (log_dir / f"{name}-{index}.log").open("ab") as log:
                self._procs.append(subprocess.Popen(command, env=env, stdout=log, stderr=log))
        self._last: dict[int, ProcessUsage] = {}
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.snapshot()
            self._stop.wait(0.2)

    def snapshot(self) -> tuple[float, float]:
        """(total CPU seconds, total peak RSS MB) of the processes so far."""
        for proc in self._procs:
            if proc.poll() is None:
                with contextlib.suppress(FileNotFoundError, ProcessLookupError, IndexError):
                    self._last[proc.pid] = usage(proc.pid)
        return (sum(u.cpu_seconds for u in self._last.values()),
                sum(u.peak_rss_mb for u in self._last.values()))

    def pids(self) -> list[int]:
        return [proc.pid for proc in self._procs]

    def alive(self) -> bool:
        return all(proc.poll() is None for proc in self._procs)

    def stop(self) -> tuple[float, float]:
        totals = self.snapshot()
        self._stop.set()
        for proc in self._procs:
            proc.send_signal(signal.SIGTERM)
        for proc in self._procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        return totals


def worker_command() -> list[str]:
    return [sys.executable, "-m", "ctax", "worker"]


def relay_command(bootstrap: str, source: str, target: str, group: str) -> list[str]:
    return [sys.executable, "-m", "ctax.benchmark.relay", bootstrap, source, target, group]


def faust_reference_command(mode: str, bootstrap: str, source: str, target: str, app_id: str,
                            partitions: int) -> list[str]:
    return [sys.executable, "-m", "ctax.benchmark.faust_reference", mode, bootstrap, source, target, app_id,
            str(partitions)]


def child_env(**settings: str) -> dict[str, str]:
    return {**os.environ, "CTAX_LOG_LEVEL": "WARNING", "CTAX_WORKER_METRICS_PORT": "0", **settings}


async def produce_backlog(bootstrap: str, topic: str, notifications: Sequence[ChangeNotification],
                          progress: Progress) -> None:
    """Pre-load the topic as fast as Kafka takes it (acks=all), stamping each notification now."""
    codec = shared_codec()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=20,
                                max_batch_size=256 * 1024)
    await producer.start()
    try:
        pending = []
        for index, notification in enumerate(notifications, start=1):
            stamped = notification.model_copy(update={"submitted_at": datetime.now(UTC)})
            pending.append(await producer.send(topic, codec.encode(stamped), key=notification.notification_id.encode()))
            if index % 5000 == 0:
                await asyncio.gather(*pending)
                pending.clear()
                progress(f"pre-loading backlog {index:,}/{len(notifications):,}")
        await asyncio.gather(*pending)
    finally:
        await producer.stop()


async def produce_at_rate(bootstrap: str, topic: str, values: Sequence[tuple[bytes, Callable[[], bytes]]],
                          per_second: float) -> None:
    """Send at a steady rate; each value is built at send time (so it carries its own send timestamp)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=0)
    await producer.start()
    try:
        started = time.monotonic()
        sent = []
        for index, (key, build) in enumerate(values):
            ahead = index / per_second - (time.monotonic() - started)
            if ahead > 0:
                await asyncio.sleep(ahead)
            sent.append(await producer.send(topic, build(), key=key))
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


async def await_arrivals(
    bootstrap: str, topic: str, expected: int, timeout_s: float, progress: Progress,
    identify: Callable[[Any], tuple[str, float | None]], alive: Callable[[], bool],
) -> dict[str, tuple[float, float | None]]:
    """Read ``topic`` until ``expected`` distinct records arrived: id -> (arrival time, latency ms or None)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False, max_poll_records=5000)
    await consumer.start()
    arrivals: dict[str, tuple[float, float | None]] = {}
    deadline = time.monotonic() + timeout_s
    last_report = 0.0
    try:
        while len(arrivals) < expected and time.monotonic() < deadline and alive():
            batches = await consumer.getmany(timeout_ms=200, max_records=5000)
            now = time.monotonic()
            for records in batches.values():
                for record in records:
                    key, latency = identify(record)
                    arrivals.setdefault(key, (now, latency))
            if now - last_report > 1:
                progress(f"{len(arrivals):,}/{expected:,} done")
                last_report = now
    finally:
        await consumer.stop()
    return arrivals


def metric_identity(record: Any) -> tuple[str, float | None]:
    metric = shared_codec().decode(record.value, NotificationMetric)
    applied = metric.outcome.value == "applied"
    return metric.notification_id, metric.end_to_end_ms if applied else None


def relayed_identity(record: Any) -> tuple[str, float | None]:
    # The relay keeps the key (the notification id) and the original send timestamp.
    return bytes(record.key).decode(), time.time() * 1000 - record.timestamp


def drain_figures(arrivals: dict[str, tuple[float, float | None]], cpu_at_first: float, cpu_at_end: float,
                  peak_rss: float, processes: int, support: dict[str, float | None] | None = None) -> Drain:
    times = sorted(arrival for arrival, _ in arrivals.values())
    seconds = max(times[-1] - times[0], 1e-9) if len(times) > 1 else float("nan")
    count = len(times)

    def per_1000(cpu: float | None) -> float | None:
        return None if cpu is None else round(cpu / max(count, 1) * 1000, 3)

    support = support or {}
    return Drain(count, round(seconds, 2), round((count - 1) / seconds, 1),
                 round((cpu_at_end - cpu_at_first) / max(count, 1) * 1000, 3), round(peak_rss, 1), processes,
                 per_1000(support.get("broker")), per_1000(support.get("database")))


def latency_figures(latencies: list[float], offered: float, cpu: float, measured: int, peak_rss: float,
                    finished: int) -> Latency:
    return Latency(offered, len(latencies), round(percentile(latencies, 50), 1), round(percentile(latencies, 95), 1),
                   round(percentile(latencies, 99), 1), round(max(latencies, default=float("nan")), 1),
                   round(cpu / max(measured, 1) * 1000, 3), round(peak_rss, 1),
                   offered=measured, finished=finished)
