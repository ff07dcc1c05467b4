"""Storage limitation: every web-store table that holds records about people loses them after its period.

Each store is filled through its own API with an "old" person and a "new" one, the old person's rows are
dated past the period, and one purge runs. Then the old person's name, in any column of any table (the
encoded notification included), is gone, while the new person's records stay. Run on SQLite and, when
CTAX_TEST_POSTGRES_URL is set, on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Engine, inspect, select, update

from ctax.running.web_components import store_retention
from ctax.settings import Settings
from tests.postgres_fixtures import fresh_database
from tests.unit.web.resident.fixtures import complete_move_within
from tests.unit.web.stores.fixtures import NOW, metric
from web.resident.answers import Person
from web.staff_accounts.accounts import Role, StaffUser
from web.stores.database import create_store_engine, metadata
from web.stores.journeys import IDLE_LIMIT, JourneyStore, journey_table
from web.stores.metrics import MetricsStore
from web.stores.pending_sign_ins import PendingSignIn, PendingSignInStore, pending_sign_in_table
from web.stores.progress import ProgressStore, idempotency_table, progress_table
from web.stores.retention import purge_expired, retention_rules
from web.stores.retention_schedule import RetentionSchedule
from web.stores.reviews import ReviewStore, case_content_table, decision_table
from web.stores.sessions import SessionStore, session_table
from web.stores.users import UserStore, sso_user_table

OLD, NEW = "Zebedee Oldrecord", "Nora Newrecord"
RETENTION = store_retention(Settings(_env_file=None))  # the settings' defaults


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    urls = fresh_database() if request.param == "postgresql" else iter([f"sqlite:///{tmp_path}/web.db"])
    for url in urls:
        store_engine = create_store_engine(url)
        yield store_engine
        store_engine.dispose()


def backdate(engine: Engine, column: Column[datetime], where: Any, keep: timedelta) -> None:
    """Date the rows matching ``where`` a day past ``keep``."""
    with engine.begin() as conn:
        changed = conn.execute(update(column.table).where(where)
                               .values({column.name: datetime.now(UTC) - keep - timedelta(days=1)})).rowcount
    assert changed >= 1


def notification_id(who: str) -> str:
    return f"00000000-0000-4000-8000-{1 if who == OLD else 2:012d}"


def fill(engine: Engine, who: str) -> None:
    """Records about ``who`` in every store, as the app writes them."""
    nid, ref, now = notification_id(who), f"CTX-{who[:4].upper()}-0001", datetime.now(UTC)
    progress, reviews = ProgressStore(engine), ReviewStore(engine)
    progress.claim_key(f"key-{who}", "hash", nid, ref, ("move_in", now))
    progress.complete_key(f"key-{who}", {"reference": ref, "note": who})
    progress.record_status(nid, ref, "move_in", "review", now, now, now, None,
                           [{"code": "check", "message": f"{who} named a second adult"}], ["500000021"])
    reviews.keep_content([(nid, f"avro bytes with {who} inside".encode())])
    reviews.decide(notification_id=nid, decision="rejected", officer_username="officer", officer_name="Olive",
                   reasons=[{"code": "withdrawn", "message": f"withdrawn by {who}"}],
                   reason=f"{who} phoned to withdraw it")
    UserStore(engine).remember_sso(StaffUser(f"sso:{who[:4].lower()}", who, Role.STAFF))
    SessionStore(engine, idle=timedelta(hours=1), lifetime=timedelta(hours=10)).start(f"sso:{who[:4].lower()}")
    PendingSignInStore(engine).begin(f"state-of-{who}", PendingSignIn("nonce", "verifier", f"/staff?q={who}"))
    journeys = JourneyStore(engine, type(complete_move_within()))
    answers = complete_move_within()
    journeys.save(journeys.start(), answers.model_copy(update={"people": [
        Person(full_name=who, date_of_birth=answers.people[0].date_of_birth)]}))
    number = 1 if who == OLD else 2
    days_back = (RETENTION.metrics + timedelta(days=1)) if who == OLD else timedelta(days=1)
    MetricsStore(engine).record([metric(number, minutes_ago=(NOW - (now - days_back)).total_seconds() / 60)])


def create_all(engine: Engine) -> None:
    for store in (ProgressStore(engine), ReviewStore(engine), UserStore(engine), PendingSignInStore(engine),
                  SessionStore(engine, idle=timedelta(hours=1), lifetime=timedelta(hours=1)), MetricsStore(engine)):
        store.create_schema()
    JourneyStore(engine, type(complete_move_within())).create_schema()


def age_the_old_records(engine: Engine) -> None:
    old = notification_id(OLD)
    backdate(engine, case_content_table.c.stored_at, case_content_table.c.notification_id == old,
             RETENTION.review_content)
    backdate(engine, progress_table.c.submitted_at, progress_table.c.notification_id == old, RETENTION.progress)
    backdate(engine, idempotency_table.c.created_at, idempotency_table.c.notification_id == old,
             RETENTION.idempotency_keys)
    backdate(engine, decision_table.c.decided_at, decision_table.c.notification_id == old, RETENTION.review_decisions)
    backdate(engine, sso_user_table.c.last_sign_in_at, sso_user_table.c.display_name == OLD, RETENTION.sso_users)
    backdate(engine, session_table.c.created_at, session_table.c.username == "sso:zebe", timedelta(days=7))
    backdate(engine, pending_sign_in_table.c.created_at, pending_sign_in_table.c.next_path.contains("Zebedee"),
             timedelta(hours=1))
    backdate(engine, journey_table.c.updated_at, journey_table.c.answers.contains(OLD), IDLE_LIMIT)


def rows_mentioning(engine: Engine, text: str) -> dict[str, int]:
    """How many rows of each web-store table mention ``text`` in any column (bytes included)."""
    found: dict[str, int] = {}
    present = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name in present:
                hits = sum(1 for row in conn.execute(select(table)) if any(_mentions(v, text) for v in row))
                if hits:
                    found[table.name] = hits
    return found


def _mentions(value: object, text: str) -> bool:
    if isinstance(value, bytes | memoryview):
        return text.encode() in bytes(value)
    return text in json.dumps(value, default=str, ensure_ascii=False)


def test_expired_personal_data_is_gone_from_every_store(engine: Engine) -> None:
    create_all(engine)
    fill(engine, OLD)
    fill(engine, NEW)
    age_the_old_records(engine)
    before = rows_mentioning(engine, OLD)
    assert set(before) == {"oidc_pending_sign_in", "resident_journey", "review_case_content", "review_decision",
                           "notification_progress", "idempotency_key", "staff_sso_user"}

    purged = purge_expired(engine, RETENTION)

    assert rows_mentioning(engine, OLD) == {}
    assert set(rows_mentioning(engine, NEW)) == set(before)  # the new person's records all stay
    assert purged["metrics"] == 1  # no personal data there, but kept only for its period too
    assert purged["staff sessions"] == 1
    assert all(count >= 1 for count in purged.values()), purged


def test_every_table_is_covered_by_a_rule() -> None:
    covered = {rule.table.name for rule in retention_rules(RETENTION)}
    exempt = {"staff_user",  # local accounts: removed by an administrator when someone leaves
              "intake_rate_bucket", "signin_failure"}  # digests only, swept by their own code within minutes
    assert {table.name for table in metadata.sorted_tables} - exempt <= covered


def test_tables_not_created_are_skipped(tmp_path: Path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path}/empty.db")
    assert purge_expired(engine, RETENTION) == {}


async def test_the_web_app_purges_on_a_schedule(tmp_path: Path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path}/web.db")
    create_all(engine)
    fill(engine, OLD)
    age_the_old_records(engine)
    schedule = RetentionSchedule(engine, RETENTION, interval_seconds=0.05)
    schedule.start()
    await asyncio.sleep(0.5)
    await schedule.stop()
    assert rows_mentioning(engine, OLD) == {}
    engine.dispose()


def test_landlord_uploads_and_their_rows_go_after_their_period(engine: Engine) -> None:
    from web.stores.landlord_uploads import LandlordUploadStore, NewRow, upload_row_table, upload_table

    store = LandlordUploadStore(engine)
    store.create_schema()
    ids = {who: store.store("agent", who, f"{who}.csv", datetime.now(UTC),
                            [NewRow(1, request_json=json.dumps({"contact": {"full_name": who}}))])
           for who in (OLD, NEW)}
    backdate(engine, upload_table.c.uploaded_at, upload_table.c.upload_id == ids[OLD], RETENTION.landlord_uploads)
    purged = purge_expired(engine, RETENTION)
    assert (purged["landlord upload rows"], purged["landlord uploads"]) == (1, 1)
    with engine.connect() as conn:
        left = [row.request for row in conn.execute(select(upload_row_table))]
        uploads = {row.upload_id for row in conn.execute(select(upload_table))}
    assert uploads == {ids[NEW]}
    assert len(left) == 1
    assert NEW in left[0]
