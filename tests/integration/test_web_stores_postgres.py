"""The web store's tables for the everyday changes on a real PostgreSQL: the longest kind's name fits, and a
landlord's upload is stored, found again by its file, and marked sent row by row."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text

from tests.postgres_fixtures import fresh_database
from tests.unit.web.landlords.files import BAD_POSTCODE, END, START, csv_file
from tests.unit.web.stores.fixtures import NOW, metric
from web.landlords.routes import rows_to_store
from web.stores.database import create_store_engine
from web.stores.landlord_uploads import LandlordUploadStore
from web.stores.metrics import MetricsStore, metric_table
from web.stores.progress import KeyAnswer, KeyClaim, ProgressStore, StoredKey, progress_table
from web.stores.reviews import ReviewStore

pytestmark = pytest.mark.postgres
AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def url() -> Iterator[str]:
    yield from fresh_database()


def test_every_kind_fits_the_progress_and_metric_tables(url: str) -> None:
    engine = create_store_engine(url)
    try:
        progress, metrics = ProgressStore(engine), MetricsStore(engine)
        progress.create_schema()
        metrics.create_schema()
        progress.record_received("00000000-0000-4000-8000-000000000001", "CTX-AAAA-BBBB", "single_person_discount",
                                 AT)
        assert metrics.record([metric(1, kind="single_person_discount")])
        assert metrics.figures(NOW).by_kind["single_person_discount"].total == 1
    finally:
        engine.dispose()


def test_a_landlord_upload_is_kept_found_again_and_marked_sent(url: str) -> None:
    engine = create_store_engine(url)
    try:
        uploads = LandlordUploadStore(engine)
        uploads.create_schema()
        _upload_kept_and_sent(uploads)
    finally:
        engine.dispose()


def _upload_kept_and_sent(uploads: LandlordUploadStore) -> None:
    rows = rows_to_store("tenancies.csv", csv_file(START, BAD_POSTCODE, END))
    upload_id = uploads.store("acme", "a" * 64, "tenancies.csv", AT, rows)
    assert uploads.store("acme", "a" * 64, "again.csv", AT, rows) == upload_id  # the same file: the same upload
    assert uploads.find("acme", "a" * 64) == upload_id
    assert uploads.find("other", "a" * 64) is None
    pending = uploads.pending(upload_id)
    assert [r.number for r in pending] == [2, 4]
    uploads.mark_sent(upload_id, 2, "00000000-0000-4000-8000-000000000002", "CTX-CCCC-DDDD")
    found = uploads.upload("acme", upload_id)
    assert found is not None
    upload, stored = found
    assert upload.counts == {"sent": 1, "pending": 1, "invalid": 1}
    assert [(r.status, r.column, r.reference) for r in stored] == [
        ("sent", None, "CTX-CCCC-DDDD"), ("invalid", "postcode", None), ("pending", None, None)]
    assert uploads.upload("other", upload_id) is None
    assert [u.upload_id for u in uploads.uploads("acme")] == [upload_id]


def test_a_store_created_with_the_old_narrow_kind_column_is_widened(url: str) -> None:
    engine = create_store_engine(url)
    try:
        progress, metrics = ProgressStore(engine), MetricsStore(engine)
        progress.create_schema()
        metrics.create_schema()
        for table in (progress_table, metric_table):
            with engine.begin() as conn:
                # as an earlier release created it
                conn.execute(text(f'ALTER TABLE "{table.name}" ALTER COLUMN kind TYPE VARCHAR(20)'))
        progress.create_schema()  # the next start widens it
        metrics.create_schema()
        widths = {table.name: getattr(next(c["type"] for c in inspect(engine).get_columns(table.name)
                                           if c["name"] == "kind"), "length", None)
                  for table in (progress_table, metric_table)}
        assert widths == {progress_table.name: 40, metric_table.name: 40}
        assert metrics.record([metric(7, kind="single_person_discount")])
    finally:
        engine.dispose()


def test_batched_key_writes_and_forgetting_settled_content_on_postgres(url: str) -> None:
    engine = create_store_engine(url)
    try:
        progress, reviews = ProgressStore(engine), ReviewStore(engine)
        progress.create_schema()
        reviews.create_schema()
        ids = [f"00000000-0000-4000-8000-00000000000{n}" for n in range(1, 4)]
        claims = [KeyClaim(f"key-{n}", "hash", nid, f"CTX-AAAA-000{n}", "move_in", AT) for n, nid in enumerate(ids)]
        with engine.begin() as conn:
            assert progress.write_keys(conn, claims) == [None, None, None]
        with engine.begin() as conn:
            outcomes = progress.write_keys(conn, [claims[0], KeyAnswer("key-0", {"reference": "CTX-AAAA-0000"})])
        assert isinstance(outcomes[0], StoredKey)
        assert outcomes[0].response == {"reference": "CTX-AAAA-0000"}  # answered first, then found
        reviews.keep_content([(nid, b"encoded") for nid in ids])
        progress.record_status(ids[0], "CTX-AAAA-0000", "move_in", "applied", AT, AT, AT, AT, [], [])
        assert reviews.forget_settled() == 1
        assert reviews.content(ids[0]) is None
        assert reviews.content(ids[1]) == b"encoded"
    finally:
        engine.dispose()
