"""Single-object encoding: round trips, and clear errors for bytes that are not our events."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from fastavro import parse_schema, schemaless_writer

from schemas.codec import MAGIC, Codec, DecodeError, UnknownFingerprintError, shared_codec
from schemas.contracts import expanded_schema, fingerprint
from schemas.events import (
    NotificationMetric,
    NotificationStatus,
    Reason,
    StageTimings,
    Status,
)
from schemas.notification import ChangeKind, ChangeNotification
from tests.builders import move_in, move_out, move_within, notification

codec = shared_codec()


@pytest.mark.parametrize("change", [move_in(), move_out(), move_within()])
def test_every_kind_of_notification_round_trips(change: dict[str, object]) -> None:
    original = notification(change)
    assert codec.decode(codec.encode(original), ChangeNotification) == original


def test_the_header_is_the_avro_marker_and_the_schema_fingerprint() -> None:
    data = codec.encode(notification())
    assert data[:2] == MAGIC
    assert data[2:10] == fingerprint(expanded_schema("ChangeNotification")).to_bytes(8, "little")


def test_fingerprint_agrees_with_fastavros_implementation() -> None:
    # fastavro implements the same specification independently: the two must agree byte for byte.
    from fastavro.schema import fingerprint as reference

    for name in ("ChangeNotification", "NotificationMetric"):
        schema = expanded_schema(name)
        from schemas.contracts import canonical_form

        assert fingerprint(schema).to_bytes(8, "little").hex() == reference(canonical_form(schema), "CRC-64-AVRO")


def test_status_and_metric_events_round_trip() -> None:
    timings = StageTimings(submitted_at=datetime(2025, 10, 10, 9, tzinfo=UTC))
    status = NotificationStatus(
        notification_id="n1", reference="CTX-0000-0000", council_code="E99999999", kind=ChangeKind.MOVE_OUT,
        stage="validate", status=Status.REJECTED, reasons=(Reason(code="x", field="uprn", message="m"),),
        timings=timings,
    )
    assert codec.decode(codec.encode(status), NotificationStatus) == status
    metric = NotificationMetric(
        notification_id="n1", council_code="E99999999", kind=ChangeKind.MOVE_IN, outcome=Status.APPLIED,
        submitted_at=timings.submitted_at, completed_at=timings.submitted_at, end_to_end_ms=12.5,
        digital_cost_pence=15, baseline_cost_pence=491, saving_pence=476, cost_model_version="v",
    )
    assert codec.decode(codec.encode(metric), NotificationMetric) == metric


def test_bytes_without_the_marker_are_refused() -> None:
    with pytest.raises(DecodeError, match="C3 01"):
        codec.decode(b'{"json": true}', ChangeNotification)


def test_an_unknown_schema_fingerprint_is_named() -> None:
    with pytest.raises(UnknownFingerprintError, match="0102030405060708"):
        codec.decode(MAGIC + bytes(range(1, 9)) + b"\x00", ChangeNotification)


def test_an_event_of_another_type_is_refused() -> None:
    data = codec.encode(notification())
    with pytest.raises(DecodeError, match="expected a NotificationStatus"):
        codec.decode(data, NotificationStatus)


def test_a_truncated_body_is_refused() -> None:
    data = codec.encode(notification())
    with pytest.raises(DecodeError, match="corrupt"):
        codec.decode(data[:40], ChangeNotification)


def test_bytes_that_break_business_rules_are_refused_after_reading() -> None:
    # Written with the right schema by some other producer, but the postcode is nonsense.
    record = codec.read_record(codec.encode(notification()), "ChangeNotification")
    record["change"]["address"]["postcode"] = "NOT A POSTCODE"
    body = {**record, "change": ("uk.gov.ctax.MoveIn", {k: v for k, v in record["change"].items() if k != "kind"})}
    buffer = io.BytesIO()
    schemaless_writer(buffer, parse_schema(expanded_schema("ChangeNotification")), body)
    data = codec.encode(notification())[:10] + buffer.getvalue()
    with pytest.raises(DecodeError, match="failed validation"):
        codec.decode(data, ChangeNotification)


def test_a_fresh_codec_reads_what_the_shared_one_wrote() -> None:
    original = notification(move_within(move_date=date(2026, 1, 2)))
    assert Codec().decode(codec.encode(original), ChangeNotification) == original
