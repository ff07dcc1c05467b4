"""The crash and outage test against the web-service and import-file adapters and the simulated back office.

The worker is killed again and again while notifications flow; the back office goes into its maintenance
window for 30 s, times out after committing some calls (SOAP) or skips some import runs (files), and 5% of
the changes carry a name too long for its field. Nothing may be lost, nothing made twice in the back
office's own database, and every refusal must be in review with its reason.
"""

from __future__ import annotations

import asyncio
import random
import signal
import sqlite3
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
from aiokafka import AIOKafkaConsumer

from ctax.benchmark.scenario import seed_workload
from ctax.kafka_admin.topic_setup import ensure_topics
from schemas.codec import shared_codec
from schemas.events import NotificationStatus
from schemas.notification import ChangeNotification, MoveIn, MoveWithin
from schemas.topics import STATUS, SUBMITTED_RETRY_TOPIC
from tests.builders import RULES
from tests.integration.load_harness import Batch, produce_in_background
from tests.integration.running_stack import RunningStack, run_coroutine
from tests.integration.test_outages import count_records
from tests.legacy_back_office import RunningBackOffice, back_office

NOTIFICATIONS = 400
KILLS = 10
MAINTENANCE_SECONDS = 30
LONG_NAME = "Maximilian Alexander Montgomery-Fitzwilliam"  # 43 characters: the back office holds 40
FINAL = {"applied", "rejected", "review", "duplicate"}


@dataclass(frozen=True)
class Seeder:
    running: RunningBackOffice

    def load_register(self, properties: Any, accounts: Any) -> None:
        self.running.seed(properties, accounts)


def with_long_names(batch: Batch, share: float, rng: random.Random) -> tuple[Batch, set[str]]:
    """Give ``share`` of the moves in that would be applied residents with a name too long to hold.

    Only moves: their residents become the new account's liable people. (A household change names its liable
    people among its residents: renaming the residents alone would make it invalid, rejected before the back
    office sees it.)"""
    candidates = [n for n in batch.notifications
                  if batch.expected[n.notification_id] == "applied" and isinstance(n.change, MoveIn | MoveWithin)]
    chosen = {n.notification_id for n in rng.sample(candidates, max(1, round(share * len(batch.notifications))))}
    notifications: list[ChangeNotification] = []
    for n in batch.notifications:
        if n.notification_id in chosen:
            change: Any = n.change
            residents = tuple(r.model_copy(update={"full_name": LONG_NAME}) for r in change.residents)
            n = n.model_copy(update={"change": change.model_copy(update={"residents": residents})})
        notifications.append(n)
    expected = {nid: ("review" if nid in chosen else want) for nid, want in batch.expected.items()}
    return Batch(notifications, expected), chosen


async def read_finals(bootstrap: str, topic: str, wanted: set[str], seconds: float
                      ) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """Final statuses of each wanted notification, and the reason codes of its review statuses."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    await consumer.start()
    codec = shared_codec()
    finals: dict[str, list[str]] = defaultdict(list)
    reasons: dict[str, set[str]] = defaultdict(set)
    try:
        deadline, settled_at = time.monotonic() + seconds, None
        while time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=500, max_records=5000)).values():
                for record in records:
                    status = codec.decode(record.value, NotificationStatus)
                    if status.status.value in FINAL:
                        finals[status.notification_id].append(status.status.value)
                        reasons[status.notification_id] |= {r.code for r in status.reasons}
            if wanted <= set(finals):
                settled_at = settled_at or time.monotonic()
                if time.monotonic() - settled_at > 2:  # read on a little: a duplicate would show
                    break
    finally:
        await consumer.stop()
    return dict(finals), dict(reasons)


def doubled_in_back_office(database: Path, batch: Batch) -> list[str]:
    """What the back office's own database shows made twice, or made that should not be, or not made."""
    conn = sqlite3.connect(database)
    try:
        noted_twice = conn.execute(
            "SELECT reference, account_no FROM note WHERE reference NOT LIKE 'fp:%' "
            "GROUP BY reference, account_no HAVING count(*) > 1").fetchall()
        opened_twice = conn.execute(
            "SELECT n.reference FROM note n JOIN account a USING (account_no) "
            "WHERE a.created_at != 'migrated' AND n.text LIKE 'Account opened%' "
            "GROUP BY n.reference HAVING count(DISTINCT a.account_no) > 1").fetchall()
        noted = {row[0] for row in conn.execute("SELECT DISTINCT reference FROM note")}
    finally:
        conn.close()
    should = {nid for nid, want in batch.expected.items() if want == "applied"}
    problems = []
    if noted_twice:
        problems.append(f"{len(noted_twice)} accounts noted twice for one notification")
    if opened_twice:
        problems.append(f"{len(opened_twice)} notifications opened more than one account")
    if missing := should - noted:
        problems.append(f"{len(missing)} valid notifications not in the back office")
    if extra := (noted & set(batch.expected)) - should:
        problems.append(f"{len(extra)} notifications in the back office that should not be")
    return problems


