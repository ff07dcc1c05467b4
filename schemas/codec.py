"""The one place that turns events into bytes and back: Avro single-object encoding.

Wire format (Avro specification, "Single object encoding"): the two bytes ``C3 01``, the 8-byte
little-endian CRC-64-AVRO fingerprint of the writer's schema, then the Avro binary body. The fingerprint is
resolved against the schemas shipped in the repository (current and kept history), so no schema registry
server is needed, and a reader always reads with the current schema (Avro schema resolution fills fields an
older writer did not know from their defaults).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Any, TypeVar, get_args

from fastavro import parse_schema, schemaless_reader, schemaless_writer
from pydantic import ValidationError

from schemas.avro_binary import AvroWriteError, compile_writer
from schemas.contracts import EVENT_SCHEMAS, expanded_schema, fingerprint, full_name, history
from schemas.events import (
    AccountChange,
    NotificationMetric,
    NotificationStatus,
    ValidatedNotification,
)
from schemas.notification import ChangeKind, ChangeNotification, Model

MAGIC = b"\xc3\x01"
HEADER_LENGTH = 10

M = TypeVar("M", bound=Model)

MODEL_FOR_SCHEMA: dict[str, type[Model]] = {
    "ChangeNotification": ChangeNotification,
    "ValidatedNotification": ValidatedNotification,
    "AccountChange": AccountChange,
    "NotificationStatus": NotificationStatus,
    "NotificationMetric": NotificationMetric,
}
# The Avro record (a branch of the ChangeNotification "change" union) of each kind.
RECORD_FOR_KIND = {
    ChangeKind.MOVE_IN: full_name("MoveIn"),
    ChangeKind.MOVE_OUT: full_name("MoveOut"),
    ChangeKind.MOVE_WITHIN: full_name("MoveWithin"),
    ChangeKind.SINGLE_PERSON_DISCOUNT: full_name("SinglePersonDiscount"),
    ChangeKind.HOUSEHOLD_CHANGE: full_name("HouseholdChange"),
    ChangeKind.STUDENT_EXEMPTION: full_name("StudentExemption"),
    ChangeKind.CHANGE_OF_NAME: full_name("NameChange"),
    ChangeKind.PAYMENT_ARRANGEMENT: full_name("PaymentArrangement"),
    ChangeKind.REBILL: full_name("Rebill"),
    ChangeKind.REFUND_DECISION: full_name("RefundDecision"),
}
_KIND_FOR_RECORD = {record: kind.value for kind, record in RECORD_FOR_KIND.items()}
_HOLDS_CHANGE = frozenset({"ChangeNotification", "ValidatedNotification"})


class DecodeError(ValueError):
    """Bytes that are not a readable event of the expected type; the message says what is wrong."""


class UnknownFingerprintError(DecodeError):
    """The bytes name a writer schema that this build does not ship (a newer producer, or garbage)."""


@dataclass(frozen=True)
class _Schema:
    name: str
    version: int | None
    parsed: Any


class Codec:
    """Encodes and decodes every event type; build once and share (schema parsing is the slow part)."""

    def __init__(self) -> None:
        self._current: dict[str, _Schema] = {}
        self._header: dict[str, bytes] = {}
        self._writers: dict[bytes, _Schema] = {}
        self._write: dict[str, Callable[[Any], bytes]] = {}
        for name in EVENT_SCHEMAS:
            schema = expanded_schema(name)
            parsed = parse_schema(schema)
            current = _Schema(name, None, parsed)
            self._write[name] = compile_writer(parsed)  # current schemas only: nothing writes an old one
            self._current[name] = current
            header = MAGIC + fingerprint(schema).to_bytes(8, "little")
            self._header[name] = header
            self._writers[header[2:]] = current
            for version, old in history(name):
                key = fingerprint(old).to_bytes(8, "little")
                self._writers.setdefault(key, _Schema(name, version, parse_schema(old)))

    def encode(self, event: Model) -> bytes:
        """Return the single-object encoding of an event model."""
        name = _schema_name_of(event)
        current = self._current[name]
        record = event.model_dump(mode="python")
        # Only events that carry a notification hold the change union, which needs its branch named.
        if name == "ChangeNotification":
            record["change"] = _named_branch(record["change"])
        elif name == "ValidatedNotification":
            record["notification"]["change"] = _named_branch(record["notification"]["change"])
        try:
            return self._header[name] + self._write[name](record)
        except AvroWriteError:
            # What the compiled writer refuses, fastavro writes if it can (a naive time, as local time) or names.
            buffer = io.BytesIO(self._header[name])
            buffer.seek(0, io.SEEK_END)
            schemaless_writer(buffer, current.parsed, _fastavro_record(event, name))
            return buffer.getvalue()

    def decode(self, data: bytes, model: type[M]) -> M:
        """Read bytes written with any shipped version of ``model``'s schema and return the model."""
        name = _schema_name_of_type(model)
        record = self.read_record(data, name)
        try:
            return model.model_validate(record)
        except ValidationError as error:
            raise DecodeError(f"{name} failed validation: {error.error_count()} error(s)") from error

    def read_record(self, data: bytes, name: str) -> dict[str, Any]:
        """Decode to the plain record (as the models expect it) without business validation."""
        if len(data) < HEADER_LENGTH or data[:2] != MAGIC:
            raise DecodeError("not Avro single-object encoded (missing the C3 01 marker)")
        writer = self._writers.get(data[2:HEADER_LENGTH])
        if writer is None:
            raise UnknownFingerprintError(
                f"unknown writer schema fingerprint {data[2:HEADER_LENGTH].hex()} (not shipped in this build)"
            )
        if writer.name != name:
            raise DecodeError(f"expected a {name} event but the bytes hold a {writer.name}")
        try:
            current = self._current[name]
            record = schemaless_reader(
                io.BytesIO(data[HEADER_LENGTH:]),
                writer.parsed,
                None if writer is current else current.parsed,  # no resolution needed when they are one schema
                return_record_name=True,
                return_record_name_override=True,
            )
        except Exception as error:  # fastavro raises many types on truncated or corrupt bodies
            raise DecodeError(f"corrupt {name} body: {type(error).__name__}") from error
        if not isinstance(record, dict):
            raise DecodeError(f"corrupt {name} body")
        # The change union is the only place a record name comes back (as a (name, record) pair).
        if name == "ChangeNotification":
            record["change"] = _named_change(record["change"])
        elif name == "ValidatedNotification":
            record["notification"]["change"] = _named_change(record["notification"]["change"])
        return record

    def schema_name_in(self, data: bytes) -> str | None:
        """Return the event type named by the bytes' fingerprint, or None if unreadable."""
        writer = self._writers.get(data[2:HEADER_LENGTH]) if data[:2] == MAGIC else None
        return writer.name if writer else None


