"""The compiled Avro writer writes exactly fastavro's bytes, and refuses what does not fit the schema."""

from __future__ import annotations

import copy
import io
import random
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

import pytest
from fastavro import parse_schema, schemaless_reader, schemaless_writer

from schemas.avro_binary import AvroWriteError, compile_writer, long_bytes
from schemas.codec import shared_codec
from schemas.contracts import EVENT_SCHEMAS, expanded_schema, history
from schemas.events import NotificationStatus, Stage, StageTimings, Status
from schemas.notification import ChangeKind
from tests.unit.schemas.avro_samples import sample_datum


def fastavro_bytes(parsed: Any, datum: Any) -> bytes:
    buffer = io.BytesIO()
    schemaless_writer(buffer, parsed, datum)
    return buffer.getvalue()


def every_schema() -> list[tuple[str, dict[str, Any]]]:
    schemas = [(name, expanded_schema(name)) for name in EVENT_SCHEMAS]
    schemas += [(f"{name} v{version}", old) for name in EVENT_SCHEMAS for version, old in history(name)]
    return schemas


@pytest.mark.parametrize(("label", "schema"), every_schema(), ids=[label for label, _ in every_schema()])
def test_random_data_is_written_byte_for_byte_as_fastavro_writes_it(label: str, schema: dict[str, Any]) -> None:
    parsed = parse_schema(copy.deepcopy(schema))
    write = compile_writer(parsed)
    rng = random.Random(label)
    for _ in range(300):
        datum = sample_datum(copy.deepcopy(schema), rng)
        assert write(datum) == fastavro_bytes(parsed, datum), label


@pytest.mark.parametrize("value", [0, 1, -1, 63, 64, -64, -65, 8191, 8192, -8192, -8193, 2**31 - 1, -(2**31),
                                   2**53 + 1, 2**63 - 1, -(2**63)])
def test_longs_at_every_width_match(value: int) -> None:
    parsed = parse_schema("long")
    assert compile_writer(parsed)(value) == fastavro_bytes(parsed, value)
    assert long_bytes(value) == fastavro_bytes(parsed, value)


def test_a_long_beyond_64_bits_is_refused() -> None:
    with pytest.raises(AvroWriteError):
        compile_writer(parse_schema("long"))(2**63)


def test_long_and_unicode_strings_and_timestamps_match() -> None:
    schema = {"type": "record", "name": "T", "fields": [
        {"name": "text", "type": "string"},
        {"name": "when", "type": {"type": "long", "logicalType": "timestamp-micros"}},
        {"name": "millis", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "score", "type": "double"},
    ]}
    parsed = parse_schema(schema)
    write = compile_writer(parsed)
    for datum in [
        {"text": "ünïcødé " * 2000, "when": datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
         "millis": datetime(2024, 2, 29, 12, 0, 0, 123456, tzinfo=UTC), "day": date(2024, 2, 29), "score": 3},
        {"text": "", "when": 1_700_000_000_000_000, "millis": -5, "day": 19000, "score": -0.0},
    ]:
        assert write(datum) == fastavro_bytes(parsed, datum)


class Colour(Enum):
    RED = "red"
    GREEN = "green"


def test_an_enum_member_is_written_as_its_symbol() -> None:
    parsed = parse_schema({"type": "enum", "name": "Colour", "symbols": ["red", "green"]})
    assert compile_writer(parsed)(Colour.GREEN) == fastavro_bytes(parsed, "green")


@pytest.mark.parametrize(("schema", "datum"), [
    ("string", 5),
    ("long", "5"),
    ("long", 1.5),
    ("double", "1.5"),
    (["null", "double"], "1.5"),
    ({"type": "enum", "name": "E", "symbols": ["a"]}, "b"),
    ({"type": "record", "name": "R", "fields": [{"name": "x", "type": "long"}]}, {}),
    (["null", "long", "string"], 5),  # several types: the branch must be named
    ({"type": "fixed", "name": "F", "size": 2}, b"\x00"),
    ({"type": "long", "logicalType": "timestamp-micros"}, datetime(2024, 1, 1)),  # no zone: no guess
])
def test_what_does_not_fit_the_schema_is_refused(schema: Any, datum: Any) -> None:
    with pytest.raises(AvroWriteError):
        compile_writer(parse_schema(schema))(datum)


def test_a_named_branch_and_a_missing_nullable_field_are_written_as_fastavro_writes_them() -> None:
    schema = {"type": "record", "name": "R", "namespace": "n", "fields": [
        {"name": "choice", "type": [{"type": "record", "name": "A", "fields": [{"name": "a", "type": "long"}]},
                                    {"type": "record", "name": "B", "fields": [{"name": "b", "type": "string"}]}]},
        {"name": "maybe", "type": ["null", "string"]},
        {"name": "listed", "type": {"type": "array", "items": "long"}, "default": [1, 2]},
    ]}
    parsed = parse_schema(schema)
    datum = {"choice": ("n.B", {"b": "bee"})}
    assert compile_writer(parsed)(datum) == fastavro_bytes(parsed, datum)
    record = schemaless_reader(io.BytesIO(compile_writer(parsed)(datum)), parsed, None, return_record_name=True)
    assert record == {"choice": ("n.B", {"b": "bee"}), "maybe": None, "listed": [1, 2]}


def test_the_codec_writes_a_naive_time_through_fastavro_as_it_always_did() -> None:
    """The compiled writer will not guess a naive time's zone; the codec then writes what fastavro writes."""
    codec = shared_codec()
    status = NotificationStatus.model_construct(
        notification_id="n-1", reference="CTX-AAAA-BBBB", council_code="E99999999", kind=ChangeKind.MOVE_IN,
        stage=Stage.VALIDATE, status=Status.RECEIVED, reasons=(), account_refs=(), year_bills=(),
        preview_matched=None, credits=(),
        timings=StageTimings.model_construct(submitted_at=datetime(2026, 1, 2, 3, 4, 5), validated_at=None,
                                             assessed_at=None, completed_at=None))
    encoded = codec.encode(status)
    record = status.model_dump(mode="python")
    for field in ("kind", "stage", "status"):
        record[field] = record[field].value
    assert encoded[10:] == fastavro_bytes(parse_schema(expanded_schema("NotificationStatus")), record)
