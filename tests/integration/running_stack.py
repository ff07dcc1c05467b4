"""The product as users run it: `ctax worker` and `ctax web` as real processes against a real broker."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
from aiokafka import AIOKafkaConsumer

from adapters.sql.revenues import SqlRevenuesSystem
from ctax.kafka_admin.topic_setup import ensure_topics
from schemas.codec import shared_codec
from schemas.events import NotificationMetric
from schemas.topics import METRICS
from tests.builders import COUNCIL, RULES
from tests.postgres_fixtures import fresh_database

FINAL = {"applied", "rejected", "review", "duplicate"}
T = TypeVar("T")


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end in a thread of its own.

    Unlike asyncio.run this works where an event loop is already running, as Playwright's sync API keeps one.
    """
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningStack:
    bootstrap: str
    database_url: str
    workdir: Path
    prefix: str = field(default_factory=lambda: f"t{uuid.uuid4().hex[:8]}.")
    port: int = field(default_factory=free_port)
    worker: subprocess.Popen[bytes] | None = None
    web: subprocess.Popen[bytes] | None = None
    revenues: SqlRevenuesSystem | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self, **overrides: str) -> dict[str, str]:
        return {
            **os.environ,
            "CTAX_KAFKA_BOOTSTRAP": self.bootstrap,
            "CTAX_REVENUES_DATABASE_URL": self.database_url,
            "CTAX_WEB_DATABASE_URL": f"sqlite:///{self.workdir}/web.db",
            "CTAX_TOPIC_PREFIX": self.prefix,
            "CTAX_COUNCIL_CODE": COUNCIL,
            "CTAX_BAND_D_PENCE": json.dumps(dict(RULES.band_d_pence)),
            "CTAX_PARTITIONS": "2",
            "CTAX_LOG_FORMAT": "json",
            "CTAX_WORKER_METRICS_PORT": "0",
            **self.extra_env,
            **overrides,
        }

    def start(self) -> RunningStack:
        run_coroutine(ensure_topics(self.bootstrap, 2, prefix=self.prefix))
        self.revenues = SqlRevenuesSystem.from_url(self.database_url)
        self.revenues.create_schema()
        self.start_worker()
        self.web = self._spawn("web", "web", "--port", str(self.port))
        self._wait_for_web()
        return self

    def _wait_for_web(self) -> None:
        assert self.web is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.web.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"web app did not start:\n{self.log_tail('web')}")

    def start_worker(self) -> None:
        self.worker = self._spawn("worker", "worker")

    def start_web(self, **env: str) -> None:
        """Start only the web app (with extra settings) and wait until it answers."""
        self.web = self._spawn("web", "web", "--port", str(self.port), env=self.env(**env))
        self._wait_for_web()

    def _spawn(self, log_name: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        with (self.workdir / f"{log_name}.log").open("ab") as log:
            return subprocess.Popen([sys.executable, "-m", "ctax", *args], env=env or self.env(), stdout=log,
                                    stderr=log, cwd=self.workdir)

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.workdir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def stop_worker(self, sig: int = signal.SIGTERM) -> None:
        if self.worker is not None and self.worker.poll() is None:
            self.worker.send_signal(sig)
            try:
                self.worker.wait(30)
            except subprocess.TimeoutExpired:
                self.worker.kill()
                self.worker.wait()

    def stop(self) -> None:
        self.stop_worker()
        if self.web is not None and self.web.poll() is None:
            self.web.terminate()
            self.web.wait(30)
        if self.revenues is not None:
            self.revenues.dispose()

    # -- talking to it ---------------------------------------------------------------------------------

    def submit(self, body: dict[str, Any], **headers: str) -> httpx.Response:
        return httpx.post(f"{self.base_url}/api/v1/notifications", json=body, headers=headers, timeout=30)

    def progress(self, notification_id: str) -> dict[str, Any]:
        response = httpx.get(f"{self.base_url}/api/v1/notifications/{notification_id}", timeout=10)
        response.raise_for_status()
        return dict(response.json())

    def wait_final(self, notification_id: str, timeout: float = 60.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.progress(notification_id)
            if found["status"] in FINAL:
                return found
            time.sleep(0.2)
        raise AssertionError(f"{notification_id} not finished in {timeout}s:\n{self.log_tail('worker')}")

    def metrics(self, wanted: set[str], timeout: float = 30.0) -> dict[str, list[NotificationMetric]]:
        return run_coroutine(_read_metrics(self.bootstrap, f"{self.prefix}{METRICS.name}", wanted, timeout))


async def _read_metrics(
    bootstrap: str, topic: str, wanted: set[str], seconds: float
) -> dict[str, list[NotificationMetric]]:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    await consumer.start()
    found: dict[str, list[NotificationMetric]] = {}
    codec = shared_codec()
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not wanted <= set(found):
            for records in (await consumer.getmany(timeout_ms=300)).values():
                for record in records:
                    metric = codec.decode(record.value, NotificationMetric)
                    found.setdefault(metric.notification_id, []).append(metric)
        # Read on a little so a duplicate metric would be seen too.
        for records in (await consumer.getmany(timeout_ms=1000)).values():
            for record in records:
                metric = codec.decode(record.value, NotificationMetric)
                found.setdefault(metric.notification_id, []).append(metric)
    finally:
        await consumer.stop()
    return found


def stack_per_database(database: str, kafka_bootstrap: str, workdir: Path,
                       load: Callable[[SqlRevenuesSystem], None]) -> Iterator[RunningStack]:
    """A running stack on an SQLite file (``sqlite``) or a fresh PostgreSQL database (``postgresql``) whose
    register ``load`` fills; stopped (and the PostgreSQL database dropped) when the caller is done."""
    databases = fresh_database() if database == "postgresql" else iter([f"sqlite:///{workdir}/revenues.db"])
    for url in databases:
        running = RunningStack(kafka_bootstrap, url, workdir)
        try:
            running.start()
            assert running.revenues is not None
            load(running.revenues)
            yield running
        finally:
            running.stop()