def _schema_name_of(event: Model) -> str:
    return _schema_name_of_type(type(event))


def _schema_name_of_type(model: type[Model]) -> str:
    for name, candidate in MODEL_FOR_SCHEMA.items():
        if candidate is model:
            return name
    raise TypeError(f"{model.__name__} is not an event type with an Avro contract")


def _named_branch(change: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The change as the union's (record name, body) pair: Avro has no 'kind' field, the branch is the kind."""
    return RECORD_FOR_KIND[ChangeKind(change["kind"])], {k: v for k, v in change.items() if k != "kind"}


def _fastavro_record(event: Model, name: str) -> dict[str, Any]:
    """The event as fastavro's writer wants it: enums as their values, the change union's branch named."""
    record = event.model_dump(mode="python")
    if name in _HOLDS_CHANGE:
        return _to_avro(record)  # type: ignore[no-any-return]
    for field_name in _enum_fields(type(event)):
        value = record[field_name]
        if value is not None:
            record[field_name] = value.value
    return record


@cache
def _enum_fields(model: type[Model]) -> tuple[str, ...]:
    """The model's own fields that hold an enum (or None).

    They are written as their values: fastavro finds a symbol by the datum's hash, and an enum member hashes
    by its name, so a member costs it a failed look-up and a slower search (a few microseconds each).
    """
    return tuple(name for name, info in model.model_fields.items()
                 if any(isinstance(t, type) and issubclass(t, Enum)
                        for t in (info.annotation, *get_args(info.annotation))))


def _to_avro(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _to_avro_field(key, item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_to_avro(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    return value


def _to_avro_field(key: str, value: Any) -> Any:
    # The change union is the one place where a branch is chosen by name: Avro has no 'kind' field.
    if key == "change" and isinstance(value, dict):
        body = {k: _to_avro(v) for k, v in value.items() if k != "kind"}
        return (RECORD_FOR_KIND[ChangeKind(value["kind"])], body)
    return _to_avro(value)


def _named_change(value: Any) -> Any:
    if isinstance(value, tuple) and len(value) == 2:
        record_name, body = value
        return {**body, "kind": _KIND_FOR_RECORD.get(record_name, record_name)}
    return value


_shared: Codec | None = None


def shared_codec() -> Codec:
    """Return the process-wide codec, building it on first use."""
    global _shared
    if _shared is None:
        _shared = Codec()
    return _shared
