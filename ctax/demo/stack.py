"""`ctax demo`: broker, worker and web on embedded defaults, a seeded register and sample traffic."""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer

from ctax.admin.users import add_demo_staff_users
from ctax.demo.sample_traffic import build_sample, submit_samples
from ctax.kafka_admin.topic_setup import ensure_topics
from ctax.local_kafka import LocalKafka, fetch_jars
from ctax.running.components import council_rules
from ctax.running.local_services import export_lines, forget_settings, record_settings
from ctax.seeding.back_office_register import seed_back_office_register
from ctax.seeding.revenues_register import seed_register
from ctax.settings import Settings
from schemas.codec import shared_codec
from schemas.events import NotificationMetric
from schemas.topics import METRICS

DEMO_DIR = Path("var/demo")


def say(message: str) -> None:
    print(message, flush=True)  # noqa: T201 - the demo talks to the person running it


def start_back_office(style: str, logs: Path) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """Start the simulated back office (``ctax legacy serve``) and return it with the worker's adapter settings."""
    folder = (DEMO_DIR / "back-office").resolve()
    command = [sys.executable, "-m", "ctax", "legacy", "serve", "--style", style, "--database",
               str(folder / "revenues.db"), "--port", "0", "--inbox", str(folder / "inbox"), "--results",
               str(folder / "results"), "--latency-ms", "5", "--maintenance-flag", str(folder / "maintenance")]
    with (logs / "back-office.log").open("w") as log:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True)
    assert process.stdout is not None
    announced = process.stdout.readline().split()
    if len(announced) < 2:
        raise SystemExit(f"the simulated back office did not start; see {logs / 'back-office.log'}")
    if style == "soap":
        return process, {"CTAX_REVENUES_ADAPTER": "soap", "CTAX_SOAP_URL": announced[1]}
    return process, {"CTAX_REVENUES_ADAPTER": "files", "CTAX_FILES_OUTBOX": announced[1],
                     "CTAX_FILES_RESULTS": announced[2], "CTAX_FILES_JOURNAL": str(folder / "journal.db"),
                     "CTAX_FILES_REPORTING_DATABASE": str(folder / "revenues.db")}


def run_demo(*, count: int, keep_running: bool, port: int, adapter: str = "sql") -> int:
    shutil.rmtree(DEMO_DIR, ignore_errors=True)
    DEMO_DIR.mkdir(parents=True)
    say("1/5 starting Apache Kafka...")
    fetch_jars(on_download=lambda: say("    downloading the broker from Maven Central (first run only)..."))
    broker = LocalKafka(data_dir=DEMO_DIR / "kafka")
    broker.start()
    children: list[subprocess.Popen[Any]] = []
    # Absolute, so the other ctax commands find the demo's stores from any directory.
    shared = {
        "kafka_bootstrap": broker.bootstrap,
        "revenues_database_url": f"sqlite:///{DEMO_DIR.resolve()}/revenues.db",
        "web_database_url": f"sqlite:///{DEMO_DIR.resolve()}/web.db",
    }
    try:
        env = {
            **os.environ,
            "CTAX_KAFKA_BOOTSTRAP": shared["kafka_bootstrap"],
            "CTAX_REVENUES_DATABASE_URL": shared["revenues_database_url"],
            "CTAX_WEB_DATABASE_URL": shared["web_database_url"],
            "CTAX_WEB_PORT": str(port),
            "CTAX_WORKER_METRICS_PORT": os.environ.get("CTAX_WORKER_METRICS_PORT", "9102"),
        }
        settings = Settings(_env_file=None, kafka_bootstrap=env["CTAX_KAFKA_BOOTSTRAP"],
                            revenues_database_url=env["CTAX_REVENUES_DATABASE_URL"],
                            web_database_url=env["CTAX_WEB_DATABASE_URL"],
                            web_port=port)
        say(f"    broker at {broker.bootstrap}")
        where = record_settings(shared, "ctax demo")
        if where is not None:
            say(f"    other ctax commands (users, deadletters, ...) find it through {where}; elsewhere:")
        for line in export_lines(shared):
            say(f"      {line}")
        asyncio.run(ensure_topics(broker.bootstrap, settings.partitions, retention=settings.topic_retention()))
        say("2/5 seeding a synthetic property register (2,000 dwellings)...")
        seed_register(settings, properties=2000, seed=2026, as_of=date.today())  # noqa: DTZ011
        logs = DEMO_DIR / "logs"
        logs.mkdir()
        if adapter != "sql":
            say(f"    and the same register into the simulated back office ({adapter} style), which we now start")
            seed_back_office_register((DEMO_DIR / "back-office" / "revenues.db"), council_rules(settings),
                                      properties=2000, seed=2026, as_of=date.today())  # noqa: DTZ011
            back_office, adapter_env = start_back_office(adapter, logs)
            children.append(back_office)
            env.update(adapter_env)
            say(f"    the worker reaches it through the {adapter} adapter: {adapter_env}")
        say("3/5 starting the stream processors and the web app...")
        staff_passwords = add_demo_staff_users(settings)
        for name in ("worker", "web"):
            log = (logs / f"{name}.log").open("wb")
            children.append(subprocess.Popen([sys.executable, "-m", "ctax", name], env=env, stdout=log, stderr=log))
        base = f"http://127.0.0.1:{port}"
        _wait_for_web(base)
        say(f"    web app at {base} (API docs at {base}/docs); logs in {logs}")
        say(f"    residents tell us they are moving at {base}/moving and follow it at {base}/status")
        say(f"    staff sign-in at {base}/sign-in: " + ", ".join(
            f"{username} / {password}" for username, password in staff_passwords.items()))
        say(f"4/5 submitting {count} sample notifications...")
        report = asyncio.run(_submit(settings, base, count))
        say("5/5 waiting for every notification to finish...")
        outcomes = _wait_for_outcomes(base, report)
        _print_summary(outcomes)
        asyncio.run(_print_metrics(broker.bootstrap, len(report)))
        if keep_running:
            say("\nThe demo keeps running; press Ctrl-C to stop.")
            while all(child.poll() is None for child in children):
                time.sleep(1)
            return 1
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                child.kill()
        broker.stop()
        forget_settings({"kafka_bootstrap": shared["kafka_bootstrap"]})  # the stores stay until the next demo


