"""The crash and outage test against the web-service and import-file adapters and the simulated back office.

The worker is killed again and again while notifications flow; the back office itself is killed too (the
import job mid-file, the SOAP service mid-call), goes into its maintenance window for 30 s, times out after
committing some calls (SOAP, answering slowly so that several changes are in flight) or skips some import
runs (files), and 5% of the changes carry a name too long for its field. Nothing may be lost, nothing made
twice in the back office's own database, and every refusal must be in review with its reason. Then applied
changes are told again under new notifications, half of them (SOAP) with their markers deleted first: every
one must be found `duplicate`, and nothing made for it.
"""

from __future__ import annotations

import asyncio
import random
import signal
import sqlite3
import threading
import time
import uuid
from collections import Counter, defaultdict
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
from aiokafka import AIOKafkaConsumer

from adapters.soap.step_notes import fingerprint_reference
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
BACK_OFFICE_KILLS = 3  # times the back office is killed (while the worker is killed, or while it drains)
RESENDS = 24
MARKERS_LOST = 12  # of the resends, those whose markers are deleted first (SOAP)
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
        # One notification may open an account at each property it concerns (a move within: the mover's at the
        # new home, the owner's at the home left empty), never two at one property.
        opened_twice = conn.execute(
            "SELECT n.reference FROM note n JOIN account a USING (account_no) "
            "WHERE a.created_at != 'migrated' AND n.text LIKE 'Account opened%' "
            "GROUP BY n.reference, a.uprn HAVING count(DISTINCT a.account_no) > 1").fetchall()
        noted = {row[0] for row in conn.execute("SELECT DISTINCT reference FROM note")}
    finally:
        conn.close()
    should = {nid for nid, want in batch.expected.items() if want == "applied"}
    problems = []
    if noted_twice:
        problems.append(f"{len(noted_twice)} accounts noted twice for one notification")
    if opened_twice:
        problems.append(f"{len(opened_twice)} notifications opened more than one account at one property")
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
            "CTAX_FILES_REPORTING_DATABASE": str(running.database), "CTAX_FILES_RESULTS_WAIT_SECONDS": "15"}


MISBEHAVIOUR = {
    "soap": ("--latency-ms", "30", "--error-rate", "0.02", "--timeout-after-commit-rate", "0.03"),
    "files": ("--latency-ms", "20", "--record-latency-ms", "10", "--error-rate", "0.05"),
}


def file_mid_import(running: RunningBackOffice) -> bool:
    """Whether the import job is part-way through a file: records of it logged, its results not written."""
    assert running.results is not None
    with closing(sqlite3.connect(running.database, timeout=30)) as conn:
        try:
            sequences = [row[0] for row in conn.execute("SELECT DISTINCT sequence FROM import_record")]
        except sqlite3.OperationalError:
            return False  # no import yet
    answered = {path.name.split("_")[-1].split(".")[0] for path in running.results.glob("*.results.csv")}
    return any(sequence not in answered for sequence in sequences)


class BackOfficeKiller(threading.Thread):
    """Kills and restarts the back office ``times`` times while running: the import job as soon as it is
    caught part-way through a file, the SOAP service every few seconds (mid-call: it is kept busy)."""

    def __init__(self, style: str, running: RunningBackOffice, times: int) -> None:
        super().__init__(daemon=True)
        self.style, self.running, self.times = style, running, times
        self.kills = {"back office": 0, "import job mid-file": 0}
        self.stopping = threading.Event()

    def run(self) -> None:
        while self.kills["back office"] < self.times and not self.stopping.is_set():
            if self.style == "files" and not file_mid_import(self.running):
                time.sleep(0.01)
                continue
            if self.style == "soap":
                self.stopping.wait(6)
            self.running.kill_and_restart(self._note_mid_file)
            self.kills["back office"] += 1
            self.stopping.wait(3)

    def _note_mid_file(self) -> None:
        """Once the job is dead: was it part-way through a file (records logged, its results not written)?"""
        self.kills["import job mid-file"] += self.style == "files" and file_mid_import(self.running)

    def stop(self) -> dict[str, int]:
        self.stopping.set()
        self.join()
        return self.kills


