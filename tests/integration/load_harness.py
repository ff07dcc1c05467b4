"""Many notifications at once: seeding a register, producing straight to Kafka, and checking the outcome
in the legacy database and on the status topic (shared by the crash, outage and restart tests)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import func, select

from adapters.sql.revenues import SqlRevenuesSystem
from adapters.sql.tables import account_table, applied_notification_table, audit_note_table
from ctax.benchmark.scenario import Workload, seed_workload
from schemas.codec import shared_codec
from schemas.events import NotificationStatus
from schemas.notification import ChangeNotification
from schemas.topics import STATUS, SUBMITTED
from tests.builders import RULES

FINAL = {"applied", "rejected", "review", "duplicate"}


Batch = Workload  # the notifications and what each should end as


def seed_and_build(revenues: SqlRevenuesSystem, count: int, *, seed: int = 11) -> Batch:
    return seed_workload(revenues, RULES, count, seed=seed)


async def produce(bootstrap: str, prefix: str, notifications: list[ChangeNotification], *,
                  per_second: float | None = None) -> None:
    """Publish notifications to the submitted topic (durably), optionally at a steady rate."""
    codec = shared_codec()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5)
    await producer.start()
    try:
        started = time.monotonic()
        futures = []
        for index, notification in enumerate(notifications):
            stamped = notification.model_copy(update={"submitted_at": datetime.now(UTC)})
            futures.append(await producer.send(f"{prefix}{SUBMITTED.name}", codec.encode(stamped),
                                               key=notification.notification_id.encode()))
            if per_second:
                ahead = (index + 1) / per_second - (time.monotonic() - started)
                if ahead > 0:
                    await asyncio.sleep(ahead)
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def final_statuses(bootstrap: str, prefix: str, wanted: set[str], seconds: float) -> dict[str, list[str]]:
    """Read the status topic until every wanted notification has a final status (or time runs out)."""
    consumer = AIOKafkaConsumer(f"{prefix}{STATUS.name}", bootstrap_servers=bootstrap,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    codec = shared_codec()
    finals: dict[str, list[str]] = defaultdict(list)
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not wanted <= set(finals):
            for records in (await consumer.getmany(timeout_ms=500, max_records=5000)).values():
                for record in records:
                    status = codec.decode(record.value, NotificationStatus)
                    if status.status.value in FINAL:
                        finals[status.notification_id].append(status.status.value)
        for records in (await consumer.getmany(timeout_ms=1500, max_records=5000)).values():
            for record in records:
                status = codec.decode(record.value, NotificationStatus)
                if status.status.value in FINAL:
                    finals[status.notification_id].append(status.status.value)
    finally:
        await consumer.stop()
    return dict(finals)


@dataclass(frozen=True)
class Verdict:
    applied: int
    rejected: int
    review: int
    missing: list[str]
    wrong: list[tuple[str, str, list[str]]]
    redelivered_statuses: int


def check_statuses(batch: Batch, finals: dict[str, list[str]]) -> Verdict:
    missing = [nid for nid in batch.expected if nid not in finals]
    wrong = [(nid, want, finals[nid]) for nid, want in batch.expected.items()
             if nid in finals and set(finals[nid]) != {want}]
    counts = Counter(batch.expected[nid] for nid in batch.expected if nid in finals)
    redelivered = sum(len(v) - 1 for v in finals.values())
    return Verdict(counts["applied"], counts["rejected"], counts["review"], missing, wrong, redelivered)


def check_database(revenues: SqlRevenuesSystem, batch: Batch) -> list[str]:
    """Problems found in the legacy database: anything applied twice, or applied that should not be."""
    problems: list[str] = []
    with revenues.engine.connect() as conn:
        applied_ids = set(conn.execute(select(applied_notification_table.c.notification_id)).scalars())
        notes_per = conn.execute(
            select(audit_note_table.c.notification_id, audit_note_table.c.account_ref, func.count())
            .where(audit_note_table.c.notification_id.is_not(None))
            .group_by(audit_note_table.c.notification_id, audit_note_table.c.account_ref)
            .having(func.count() > 1)
        ).all()
        # One notification may open an account at two properties (a move within: the new home, and the owner's
        # for the home left empty), never two at one.
        opened_per = conn.execute(
            select(account_table.c.opened_by_notification, account_table.c.uprn, func.count())
            .where(account_table.c.opened_by_notification.is_not(None))
            .group_by(account_table.c.opened_by_notification, account_table.c.uprn).having(func.count() > 1)
        ).all()
        noted_ids = set(conn.execute(select(audit_note_table.c.notification_id).distinct()).scalars())
    should_apply = {nid for nid, want in batch.expected.items() if want == "applied"}
    if missing := should_apply - applied_ids:
        problems.append(f"{len(missing)} valid notifications not applied")
    if extra := (applied_ids - should_apply) & set(batch.expected):
        problems.append(f"{len(extra)} notifications applied that should not have been")
    if notes_per:
        problems.append(f"{len(notes_per)} accounts noted twice for one notification")
    if opened_per:
        problems.append(f"{len(opened_per)} notifications opened more than one account at one property")
    if touched := (noted_ids - should_apply) & set(batch.expected):
        problems.append(f"{len(touched)} notifications that were not applied left audit notes")
    return problems


def settle_and_check(bootstrap: str, prefix: str, revenues: SqlRevenuesSystem, batch: Batch, what: str,
                     worker_log: Callable[[], str], seconds: float = 240) -> Verdict:
    """Wait for every notification to finish, print the figures, and assert nothing was lost or doubled."""
    finals = asyncio.run(final_statuses(bootstrap, prefix, set(batch.expected), seconds=seconds))
    verdict = check_statuses(batch, finals)
    problems = check_database(revenues, batch)
    print(f"\n{what}: {len(batch.expected)} notifications; applied {verdict.applied}, "  # noqa: T201
          f"rejected {verdict.rejected}, review {verdict.review}; missing {len(verdict.missing)}; "
          f"status events redelivered {verdict.redelivered_statuses}; database problems {problems}")
    assert not verdict.missing, f"{len(verdict.missing)} never finished:\n{worker_log()}"
    assert not verdict.wrong, verdict.wrong[:5]
    assert not problems
    return verdict


def produce_in_background(bootstrap: str, prefix: str, batch: Batch, per_second: float) -> threading.Thread:
    thread = threading.Thread(target=lambda: asyncio.run(
        produce(bootstrap, prefix, batch.notifications, per_second=per_second)))
    thread.start()
    return thread