def _wait_for_web(base: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the web app did not start within {timeout:.0f}s; see var/demo/logs/web.log")


async def _submit(settings: Settings, base: str, count: int) -> list[tuple[str, str]]:
    from ctax.running.components import revenues_system

    revenues = revenues_system(settings)
    register = revenues.register_with_occupancy()
    revenues.dispose()
    samples = build_sample(register, count, today=date.today())  # noqa: DTZ011
    report = await submit_samples(base, samples)
    if report.refused:
        say("    refused by the intake: " + ", ".join(f"{count} with HTTP {status}"
                                                     for status, count in sorted(report.refused.items())))
    return report.accepted


def _wait_for_outcomes(base: str, accepted: list[tuple[str, str]], timeout: float = 120.0) -> dict[str, Counter[str]]:
    pending = dict(accepted)
    outcomes: dict[str, Counter[str]] = defaultdict(Counter)
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=base, timeout=10) as client:
        while pending and time.monotonic() < deadline:
            for notification_id, scenario in list(pending.items()):
                status = client.get(f"/api/v1/notifications/{notification_id}").json()["status"]
                if status in {"applied", "rejected", "review", "duplicate"}:
                    outcomes[scenario][status] += 1
                    del pending[notification_id]
            time.sleep(0.5)
    for _, scenario in pending.items():
        outcomes[scenario]["unfinished"] += 1
    return outcomes


def _print_summary(outcomes: dict[str, Counter[str]]) -> None:
    say(f"\n{'scenario':<24}{'applied':>9}{'rejected':>10}{'review':>8}{'duplicate':>11}{'unfinished':>12}")
    for scenario, counts in sorted(outcomes.items()):
        say(f"{scenario:<24}{counts['applied']:>9}{counts['rejected']:>10}{counts['review']:>8}"
            f"{counts['duplicate']:>11}{counts['unfinished']:>12}")


async def _print_metrics(bootstrap: str, expected: int) -> None:
    consumer = AIOKafkaConsumer(METRICS.name, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    await consumer.start()
    metrics: dict[str, NotificationMetric] = {}
    codec = shared_codec()
    try:
        deadline = time.monotonic() + 20
        while len(metrics) < expected and time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    metric = codec.decode(record.value, NotificationMetric)
                    metrics[metric.notification_id] = metric
    finally:
        await consumer.stop()
    if not metrics:
        say("no metrics events seen")
        return
    latencies = sorted(m.end_to_end_ms for m in metrics.values())
    saving = sum(m.saving_pence for m in metrics.values())
    straight = sum(1 for m in metrics.values() if m.outcome.value == "applied")
    say(f"\nmetrics stream: {len(metrics)} events; end-to-end median {statistics.median(latencies):.0f} ms, "
        f"max {latencies[-1]:.0f} ms; straight-through {straight}/{len(metrics)}; "
        f"saved £{saving / 100:,.2f} against phone and re-keying "
        f"(cost model {next(iter(metrics.values())).cost_model_version})")