def told_again(batch: Batch, finals: dict[str, list[str]], rng: random.Random) -> list[tuple[Any, Any]]:
    """(original, resend) pairs: applied changes whose properties nothing else in the batch touched (so what
    they did is still what the back office shows), each told again under a new notification."""
    touched = Counter(u for n in batch.notifications for u in n.change.uprns if u)
    candidates = [n for n in batch.notifications if set(finals.get(n.notification_id, ())) == {"applied"}
                  and all(touched[u] == 1 for u in n.change.uprns if u)]
    chosen = rng.sample(candidates, RESENDS)
    return [(n, n.model_copy(update={"notification_id": str(uuid.uuid4()), "reference": new_reference()}))
            for n in chosen]


def new_reference() -> str:
    code = uuid.uuid4().hex.upper()
    return f"CTX-{code[:4]}-{code[4:8]}"


def delete_markers_of(database: Path, fingerprints: list[str]) -> int:
    with closing(sqlite3.connect(database, timeout=30)) as conn, conn:
        return sum(conn.execute("DELETE FROM note WHERE reference = ?", (fingerprint_reference(fp),)).rowcount
                   for fp in fingerprints)


def markers_present(database: Path, fingerprints: list[str]) -> int:
    with closing(sqlite3.connect(database, timeout=30)) as conn:
        return sum(1 for fp in fingerprints if conn.execute(
            "SELECT 1 FROM note WHERE reference = ?", (fingerprint_reference(fp),)).fetchone())


def made_for(database: Path, notification_ids: set[str]) -> int:
    """Notes (so writes) the back office holds for these notifications."""
    with closing(sqlite3.connect(database, timeout=30)) as conn:
        return sum(conn.execute("SELECT count(*) FROM note WHERE reference = ?", (nid,)).fetchone()[0]
                   for nid in notification_ids)


def incidents_raised(journal: Path) -> int:
    with closing(sqlite3.connect(journal, timeout=30)) as conn:
        return int(conn.execute("SELECT count(*) FROM results_incident").fetchone()[0])


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
            back_office_killer = BackOfficeKiller(style, running, BACK_OFFICE_KILLS)
            back_office_killer.start()
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
            kills |= back_office_killer.stop()  # it kills on through the window and the drain after it
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

            # The same changes told again, some (SOAP) with their markers gone: each must be a duplicate.
            pairs = told_again(batch, finals, rng)
            lost = [original.change_fingerprint for original, _ in pairs[:MARKERS_LOST]] if style == "soap" else []
            deleted = delete_markers_of(running.database, lost)
            resends = Batch([resend for _, resend in pairs], {})
            produce_in_background(stack.bootstrap, stack.prefix, resends, per_second=20).join()
            again, _ = asyncio.run(read_finals(stack.bootstrap, f"{stack.prefix}{STATUS.name}",
                                               {r.notification_id for r in resends.notifications}, seconds=120))
            outcome = Counter(v for r in resends.notifications for v in again.get(r.notification_id, ["none"]))
            made_again = made_for(running.database, {r.notification_id for r in resends.notifications})
            mended = markers_present(running.database, lost)
            incidents = incidents_raised(tmp_path / "adapter" / "journal.db") if style == "files" else 0
            print(f"{style} resends: {len(pairs)} told again ({deleted} markers deleted first, {mended} written "  # noqa: T201
                  f"again since); outcomes {dict(outcome)}; writes made for them {made_again}; back office "
                  f"problems {doubled_in_back_office(running.database, batch)}; results incidents raised {incidents}")
            assert outcome == Counter({"duplicate": RESENDS})
            assert made_again == 0
            assert not doubled_in_back_office(running.database, batch)
            assert deleted == len(lost)
            assert incidents == 0  # the import job, killed mid-file, resumed: nothing unexpected came back
            if style == "files":
                assert kills["import job mid-file"] >= 1
        finally:
            stack.stop()
