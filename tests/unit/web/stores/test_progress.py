"""Each notification's progress: statuses never go backwards, an officer's decision stands, keys are claimed once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from web.stores.database import create_store_engine
from web.stores.progress import IdempotencyConflictError, KeyAnswer, KeyClaim, ProgressStore, StoredKey
from web.stores.reviews import ReviewStore

AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
ID = "00000000-0000-4000-8000-000000000001"
REASON = [{"code": "move_date_too_far_ahead", "message": "An officer will confirm the date"}]


def stores(tmp_path: Path) -> tuple[ProgressStore, ReviewStore]:
    engine = create_store_engine(f"sqlite:///{tmp_path}/web.db")
    progress, reviews = ProgressStore(engine), ReviewStore(engine)
    progress.create_schema()
    reviews.create_schema()
    return progress, reviews


def report(store: ProgressStore, status: str, minutes: int, reasons: list[dict[str, Any]] | None = None) -> None:
    at = AT + timedelta(minutes=minutes)
    store.record_status(ID, "CTX-AAAA-BBBB", "move_in", status, at, AT, AT, at if status == "applied" else None,
                        reasons or [], ["500000021"] if status == "applied" else [])


def test_a_redelivered_earlier_status_never_moves_a_notification_back(tmp_path: Path) -> None:
    progress, _ = stores(tmp_path)
    progress.record_received(ID, "CTX-AAAA-BBBB", "move_in", AT)
    report(progress, "validated", 1)
    report(progress, "applied", 2)
    report(progress, "validated", 3)  # redelivered after 'applied'
    report(progress, "applied", 2)  # and the same applied event again
    found = progress.progress(ID)
    assert found is not None
    assert found["status"] == "applied"
    assert [h["status"] for h in found["history"]] == ["received", "validated", "applied"]
    assert found["account_refs"] == ["500000021"]
    assert found["completed_at"] == AT + timedelta(minutes=2)
    assert progress.progress_by_reference("CTX-AAAA-BBBB") == found


def test_an_officers_decision_is_not_undone_by_the_stream(tmp_path: Path) -> None:
    progress, reviews = stores(tmp_path)
    report(progress, "review", 1, REASON)
    reviews.decide(notification_id=ID, decision="rejected", officer_username="olive", officer_name="Olive Officer",
                   reasons=[{"code": "officer_rejected", "message": "Tell us again once you have moved"}])
    report(progress, "review", 2, REASON)  # redelivered
    found = progress.progress(ID)
    assert found is not None
    assert found["status"] == "rejected"
    assert found["history"][-1]["by"] == "officer"


def test_a_reference_is_never_given_to_two_notifications(tmp_path: Path) -> None:
    progress, _ = stores(tmp_path)
    progress.record_received(ID, "CTX-AAAA-BBBB", "move_in", AT)
    with pytest.raises(IntegrityError):
        progress.record_received("00000000-0000-4000-8000-000000000002", "CTX-AAAA-BBBB", "move_out", AT)
    progress.forget(ID)
    assert progress.progress(ID) is None


def test_an_idempotency_key_is_claimed_once_and_remembers_its_answer(tmp_path: Path) -> None:
    progress, _ = stores(tmp_path)
    assert progress.claim_key("k", "hash-1", ID, "CTX-AAAA-BBBB", ("move_in", AT)) is None
    assert progress.progress(ID) is not None  # recorded as received in the same transaction
    earlier = progress.claim_key("k", "hash-1", "00000000-0000-4000-8000-000000000009", "CTX-ZZZZ-ZZZZ")
    assert earlier is not None
    assert (earlier.notification_id, earlier.reference, earlier.response) == (ID, "CTX-AAAA-BBBB", None)
    with pytest.raises(IdempotencyConflictError):
        progress.claim_key("k", "hash-2", ID, "CTX-AAAA-BBBB")
    progress.complete_key("k", {"notification_id": ID, "reference": "CTX-AAAA-BBBB"})
    answered = progress.claim_key("k", "hash-1", ID, "CTX-AAAA-BBBB")
    assert answered is not None
    assert answered.response == {"notification_id": ID, "reference": "CTX-AAAA-BBBB"}
    progress.release_key("k")
    assert progress.claim_key("k", "hash-2", ID, "CTX-AAAA-BBBB") is None


def test_a_group_of_key_writes_answers_first_then_claims_each_key_once(tmp_path: Path) -> None:
    progress, _ = stores(tmp_path)
    first = KeyClaim("k", "hash-1", ID, "CTX-AAAA-BBBB", "move_in", AT)
    with progress._engine.begin() as conn:
        assert progress.write_keys(conn, [first]) == [None]
    other = "00000000-0000-4000-8000-000000000002"
    answer = KeyAnswer("k", {"notification_id": ID, "reference": "CTX-AAAA-BBBB"})
    retry = KeyClaim("k", "hash-1", "00000000-0000-4000-8000-000000000009", "CTX-ZZZZ-ZZZZ", "move_in", AT)
    with progress._engine.begin() as conn:
        outcomes = progress.write_keys(conn, [
            retry,  # handed over with the answer: finds it, although it came first in the group
            KeyClaim("k", "hash-2", ID, "CTX-AAAA-BBBB", "move_in", AT),  # the key, another request
            answer,
            KeyClaim("new", "hash-3", other, "CTX-CCCC-DDDD", "move_out", AT),
            KeyClaim("new", "hash-3", other, "CTX-CCCC-DDDD", "move_out", AT),  # twice in one group
        ])
    found, conflict, answered, claimed, twice = outcomes
    assert isinstance(found, StoredKey)
    assert found.response == answer.response
    assert isinstance(conflict, IdempotencyConflictError)
    assert (answered, claimed) == (None, None)
    assert isinstance(twice, StoredKey)
    assert (twice.notification_id, twice.response) == (other, None)  # still being processed
    new = progress.progress(other)
    assert new is not None
    assert (new["status"], new["kind"]) == ("received", "move_out")


def test_each_years_bill_is_kept_with_the_applied_status(tmp_path: Path) -> None:
    progress, _ = stores(tmp_path)
    bills = [{"financial_year": 2025, "balance_pence": 12000}, {"financial_year": 2026, "balance_pence": -46205}]
    progress.record_status(ID, "CTX-AAAA-BBBB", "move_out", "applied", AT, AT, AT, AT, [], ["500000021"],
                           year_bills=bills)
    progress.record_status(ID, "CTX-AAAA-BBBB", "move_out", "applied", AT, AT, AT, AT, [], ["500000021"])
    found = progress.progress(ID)
    assert found is not None
    assert found["year_bills"] == bills  # a redelivery without them does not wipe them


def test_a_store_made_before_year_bills_gains_the_column(tmp_path: Path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path}/web.db")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE notification_progress (notification_id VARCHAR(36) PRIMARY KEY, reference VARCHAR(20) "
            "NOT NULL UNIQUE, kind VARCHAR(40) NOT NULL, status VARCHAR(20) NOT NULL, submitted_at DATETIME NOT NULL, "
            "validated_at DATETIME, completed_at DATETIME, reasons TEXT NOT NULL, account_refs TEXT NOT NULL, "
            "history TEXT NOT NULL)")
        conn.exec_driver_sql(
            "INSERT INTO notification_progress VALUES ('" + ID + "', 'CTX-AAAA-BBBB', 'move_in', 'applied', "
            "'2026-06-01 09:00:00', NULL, NULL, '[]', '[]', '[]')")
    progress = ProgressStore(engine)
    progress.create_schema()
    found = progress.progress(ID)
    assert found is not None
    assert found["year_bills"] == []