def back_office_figures(database: Path) -> dict[str, int]:
    """What the back office's own logs say happened: calls by outcome (SOAP), files and records (imports)."""
    conn = sqlite3.connect(database)
    try:
        figures = {outcome.split()[0]: count for outcome, count in conn.execute(
            "SELECT outcome, count(*) FROM interface_log GROUP BY outcome")}
        files, records, rejected = conn.execute(
            "SELECT count(*), coalesce(sum(records), 0), coalesce(sum(rejected), 0) FROM import_log").fetchone()
        # The newer kinds of write, as the back office's notes show them: amendments, and endings made again
        # (completed or brought back: an account with more than one liability-end note).
        figures["accounts amended"] = conn.execute(
            "SELECT count(*) FROM note WHERE text LIKE 'Account changed from%'").fetchone()[0]
        figures["endings made again"] = conn.execute(
            "SELECT count(*) FROM (SELECT account_no FROM note WHERE text LIKE 'Liability ended%' "
            "GROUP BY account_no HAVING count(*) > 1)").fetchone()[0]
    finally:
        conn.close()
    if files:
        figures |= {"import files": files, "records": records, "records rejected": rejected}
    return figures


def adapter_settings(style: str, running: RunningBackOffice, folder: Path) -> dict[str, str]:
    if style == "soap":
        return {"CTAX_REVENUES_ADAPTER": "soap", "CTAX_SOAP_URL": running.address, "CTAX_SOAP_TIMEOUT_SECONDS": "2"}
    assert running.results is not None
    return {"CTAX_REVENUES_ADAPTER": "files", "CTAX_FILES_OUTBOX": running.address,
            "CTAX_FILES_RESULTS": str(running.results), "CTAX_FILES_JOURNAL": str(folder / "journal.db"),
            "CTAX_FILES_REPORTING_DATABASE": str(running.database), "CTAX_FILES_RESULTS_WAIT_SECONDS": "5"}


MISBEHAVIOUR = {
    "soap": ("--latency-ms", "2", "--error-rate", "0.02", "--timeout-after-commit-rate", "0.03"),
    "files": ("--latency-ms", "20", "--error-rate", "0.05"),
}


def hold_maintenance(flag: Path, after: float, seconds: float) -> threading.Thread:
    def window() -> None:
        time.sleep(after)
        flag.touch()
        time.sleep(seconds)
        flag.unlink()

    thread = threading.Thread(target=window)
    thread.start()
    return thread


@pytest.mark.parametrize("style", ["soap", "files"])
def test_kills_maintenance_refusals_and_timeouts_lose_nothing_and_make_nothing_twice(
    style: str, kafka_bootstrap: str, tmp_path: Path
) -> None:
    rng = random.Random(20261201)
    with back_office(tmp_path / "back-office", style, *MISBEHAVIOUR[style], "--seed", "7",
                     stall_seconds=4) as running:
        batch, refused = with_long_names(seed_workload(cast(Any, Seeder(running)), RULES, NOTIFICATIONS),
                                         0.05, rng)
        stack = RunningStack(kafka_bootstrap, f"sqlite:///{tmp_path}/unused.db", tmp_path,
                             extra_env=adapter_settings(style, running, tmp_path / "adapter"))
        try:
            run_coroutine(ensure_topics(stack.bootstrap, 2, prefix=stack.prefix))
            stack.start_worker()
            # Two thirds arrive while the worker is killed again and again, the rest in the maintenance window.
            cut = len(batch.notifications) * 2 // 3
            first, rest = Batch(batch.notifications[:cut], {}), Batch(batch.notifications[cut:], {})
            producing = produce_in_background(stack.bootstrap, stack.prefix, first, per_second=15)
            kills = {"SIGKILL": 0, "SIGTERM": 0}
            for round_number in range(KILLS + 3):
                time.sleep(rng.uniform(1.0, 4.0))
                sig = signal.SIGTERM if round_number % 4 == 3 else signal.SIGKILL
                stack.stop_worker(sig)
                kills[sig.name] += 1
                stack.start_worker()
            producing.join()
            # Then the back office's maintenance window, while the rest arrive and the backlog drains.
            assert running.maintenance_flag is not None
            window = hold_maintenance(running.maintenance_flag, after=0, seconds=MAINTENANCE_SECONDS)
            produce_in_background(stack.bootstrap, stack.prefix, rest, per_second=8).join()
            window.join()
            finals, reasons = asyncio.run(read_finals(stack.bootstrap, f"{stack.prefix}{STATUS.name}",
                                                      set(batch.expected), seconds=300))
            missing = [nid for nid in batch.expected if nid not in finals]
            wrong = [(nid, want, finals[nid]) for nid, want in batch.expected.items()
                     if nid in finals and set(finals[nid]) != {want}]
            without_reason = [nid for nid in refused if "back_office_refused" not in reasons.get(nid, set())]
            problems = doubled_in_back_office(running.database, batch)
            figures = back_office_figures(running.database)
            parked = run_coroutine(count_records(stack.bootstrap, f"{stack.prefix}{SUBMITTED_RETRY_TOPIC}"))
            counts: dict[str, int] = defaultdict(int)
            for nid in finals:
                counts[batch.expected[nid]] += 1
            print(f"\n{style} chaos test: {len(batch.expected)} notifications, kills {kills}, maintenance "  # noqa: T201
                  f"{MAINTENANCE_SECONDS} s, {len(refused)} refused by field width; finished {dict(counts)}; "
                  f"missing {len(missing)}; wrong {len(wrong)}; status events redelivered "
                  f"{sum(len(v) - 1 for v in finals.values())}; records parked {parked}; back office saw {figures}; "
                  f"problems {problems}")
            assert not missing, f"{len(missing)} never finished:\n{stack.log_tail('worker')}"
            assert not wrong, [(nid, want, got, sorted(reasons.get(nid, set()))) for nid, want, got in wrong[:5]]
            assert not without_reason, without_reason[:5]
            assert not problems
            assert kills["SIGKILL"] >= KILLS
        finally:
            stack.stop()
